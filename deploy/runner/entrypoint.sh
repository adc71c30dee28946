#!/usr/bin/env bash
# The reference session runner. In a session pod (or a local tmux session in local mode) it:
#   1. fetches the run's context from the runner API with the pod token (the run's first turn);
#   2. restores the saved state when the context names one (save-state.sh);
#   3. takes turns: runs the agent on the turn's prompt, uploads what it left in $RUNNER_WORK_DIR/outbox/,
#      posts the turn's outcome to .../complete, then long-polls .../next for the next turn;
#   4. after RUNNER_IDLE_TIMEOUT seconds without a turn, saves the state and posts .../end;
#   5. on SIGTERM saves the state and posts .../pause.
#
# RUNNER_MODE=one-shot (default): AGENT_COMMAND (default: claude -p) runs once per turn with the prompt as
# its last argument after "--" (on standard input when it is longer than an argument may be), standard
# input otherwise closed; its standard output is the turn's answer, exit status 0 means it succeeded.
# Claude Code (a command named claude) runs with --output-format stream-json --verbose: the terminal shows
# its text and tool steps, its result object is the answer, and later turns continue its conversation with
# --resume <session_id> (or --continue); other commands get AGENT_CONTINUE_ARGS on later turns when set.
# A turn whose agent printed nothing for RUNNER_NO_OUTPUT_TIMEOUT seconds (600) is stopped and fails; Claude
# Code is stopped 15 s after its result if it has not exited; a failed turn's reply carries the agent's last
# lines of output with the run's secrets masked. While Claude Code works, its tool steps so far and the latest one go
# to .../progress every RUNNER_PROGRESS_EVERY seconds (3) when they changed. RUNNER_MODE=interactive: see interactive.sh.
#
# A session on a repository works in its checkout (workspace.sh): cloned on the session's branch before the
# first turn, committed and pushed after each. Claude Code runs unattended (claude-setup.sh): a home of the
# run's own with its first-run dialogs answered, no auto-update, the agent's permission mode.
#
# Environment: SESSION_ID, RUNNER_API_URL, RUNNER_TOKEN (a pod gets them from its Secret; the local
# launcher passes them through RUNNER_ENV_FILE, read once and deleted), AGENT_COMMAND, RUNNER_MODE,
# RUNNER_PERMISSION_MODE, RUNNER_ALLOWED_TOOLS, RUNNER_DISALLOWED_TOOLS, GITHUB_GIT_URL, GITHUB_TOKEN,
# GITHUB_TOKEN_REVOKE_URL (set for a GitHub App's run token: revoked as the run exits, github-token.sh), the model's
# credentials (ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN, ANTHROPIC_BASE_URL, Bedrock, Vertex),
# RUNNER_IDLE_TIMEOUT (seconds, default 600), RUNNER_WORK_DIR, TRACEPARENT (the W3C trace context of what
# started the run: sent as the traceparent header of every runner-API call, so runner-api continues the trace).
set -uo pipefail

if [ -n "${RUNNER_ENV_FILE:-}" ] && [ -f "$RUNNER_ENV_FILE" ]; then
  set -a; . "$RUNNER_ENV_FILE"; set +a
  rm -f "$RUNNER_ENV_FILE"
fi
: "${SESSION_ID:?SESSION_ID is not set}" "${RUNNER_API_URL:?RUNNER_API_URL is not set}" "${RUNNER_TOKEN:?RUNNER_TOKEN is not set}"
AGENT_COMMAND=${AGENT_COMMAND:-claude -p}
RUNNER_MODE=${RUNNER_MODE:-one-shot}
idle_timeout=${RUNNER_IDLE_TIMEOUT:-600}
no_output_timeout=${RUNNER_NO_OUTPUT_TIMEOUT:-600}
trace=() # the run's trace context on every call, when it is a well-formed W3C traceparent
[[ "${TRACEPARENT:-}" =~ ^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$ ]] && trace=(-H "traceparent: $TRACEPARENT")
work=${RUNNER_WORK_DIR:-$PWD}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/github-token.sh"
trap revoke_github_token EXIT # the run's GitHub App token ends with the run, however it ends
session_url="$RUNNER_API_URL/api/runner/sessions/$SESSION_ID"
own="$work/.runner" # the runner's own files: outputs, hook settings; never part of the saved state
mkdir -p "$own"
# the run's own home, saved with its state: the agent CLI's settings and conversations, never the host user's
export HOME="$work/.home"
mkdir -p "$HOME"
# the CLI as installed in the image, and no traffic but the model's
export DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1
# the longest prompt passed as one argument (Linux refuses a single argument over 128 KiB)
max_argument_bytes=100000

authorization() { # the pod token as a header line, for curl -H @<(authorization): never on a command line
  printf 'Authorization: Bearer %s' "$RUNNER_TOKEN"
}

api() { # api CURL_ARGS...: the runner API with the pod token, retried while it is unreachable or 5xx
  curl -fsS --retry 8 --retry-all-errors --retry-delay 1 --max-time 30 \
    -H @<(authorization) "${trace[@]}" "$@"
}

post() { # post PATH JSON
  api -X POST -H 'Content-Type: application/json' --data-binary "$2" "$session_url/$1" -o /dev/null
}

echo "agent-services runner: session $SESSION_ID ($RUNNER_MODE)"
if ! context=$(api "$session_url"); then
  echo "could not fetch the session's context from $session_url" >&2
  exit 1
fi
# the context's fields in one jq run (each start of jq costs tens of milliseconds, before the agent starts)
eval "$(jq -r '@sh "run=\(.run) turn=\(.turn) agent_name=\(.agent) agent_session=\(.agent_session_id // "")
  state_key=\(.state_key // "") state_url=\(.state_url // "") ws_repository=\(.workspace.repository // "")
  ws_branch=\(.workspace.branch // "") ws_base=\(.workspace.base_branch // "") first_prompt=\(.prompt // "")"' <<<"$context")"
printf '%s' "$first_prompt" >"$own/prompt"
unset first_prompt

# files attached to the messages (Slack images): into attachments/ beside the checkout, named as the prompt says
attachments_filter='.messages[]?.attachments[]? | select((.url // "") | test("^https?://"))
  | [(.name // "" | split("/") | last | split("\\") | last | gsub("[^A-Za-z0-9._-]"; "_") | sub("^\\.+"; "")
      | if . == "" then "file" else .[0:100] end), .url] | @tsv'
fetch_attachments() { # fetch_attachments FILE: downloads the attachments its messages name, each once, 50 MB at most
  local name url
  grep -q '"attachments":\[{' "$1" 2>/dev/null || return 0 # none: no jq to start
  mkdir -p "$work/attachments"
  while IFS=$'\t' read -r name url; do
    [ -n "$name" ] && [ ! -e "$work/attachments/$name" ] || continue
    curl -fsS --retry 3 --max-time 120 --max-filesize 50000000 -o "$work/attachments/$name.part" "$url" \
      && mv "$work/attachments/$name.part" "$work/attachments/$name" \
      || { rm -f "$work/attachments/$name.part"; echo "could not fetch the attachment $name" >&2; }
  done < <(jq -r "$attachments_filter" "$1" 2>/dev/null)
}
printf '%s' "$context" >"$own/context.json"
fetch_attachments "$own/context.json"
if [ -n "$state_url" ]; then
  "$here/save-state.sh" restore-url "$state_url" "$work" || echo "could not restore state $state_key; starting afresh" >&2
elif [ -n "$state_key" ]; then
  "$here/save-state.sh" restore "$state_key" "$work" || echo "could not restore state $state_key; starting afresh" >&2
fi

# the session's repository, when it has one: the agent works in its checkout
agent_dir="$work"
if [ -n "$ws_repository" ]; then
  . "$here/workspace.sh"
  if ! prepare_workspace; then
    post complete "$(jq -n --argjson turn "$turn" --arg e "the run could not clone $ws_repository (see the run's log)" \
      '{status: "failed", turn: $turn, final_message: "", error: $e}')"
    post end "$(jq -n --argjson turn "$turn" '{last_turn: $turn, state_key: null}')"
    exit 1
  fi
  agent_dir="$repo_dir"
fi

read -ra command <<<"$AGENT_COMMAND"
claude=false
if [ "$(basename "${command[0]}")" = claude ]; then
  claude=true
  [[ " ${command[*]} " == *" -p "* || " ${command[*]} " == *" --print "* ]] || command+=(-p)
  . "$here/claude-setup.sh"
  if ! has_model_credentials; then
    post complete "$(jq -n --argjson turn "$turn" --arg e "$no_credentials" '{status: "failed", turn: $turn, final_message: "", error: $e}')"
    post end "$(jq -n --argjson turn "$turn" '{last_turn: $turn, state_key: null}')"
    echo "$no_credentials" >&2
    exit 1
  fi
  seed_claude_home "$agent_dir"
  command+=("${permission_args[@]}")
fi

save_state() { # prints the key the work folder was saved under; fails, with why in $own/save-error, when it could not be
  local code=0
  "$here/save-state.sh" save "state/$SESSION_ID/run-$run.tar.gz" "$work" 2>"$own/save-error" || code=$?
  cat "$own/save-error" >&2
  return $code
}

save_error() { # why the last save failed, in a line, masked
  { grep -v '^[[:space:]]*$' "$own/save-error" 2>/dev/null || echo "the state could not be saved"; } | tail -n 2 | tr '\n' ' ' \
    | cut -c1-400 | mask
}

upload_outbox() { # prints the artifacts JSON of the files left in outbox/, moving each one out once uploaded
  local artifacts='[]' file uploaded
  if [ -d "$work/outbox" ]; then
    mkdir -p "$own/sent"
    for file in "$work/outbox"/*; do
      [ -f "$file" ] || continue
      if uploaded=$(api -F "file=@$file" "$RUNNER_API_URL/api/upload"); then
        artifacts=$(jq --arg name "$(basename "$file")" --argjson up "$uploaded" \
          '. + [{kind: "file", title: $name, url: $up.url}]' <<<"$artifacts")
        mv "$file" "$own/sent/turn-$turn-$(basename "$file")"
      else
        echo "could not upload $file" >&2
      fi
    done
  fi
  printf '%s' "$artifacts"
}

# The process of the turn going, if any, and where its answer goes.
agent=
output=

on_term() {
  if [ -n "$agent" ]; then
    pkill -TERM -P "$agent" 2>/dev/null
    kill -TERM "$agent" 2>/dev/null
    wait "$agent" 2>/dev/null
  fi
  if key=$(save_state); then
    post pause "$(jq -n --arg key "$key" --rawfile msg "${output:-/dev/null}" \
      '{state_key: $key, scrollback_key: null, last_assistant_message: $msg}')"
    echo "paused: state saved as $key"
  else
    post pause "$(jq -n --arg e "$(save_error)" --rawfile msg "${output:-/dev/null}" \
      '{state_key: null, state_error: $e, last_assistant_message: $msg}')"
    echo "paused, but the state could not be saved" >&2
  fi
  exit 143
}
trap on_term TERM

# What the terminal shows of a Claude Code turn: its text and each tool step, one line each (the JSON stream
# itself is kept in the run's folder).
step_def='def step: "\(.name): \((.input.description // .input.command // .input.file_path // .input.pattern
    // (.input | tostring)) | tostring | gsub("[\\n\\r\\t]+"; " ") | .[0:160])";'
progress_filter="$step_def"'fromjson? | select(type == "object")
  | if .type == "assistant" then (.message.content[]?
      | if .type == "text" then .text
        elif .type == "tool_use" then "\u2192 \(step)"
        else empty end)
    elif .type == "result" then "\u2713 \(.subtype // "done") after \(.num_turns // 0) steps"
    else empty end'
# How far a Claude Code turn got, for the runner API: its tool steps so far and the latest one.
report_filter="$step_def"'[inputs | fromjson? | select(type == "object" and .type == "assistant") | .message.content[]?
  | select(.type == "tool_use")] | {turn: $turn, steps: length, step: (if length == 0 then null else (last | step) end)}'

show_progress() { # show_progress PID FILE: follows what the agent prints until it exits
  if $claude; then
    tail -n +1 -s 0.1 -f --pid="$1" "$2" 2>/dev/null | jq --unbuffered -rR "$progress_filter" 2>/dev/null
  else
    tail -n +1 -s 0.1 -f --pid="$1" "$2" 2>/dev/null
  fi
}

report_progress() { # report_progress PID FILE: tells the runner API how far the turn got, every few seconds while it
  # changes (the dashboard shows it live, a Slack thread in one message); best effort: a report that fails is not retried
  local pid=$1 file=$2 size last=-1 report steps reported=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep "${RUNNER_PROGRESS_EVERY:-3}" & wait $!
    size=$(stat -c %s "$file" 2>/dev/null || echo 0)
    [ "$size" != "$last" ] || continue
    last=$size
    report=$(jq -cRn --argjson turn "$turn" "$report_filter" <"$file" 2>/dev/null | mask) || continue
    [[ "$report" =~ \"steps\":([0-9]+) ]] && steps=${BASH_REMATCH[1]} || continue
    [ "$steps" -gt "$reported" ] || continue # a new step since the last report
    # taken (a report dropped, e.g. sooner than a second after the last, goes again with the next look)
    curl -fsS --max-time 5 -o /dev/null -H @<(authorization) "${trace[@]}" -X POST \
      -H 'Content-Type: application/json' --data-binary "$report" "$session_url/progress" 2>/dev/null && reported=$steps
  done
}

has_result() { # whether Claude Code's stream in FILE ends with its result
  tail -n 1 "$1" 2>/dev/null | jq -e 'select(type == "object" and .type == "result")' >/dev/null 2>&1
}

watch_turn() { # watch_turn PID FILE: ends the agent when it printed nothing for RUNNER_NO_OUTPUT_TIMEOUT seconds, or
  # when Claude Code printed its result and has not exited 15 seconds later; says which in $own/ended
  local pid=$1 file=$2 size last=-1 quiet=0 done_for=0
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1 & wait $!
    size=$(stat -c %s "$file" 2>/dev/null || echo 0)
    if [ "$size" != "$last" ]; then last=$size quiet=0; else quiet=$(( quiet + 1 )); fi
    if $claude && has_result "$file"; then done_for=$(( done_for + 1 )); fi
    if [ "$quiet" -ge "$no_output_timeout" ] || [ "$done_for" -ge 15 ]; then
      if [ "$done_for" -ge 15 ]; then echo result >"$own/ended"; else echo quiet >"$own/ended"; fi
      kill -TERM "$pid" 2>/dev/null
      sleep 5 & wait $!
      kill -KILL "$pid" 2>/dev/null
      return 0
    fi
  done
}

mask() { # standard input without the run's secrets, nor anything shaped like a known token
  local text name value
  text=$(cat)
  for name in ANTHROPIC_API_KEY ANTHROPIC_AUTH_TOKEN CLAUDE_CODE_OAUTH_TOKEN GITHUB_TOKEN RUNNER_TOKEN \
    AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN; do
    value=${!name:-}
    [ "${#value}" -ge 8 ] && text=${text//"$value"/[masked]}
  done
  sed -E 's/(sk-ant-|gh[pousr]_|github_pat_|xox[abpr]-)[A-Za-z0-9_-]+/\1[masked]/g' <<<"$text"
}

last_lines() { # the agent's last lines of output (its errors first), masked, for a failure reply
  { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 5; } | cut -c1-300 | mask
}

run_turn() { # runs the agent on turn $turn with the prompt in $own/prompt, then posts the outcome
  local args=("${command[@]}") code status error artifacts prompt_bytes raw errors ended lines shower watcher reporter
  if $claude; then
    # a JSON object a line: each step shows as it happens, and the watchdog sees the agent is alive
    [[ " ${args[*]} " == *" --output-format "* ]] || args+=(--output-format stream-json --verbose)
    if [ "$turn" -gt 1 ]; then
      if [ -n "$agent_session" ]; then args+=(--resume "$agent_session"); else args+=(--continue); fi
    fi
  elif [ "$turn" -gt 1 ] && [ -n "${AGENT_CONTINUE_ARGS:-}" ]; then
    read -ra more <<<"$AGENT_CONTINUE_ARGS"
    args+=("${more[@]}")
  fi
  output="$own/output-$run-$turn.txt" # the answer posted
  raw="$own/stdout-$run-$turn.txt"
  errors="$own/stderr-$run-$turn.txt"
  : >"$raw"
  rm -f "$own/ended"
  prompt_bytes=$(wc -c <"$own/prompt")
  echo "--- turn $turn"
  if [ "$prompt_bytes" -le "$max_argument_bytes" ]; then
    ( cd "$agent_dir" && exec "${args[@]}" -- "$(cat "$own/prompt")" </dev/null >"$raw" 2>"$errors" ) &
  else
    ( cd "$agent_dir" && exec "${args[@]}" <"$own/prompt" >"$raw" 2>"$errors" ) &
  fi
  agent=$!
  show_progress "$agent" "$raw" &
  shower=$!
  watch_turn "$agent" "$raw" &
  watcher=$!
  reporter=
  if $claude; then
    report_progress "$agent" "$raw" &
    reporter=$!
  fi
  wait "$agent"
  code=$?
  agent=
  kill "$watcher" $reporter 2>/dev/null # the watcher writes why it ended the agent before it does
  wait "$watcher" $reporter 2>/dev/null
  wait "$shower" 2>/dev/null
  ended=$(cat "$own/ended" 2>/dev/null)
  if $claude; then
    # the answer is the stream's result object (runner-api reads it: the answer, usage, session id, refusals)
    jq -cR 'fromjson? | select(type == "object" and .type == "result")' "$raw" 2>/dev/null | tail -n 1 >"$output"
    local sid
    sid=$(jq -r '.session_id // empty' "$output" 2>/dev/null)
    [ -n "$sid" ] && agent_session=$sid
  else
    cp "$raw" "$output"
  fi
  status=succeeded error=null
  if [ "$ended" = quiet ]; then
    status=failed
    error=$(jq -n --arg e "the agent printed nothing for ${no_output_timeout}s and was stopped (RUNNER_NO_OUTPUT_TIMEOUT)" \
      --arg l "$(last_lines "$errors")" '$e + (if $l == "" then "" else "; its last lines:\n" + $l end)')
  elif [ "$code" -ne 0 ] && [ "$ended" != result ]; then
    status=failed
    lines=$(last_lines "$errors")
    [ -n "$lines" ] || lines=$(last_lines "$raw")
    error=$(jq -n --arg e "$(basename "${command[0]}") exited with $code" --arg l "$lines" \
      '$e + (if $l == "" then "" else "; its last lines:\n" + $l end)')
  fi
  artifacts=$(upload_outbox)
  if [ "$agent_dir" != "$work" ]; then
    artifacts=$(jq -c --argjson pushed "$(publish_workspace)" '. + $pushed' <<<"$artifacts")
  fi
  if post complete "$(jq -n --arg status "$status" --argjson turn "$turn" --rawfile msg "$output" --argjson error "$error" \
    --argjson artifacts "$artifacts" --arg sid "$agent_session" \
    '{status: $status, turn: $turn, final_message: $msg, error: $error, artifacts: $artifacts,
      agent_session_id: (if $sid == "" then null else $sid end)}')"; then
    echo "--- turn $turn $status"
  else
    echo "could not report turn $turn to the runner API" >&2
    exit 1
  fi
}

next_turn() { # waits for the run's next turn: 0 with $turn and $own/prompt set, 1 when idle too long, 2 when the run is over
  local deadline=$(( $(date +%s) + idle_timeout )) left wait_for code answer="$own/next.json"
  while :; do
    left=$(( deadline - $(date +%s) ))
    [ "$left" -gt 0 ] || return 1
    wait_for=$(( left < 30 ? left : 30 ))
    curl -sS --max-time $(( wait_for + 15 )) -o "$answer" -w '%{http_code}' -H @<(authorization) "${trace[@]}" \
      "$session_url/next?after=$turn&wait=$wait_for" >"$own/next.code" 2>/dev/null &
    wait $!
    code=$(cat "$own/next.code" 2>/dev/null)
    case "$code" in
      200) turn=$(jq -r '.turn' "$answer"); jq -j '.prompt // ""' "$answer" >"$own/prompt"; fetch_attachments "$answer"; return 0 ;;
      204) ;;
      401|403|404|410) echo "the run is over: $(jq -r '.message // empty' "$answer" 2>/dev/null)"; return 2 ;;
      *) sleep 2 & wait $! ;; # the runner API is unreachable for now: ask again until the window ends
    esac
  done
}

if [ "$RUNNER_MODE" = interactive ]; then
  . "$here/interactive.sh"
  exit $?
fi

while :; do
  run_turn
  next_turn
  case $? in
    0) continue ;;
    2) exit 0 ;;
  esac
  echo "no turn for ${idle_timeout}s: saving the state and ending the run"
  state_error=
  key=$(save_state) || { key= state_error=$(save_error); }
  if post end "$(jq -n --argjson turn "$turn" --arg key "$key" --arg e "$state_error" \
    '{last_turn: $turn, state_key: (if $key == "" then null else $key end), state_error: (if $e == "" then null else $e end)}')"; then
    echo "run $run ended after turn $turn"
    exit 0
  fi
  echo "could not report the end of run $run" >&2
  exit 1
done
