#!/usr/bin/env bash
# Claude Code's UserPromptSubmit hook for the runner's interactive mode: Claude Code runs it for every prompt submitted
# in the TUI, with {prompt, ...} on standard input. A prompt submitted while the run's current turn is going is the
# runner's own (the turn's prompt) or joins that turn. One submitted after the turn ended (its Stop hook wrote
# $RUNNER_STOP_DIR/stop-<turn>.json) was typed by a person in the run's terminal, attached from the dashboard: it is
# reported to the runner API as typed after that turn, becomes the session's next turn, and its answer is posted where
# the session came from. The runner then knows the turn by $RUNNER_STOP_DIR/typed-<turn>. It never blocks the prompt.
set -uo pipefail
input=$(cat)
dir=${RUNNER_STOP_DIR:?RUNNER_STOP_DIR is not set}
turn=$(cat "${RUNNER_TURN_FILE:?RUNNER_TURN_FILE is not set}")
[ -f "$dir/stop-$turn.json" ] || exit 0
printf '%s' "$input" >"$dir/typed-input.json"
prompt=$(jq -r '.prompt // empty' "$dir/typed-input.json" 2>/dev/null)
[ -n "${prompt//[[:space:]]/}" ] || exit 0
next=$(( turn + 1 ))
jq '{after: '"$turn"', text: .prompt}' "$dir/typed-input.json" >"$dir/typed-body.json"
if curl -fsS --max-time 10 --retry 3 --retry-all-errors -o /dev/null \
  -H @<(printf 'Authorization: Bearer %s' "$RUNNER_TOKEN") -H 'Content-Type: application/json' \
  --data-binary @"$dir/typed-body.json" "$RUNNER_API_URL/api/runner/sessions/$SESSION_ID/typed"; then
  printf '%s' "$prompt" >"$dir/typed-$next"
  printf '%s' "$next" >"$RUNNER_TURN_FILE"
else
  echo "could not report the typed prompt to the runner API; its answer stays in the terminal" >&2
fi
exit 0
