#!/usr/bin/env bash
# Claude Code's Stop hook for the runner's interactive mode: Claude Code runs it when the agent has
# finished answering, with {session_id, transcript_path, last_assistant_message, ...} on standard input. The
# turn's answer is last_assistant_message (the transcript is written in batches and may not hold the last lines
# yet); its token usage, and the answer of a CLI that does not send it, come from the transcript (the entries
# after the last prompt a person or the runner typed). Both are left for the runner as
# $RUNNER_STOP_DIR/stop-<turn>.json. It never blocks the stop.
set -uo pipefail
input=$(cat)
dir=${RUNNER_STOP_DIR:?RUNNER_STOP_DIR is not set}
turn=$(cat "${RUNNER_TURN_FILE:?RUNNER_TURN_FILE is not set}")
transcript=$(jq -r '.transcript_path // empty' <<<"$input")
session_id=$(jq -r '.session_id // empty' <<<"$input")
answer='{"final_message": "", "usage": null}'
if [ -n "$transcript" ] && [ -f "$transcript" ]; then
  answer=$(jq -s '
    . as $all
    | ([range(0; length) | select($all[.].type == "user"
        and (($all[.].message.content | type) == "string"
             or ([$all[.].message.content[]? | select(.type == "text")] | length > 0)))] | last // -1) as $start
    | [$all[($start + 1):][] | select(.type == "assistant")] as $answers
    | ([$answers[] | select([.message.content[]? | select(.type == "text")] | length > 0)] | last) as $final
    | def total(f): [$answers[] | (.message.usage | f) // 0] | add // 0;
      {final_message: ([$final.message.content[]? | select(.type == "text") | .text] | join("\n")),
       usage: {input_tokens: total(.input_tokens), output_tokens: total(.output_tokens),
               cache_creation_tokens: total(.cache_creation_input_tokens),
               cache_read_tokens: total(.cache_read_input_tokens)}}' "$transcript" 2>/dev/null) \
    || answer='{"final_message": "", "usage": null}'
fi
printf '%s' "$input" >"$dir/stop-input-$turn.json"
jq --arg sid "$session_id" --slurpfile input "$dir/stop-input-$turn.json" '. + {session_id: (if $sid == "" then null else $sid end)}
  + (if ($input[0].last_assistant_message // "") != "" then {final_message: $input[0].last_assistant_message} else {} end)' \
  <<<"$answer" >"$dir/stop-$turn.json.tmp" \
  && mv "$dir/stop-$turn.json.tmp" "$dir/stop-$turn.json"
exit 0
