#!/usr/bin/env bash
# Stands in for the reference runner in worker tests: records what it was started with, then waits for
# SIGTERM. Like the real runner (and the one-shot agent CLIs it runs) it never reads its terminal: the
# tests report its turns to RUNNER themselves, as runner-api would.
set -euo pipefail
. "$RUNNER_ENV_FILE"
rm -f "$RUNNER_ENV_FILE"
printf 'SESSION_ID=%s\nRUNNER_API_URL=%s\nTOKEN_PARTS=%s\nRUNNER_MODE=%s\nRUNNER_IDLE_TIMEOUT=%s\nGITHUB_TOKEN=%s\nGITHUB_TOKEN_REVOKE_URL=%s\nTRACEPARENT=%s\n' \
  "$SESSION_ID" "$RUNNER_API_URL" "$(tr -cd '.' <<<"$RUNNER_TOKEN" | wc -c)" "$RUNNER_MODE" "$RUNNER_IDLE_TIMEOUT" "${GITHUB_TOKEN:-}" \
  "${GITHUB_TOKEN_REVOKE_URL:-}" "${TRACEPARENT:-}" \
  > "$RUNNER_WORK_DIR/started"
trap 'echo TERM > "$RUNNER_WORK_DIR/signalled"; exit 0' TERM
exec </dev/null
while true; do
  sleep 1 &
  wait $! || true
done
