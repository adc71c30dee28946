#!/usr/bin/env bash
# Stands in for an agent CLI in local mode when no real one is installed, and behaves like one in print
# mode: the prompt is its last argument (after "--"), its terminal is never read, it "works" for
# DEMO_AGENT_SECONDS (default 2) and answers with what it was asked, so the whole path can be seen
# without an API key.
set -euo pipefail
prompt=${*: -1}
if [ $# -eq 0 ] || [ "$prompt" = "--" ]; then
  prompt=$(cat) # a prompt too long for an argument comes on standard input
fi
sleep "${DEMO_AGENT_SECONDS:-2}"
# like a real agent that produced a file: the runner uploads what is left in outbox/
mkdir -p "${RUNNER_WORK_DIR:-.}/outbox"
printf '# Notes\n\nAsked: %s\n' "$prompt" > "${RUNNER_WORK_DIR:-.}/outbox/notes.md"
printf 'I looked into: %s\n\nThis is the demo agent of local mode; set AGENT_COMMAND to a real agent CLI.\n' \
  "$(sed -E 's/<@[A-Z0-9]+> ?//g' <<<"$prompt" | head -c 2000)"
