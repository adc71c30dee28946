#!/usr/bin/env bash
# Saves or restores a runner's working folder as a gzipped tarball.
#
#   save-state.sh save KEY DIR       prints the key the state is stored under
#   save-state.sh restore KEY DIR    restores what save stored under KEY
#   save-state.sh restore-url URL DIR
#
# With RUNNER_STATE_DIR set (local mode) tarballs live in that folder under KEY. Otherwise save uploads
# through the runner API's /api/upload with the pod token (the API picks the final key, which is printed),
# and the next run gets a download URL for it in its context (state_url), restored with restore-url.
set -euo pipefail
action=$1 where=$2 dir=$3
case "$where" in
  *..*) echo "refusing state key $where" >&2; exit 2 ;;
esac

if [ "$action" = restore-url ]; then
  curl -fsS --retry 5 --retry-all-errors "$where" | tar -xz -C "$dir"
  exit 0
fi

if [ -n "${RUNNER_STATE_DIR:-}" ]; then
  case "$where" in /*) echo "refusing state key $where" >&2; exit 2 ;; esac
  file="$RUNNER_STATE_DIR/$where"
  case "$action" in
    save) mkdir -p "$(dirname "$file")"; tar -czf "$file" -C "$dir" --exclude './output-*.txt' . ; echo "$where" ;;
    restore) tar -xzf "$file" -C "$dir" ;;
    *) echo "usage: $0 save|restore|restore-url KEY|URL DIR" >&2; exit 2 ;;
  esac
  exit 0
fi

case "$action" in
  save)
    tarball=$(mktemp --suffix=.tar.gz)
    trap 'rm -f "$tarball"' EXIT
    tar -czf "$tarball" -C "$dir" --exclude './output-*.txt' .
    curl -fsS --retry 5 --retry-all-errors -H "Authorization: Bearer $RUNNER_TOKEN" \
      -F "file=@$tarball;type=application/gzip;filename=$(basename "$where")" "$RUNNER_API_URL/api/upload" | jq -r .key
    ;;
  restore)
    echo "state $where was not saved in a local folder; the context's state_url restores uploaded state" >&2
    exit 1
    ;;
  *) echo "usage: $0 save|restore|restore-url KEY|URL DIR" >&2; exit 2 ;;
esac
