# The reference runner's interactive mode (RUNNER_MODE=interactive), sourced by entrypoint.sh after the
# context is fetched: Claude Code's TUI runs in the tmux pane, so a person attached from the dashboard
# sees the real agent and can type into it. The end of each turn comes from Claude Code's Stop hook
# (stop-hook.sh, named in a settings file given with --settings), which writes the turn's final assistant
# message; a prompt a person types into the TUI after a turn ended becomes the next turn (prompt-hook.sh, the
# UserPromptSubmit hook, reports it, and the controller waits for its Stop instead of pasting it again); a
# controller in the background posts it (with the workspace's pushed branch, as one-shot turns
# do), asks for the next turn and pastes it into the TUI (load-buffer/paste-buffer, then Enter; retried
# once). The TUI runs in the session's checkout. On SIGTERM the pane's scrollback is saved too.

if ! $claude; then
  echo "interactive mode needs Claude Code (AGENT_COMMAND=claude …); running one-shot instead" >&2
  RUNNER_MODE=one-shot
  return 0 2>/dev/null || exit 0
fi
if [ -z "${TMUX_PANE:-}" ]; then
  echo "interactive mode runs inside tmux (pod-entrypoint.sh or the local launcher); TMUX_PANE is not set" >&2
  exit 1
fi

# The TUI: the agent command without print-mode flags, with the Stop hook's settings, continuing the
# conversation on later turns, and the first prompt as its argument when it fits in one.
tui=()
skip=false
for word in "${command[@]}"; do
  if $skip; then skip=false; continue; fi
  case "$word" in
    -p|--print) ;;
    --output-format) skip=true ;;
    *) tui+=("$word") ;;
  esac
done
jq -n --arg stop "$here/stop-hook.sh" --arg prompt "$here/prompt-hook.sh" \
  '{hooks: {Stop: [{hooks: [{type: "command", command: $stop}]}],
            UserPromptSubmit: [{hooks: [{type: "command", command: $prompt}]}]}}' >"$own/settings.json"
tui+=(--settings "$own/settings.json")
if [ "$turn" -gt 1 ]; then
  if [ -n "$agent_session" ]; then tui+=(--resume "$agent_session"); else tui+=(--continue); fi
fi
printf '%s' "$turn" >"$own/turn"
rm -f "$own"/stop-*.json
type_first=false
if [ "$(wc -c <"$own/prompt")" -le "$max_argument_bytes" ]; then
  tui+=(-- "$(cat "$own/prompt")")
else
  type_first=true
fi

deliver() { # types $own/prompt into the TUI: a bracketed paste of the whole text, then Enter
  local buffer="turn-$turn"
  tmux load-buffer -b "$buffer" - <"$own/prompt" \
    && tmux paste-buffer -p -r -d -b "$buffer" -t "$TMUX_PANE" \
    && tmux send-keys -t "$TMUX_PANE" Enter
}

deliver_with_retry() {
  deliver && return 0
  sleep 1
  deliver
}

await_stop() { # waits until the Stop hook reported turn $turn; fails when the TUI is gone
  while [ ! -f "$own/stop-$turn.json" ]; do
    kill -0 "$agent" 2>/dev/null || return 1
    sleep 0.5
  done
}

typed_here() { # whether turn $turn is a prompt a person typed into the TUI (prompt-hook.sh reported it)
  [ -f "$own/typed-$turn" ] || return 1
  local first
  first=$(head -n 1 "$own/typed-$turn")
  [ -z "$first" ] || grep -qF -- "$first" "$own/prompt"
}

recently_active() { # whether someone worked in the pane within the idle window
  local last
  last=$(tmux display-message -p -t "$TMUX_PANE" '#{window_activity}' 2>/dev/null) || return 1
  [ $(( $(date +%s) - last )) -lt "$idle_timeout" ]
}

report_turn() { # posts the outcome of turn $turn from what the Stop hook wrote
  local artifacts
  artifacts=$(upload_outbox)
  if [ "$agent_dir" != "$work" ]; then
    artifacts=$(jq -c --argjson pushed "$(publish_workspace)" '. + $pushed' <<<"$artifacts")
  fi
  jq -r '.final_message // ""' "$own/stop-$turn.json" >"$own/output-$run-$turn.txt"
  output="$own/output-$run-$turn.txt"
  agent_session=$(jq -r '.session_id // empty' "$own/stop-$turn.json")
  post complete "$(jq --argjson turn "$turn" --argjson artifacts "$artifacts" \
    '{status: "succeeded", turn: $turn, final_message: .final_message, usage: .usage, artifacts: $artifacts,
      agent_session_id: .session_id}' "$own/stop-$turn.json")"
}

controller() { # in the background: reports each turn, takes the next one, ends the run when idle
  local outcome
  if $type_first; then
    sleep 2 # the TUI draws itself before it reads its first input
    deliver_with_retry || echo "could not type turn $turn into the agent" >&2
  fi
  while :; do
    await_stop || exit 0
    report_turn || echo "could not report turn $turn" >&2
    while :; do
      next_turn
      outcome=$?
      [ "$outcome" -eq 1 ] && recently_active && continue
      break
    done
    case $outcome in
      0)
        printf '%s' "$turn" >"$own/turn"
        if typed_here; then
          continue # a person typed it into the TUI, which is already working on it
        fi
        if ! deliver_with_retry; then
          post complete "$(jq -n --argjson turn "$turn" \
            '{status: "failed", turn: $turn, final_message: "", error: "the follow-up could not be typed into the agent"}')"
        fi
        ;;
      1)
        echo "no turn for ${idle_timeout}s: saving the state and ending the run"
        state_error=
        key=$(save_state) || { key= state_error=$(save_error); }
        post end "$(jq -n --argjson turn "$turn" --arg key "$key" --arg e "$state_error" \
          '{last_turn: $turn, state_key: (if $key == "" then null else $key end), state_error: (if $e == "" then null else $e end)}')"
        kill -TERM "$agent" 2>/dev/null
        exit 0
        ;;
      *)
        kill -TERM "$agent" 2>/dev/null
        exit 0
        ;;
    esac
  done
}

on_term_interactive() {
  local scrollback_key=
  tmux capture-pane -p -S - -t "$TMUX_PANE" >"$work/.scrollback.txt" 2>/dev/null || true
  [ -n "${controller_pid:-}" ] && kill "$controller_pid" 2>/dev/null
  [ -n "$agent" ] && kill -TERM "$agent" 2>/dev/null && wait "$agent" 2>/dev/null
  scrollback_key=$("$here/save-state.sh" save-file "state/$SESSION_ID/run-$run.scrollback.txt" "$work/.scrollback.txt") \
    || scrollback_key=
  if key=$(save_state); then
    post pause "$(jq -n --arg key "$key" --arg sb "$scrollback_key" --rawfile msg "${output:-/dev/null}" \
      '{state_key: $key, scrollback_key: (if $sb == "" then null else $sb end), last_assistant_message: $msg}')"
    echo "paused: state saved as $key"
  else
    post pause "$(jq -n --arg e "$(save_error)" --arg sb "$scrollback_key" --rawfile msg "${output:-/dev/null}" \
      '{state_key: null, state_error: $e, scrollback_key: (if $sb == "" then null else $sb end), last_assistant_message: $msg}')"
    echo "paused, but the state could not be saved" >&2
  fi
  exit 143
}
trap on_term_interactive TERM

# a resumed session shows where it stood before the agent's new output
scrollback_url=$(jq -r '.scrollback_url // empty' <<<"$context")
scrollback_key=$(jq -r '.scrollback_key // empty' <<<"$context")
if [ -n "$scrollback_url" ] || [ -n "$scrollback_key" ]; then
  "$here/save-state.sh" get-file "${scrollback_url:-$scrollback_key}" /dev/stdout 2>/dev/null || true
  echo "--- resumed"
fi

export RUNNER_TURN_FILE="$own/turn" RUNNER_STOP_DIR="$own"
( cd "$agent_dir" && exec "${tui[@]}" ) </dev/tty >/dev/tty 2>&1 &
agent=$!
controller &
controller_pid=$!
wait "$agent"
code=$?
agent=
kill "$controller_pid" 2>/dev/null
wait "$controller_pid" 2>/dev/null
exit "$code"
