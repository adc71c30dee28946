#!/usr/bin/env bash
# The session pod's first process: runs entrypoint.sh inside a tmux session named "runner" (so the
# dashboard can attach to the agent's terminal), waits for it, and passes SIGTERM on so the runner
# saves its state and reports a pause.
set -uo pipefail
tmux new-session -d -s runner -x 200 -y 50 /opt/runner/entrypoint.sh
runner_pid=$(tmux display-message -p -t runner '#{pane_pid}')
trap 'kill -TERM "$runner_pid" 2>/dev/null' TERM
while tmux has-session -t runner 2>/dev/null; do
  sleep 1 &
  wait $!
done
