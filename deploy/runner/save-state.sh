#!/usr/bin/env bash
# Saves or restores a runner's working folder as a tarball under a key:
#   save-state.sh save KEY DIR      save-state.sh restore KEY DIR
# With RUNNER_STATE_DIR set (local mode) the tarball lives in that folder; otherwise it is uploaded to
# and downloaded from the runner API's storage with the pod token.
set -euo pipefail
action=$1 key=$2 dir=$3
case "$key" in
  *..*|/*) echo "refusing state key $key" >&2; exit 2 ;;
esac
if [ -n "${RUNNER_STATE_DIR:-}" ]; then
  file="$RUNNER_STATE_DIR/$key"
  case "$action" in
    save) mkdir -p "$(dirname "$file")"; tar -czf "$file" -C "$dir" --exclude './output-*.txt' . ;;
    restore) tar -xzf "$file" -C "$dir" ;;
    *) echo "usage: $0 save|restore KEY DIR" >&2; exit 2 ;;
  esac
else
  echo "no state storage configured (set RUNNER_STATE_DIR)" >&2
  exit 1
fi
