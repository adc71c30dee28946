#!/usr/bin/env bash
# The reference session runner. In a session pod (or a local tmux session in local mode) it:
#   1. fetches the run's context from the runner API with the pod token;
#   2. restores the saved state when the context names one (save-state.sh);
#   3. runs AGENT_COMMAND (default: claude -p) with the prompt appended as the last argument; its standard
#      output is the final assistant message, exit status 0 means the run succeeded;
#   4. uploads the files the agent left in $RUNNER_WORK_DIR/outbox/ through /api/upload, as artifacts;
#   5. posts the outcome to .../complete, or on SIGTERM saves the state and posts .../pause.
#
# Environment: SESSION_ID, RUNNER_API_URL, RUNNER_TOKEN (a pod gets them from its Secret; the local
# launcher passes them through RUNNER_ENV_FILE, read once and deleted), AGENT_COMMAND, RUNNER_WORK_DIR.
set -uo pipefail

if [ -n "${RUNNER_ENV_FILE:-}" ] && [ -f "$RUNNER_ENV_FILE" ]; then
  set -a; . "$RUNNER_ENV_FILE"; set +a
  rm -f "$RUNNER_ENV_FILE"
fi
: "${SESSION_ID:?SESSION_ID is not set}" "${RUNNER_API_URL:?RUNNER_API_URL is not set}" "${RUNNER_TOKEN:?RUNNER_TOKEN is not set}"
AGENT_COMMAND=${AGENT_COMMAND:-claude -p}
work=${RUNNER_WORK_DIR:-$PWD}
here=$(cd "$(dirname "$0")" && pwd)
session_url="$RUNNER_API_URL/api/runner/sessions/$SESSION_ID"

api() { # api CURL_ARGS...: the runner API with the pod token, retried while it is unreachable or 5xx
  curl -fsS --retry 8 --retry-all-errors --retry-delay 1 --max-time 30 \
    -H "Authorization: Bearer $RUNNER_TOKEN" "$@"
}

post() { # post PATH JSON
  api -X POST -H 'Content-Type: application/json' --data-binary "$2" "$session_url/$1" -o /dev/null
}

echo "agent-services runner: session $SESSION_ID"
if ! context=$(api "$session_url"); then
  echo "could not fetch the session's context from $session_url" >&2
  exit 1
fi
prompt=$(jq -r '.prompt // ""' <<<"$context")
run=$(jq -r '.run' <<<"$context")
state_key=$(jq -r '.state_key // empty' <<<"$context")
state_url=$(jq -r '.state_url // empty' <<<"$context")
if [ -n "$state_url" ]; then
  "$here/save-state.sh" restore-url "$state_url" "$work" || echo "could not restore state $state_key; starting afresh" >&2
elif [ -n "$state_key" ]; then
  "$here/save-state.sh" restore "$state_key" "$work" || echo "could not restore state $state_key; starting afresh" >&2
fi

output="$work/output-$run.txt"
read -ra command <<<"$AGENT_COMMAND"
"${command[@]}" "$prompt" > >(tee "$output") &
agent=$!

on_term() {
  kill -TERM "$agent" 2>/dev/null
  wait "$agent" 2>/dev/null
  if key=$("$here/save-state.sh" save "state/$SESSION_ID/run-$run.tar.gz" "$work"); then
    post pause "$(jq -n --arg key "$key" --rawfile msg "$output" \
      '{state_key: $key, scrollback_key: null, last_assistant_message: $msg}')"
    echo "paused: state saved as $key"
  fi
  exit 143
}
trap on_term TERM

wait "$agent"
code=$?
sleep 0.2 # let tee finish writing
status=failed
[ "$code" -eq 0 ] && status=succeeded
error=null
[ "$code" -ne 0 ] && error="\"$AGENT_COMMAND exited with $code\""

artifacts='[]'
if [ -d "$work/outbox" ]; then
  for file in "$work/outbox"/*; do
    [ -f "$file" ] || continue
    if uploaded=$(api -F "file=@$file" "$RUNNER_API_URL/api/upload"); then
      artifacts=$(jq --arg name "$(basename "$file")" --argjson up "$uploaded" \
        '. + [{kind: "file", title: $name, url: $up.url}]' <<<"$artifacts")
    else
      echo "could not upload $file" >&2
    fi
  done
fi

if post complete "$(jq -n --arg status "$status" --rawfile msg "$output" --argjson error "$error" \
  --argjson artifacts "$artifacts" '{status: $status, final_message: $msg, error: $error, artifacts: $artifacts}')"; then
  echo "run $run $status"
else
  echo "could not report the outcome to the runner API" >&2
  exit 1
fi
