#!/usr/bin/env bash
# Stands in for the reference runner in worker tests: records what it was started with, then writes
# every line typed into its tmux session to a file, as an agent CLI would read them.
set -euo pipefail
. "$RUNNER_ENV_FILE"
rm -f "$RUNNER_ENV_FILE"
printf 'SESSION_ID=%s\nRUNNER_API_URL=%s\nTOKEN_PARTS=%s\n' "$SESSION_ID" "$RUNNER_API_URL" \
  "$(tr -cd '.' <<<"$RUNNER_TOKEN" | wc -c)" > "$RUNNER_WORK_DIR/started"
trap 'echo TERM > "$RUNNER_WORK_DIR/signalled"; exit 0' TERM
while IFS= read -r line; do
  printf '%s\n' "$line" >> "$RUNNER_WORK_DIR/typed"
done
