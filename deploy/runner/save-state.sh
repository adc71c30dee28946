#!/usr/bin/env bash
# Saves or restores a runner's working folder as a gzipped tarball (without the runner's own .runner/),
# and single files such as the pane's scrollback.
#
#   save-state.sh save KEY DIR            prints the key the state is stored under
#   save-state.sh restore KEY DIR         restores what save stored under KEY
#   save-state.sh restore-url URL DIR
#   save-state.sh save-file KEY FILE      prints the key the file is stored under
#   save-state.sh get-file KEY|URL DEST   writes the stored file to DEST
#
# With RUNNER_STATE_DIR set (local mode) everything lives in that folder under KEY. Otherwise saving
# uploads through the runner API's /api/upload with the pod token (the API picks the final key, which is
# printed), and the next run gets a download URL in its context (state_url, scrollback_url).
set -euo pipefail
action=$1 where=$2 dir=$3
case "$where" in
  *..*) echo "refusing state key $where" >&2; exit 2 ;;
esac
usage() { echo "usage: $0 save|restore|restore-url|save-file|get-file KEY|URL DIR|FILE" >&2; exit 2; }

case "$action" in
  restore-url) curl -fsS --retry 5 --retry-all-errors "$where" | tar -xz -C "$dir"; exit 0 ;;
  get-file)
    case "$where" in
      http://*|https://*) curl -fsS --retry 5 --retry-all-errors "$where" >"$dir"; exit 0 ;;
    esac
    ;;
esac

if [ -n "${RUNNER_STATE_DIR:-}" ]; then
  case "$where" in /*) echo "refusing state key $where" >&2; exit 2 ;; esac
  file="$RUNNER_STATE_DIR/$where"
  case "$action" in
    save) mkdir -p "$(dirname "$file")"; tar -czf "$file" -C "$dir" --exclude './.runner' . ; echo "$where" ;;
    restore) tar -xzf "$file" -C "$dir" ;;
    save-file) mkdir -p "$(dirname "$file")"; cp "$dir" "$file"; echo "$where" ;;
    get-file) cat "$file" >"$dir" ;;
    *) usage ;;
  esac
  exit 0
fi

trace=() # the run's trace context (see entrypoint.sh)
[[ "${TRACEPARENT:-}" =~ ^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$ ]] && trace=(-H "traceparent: $TRACEPARENT")

upload() { # upload FILE NAME TYPE: prints the key the runner API stored it under
  curl -fsS --retry 5 --retry-all-errors -H "Authorization: Bearer $RUNNER_TOKEN" "${trace[@]}" \
    -F "file=@$1;type=$3;filename=$2" "$RUNNER_API_URL/api/upload" | jq -r .key
}

case "$action" in
  save)
    tarball=$(mktemp --suffix=.tar.gz)
    trap 'rm -f "$tarball"' EXIT
    tar -czf "$tarball" -C "$dir" --exclude './.runner' .
    upload "$tarball" "$(basename "$where")" application/gzip
    ;;
  save-file) upload "$dir" "$(basename "$where")" text/plain ;;
  restore|get-file)
    echo "$where was not saved in a local folder; the context's URLs restore uploaded state" >&2
    exit 1
    ;;
  *) usage ;;
esac
