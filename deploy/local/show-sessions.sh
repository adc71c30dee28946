#!/usr/bin/env bash
# Prints the latest session records of the local suite: deploy/local/show-sessions.sh [COUNT]
# (each change of a session is one entry of the sessions bucket; the newest come last).
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f .local/env ]; then
  echo "error: nothing runs locally; start it with deploy/local/run.sh" >&2
  exit 1
fi
set -a; . .local/env; set +a
jnats=$(./mvnw -q -B -ntp help:evaluate -Dexpression=jnats.version -DforceStdout -N 2>/dev/null)
java -cp "$HOME/.m2/repository/io/nats/jnats/$jnats/jnats-$jnats.jar" deploy/local/ShowStream.java \
  "$NATS_URL" KV_sessions "${1:-3}" data | if command -v jq >/dev/null; then
    while IFS= read -r line; do
      case "$line" in
        '{'*) jq '{key, status, run, turn, runEnded, queued: (.queued | length), podName, title, lastAssistantMessage, repliedTurn}' <<<"$line" ;;
        *) echo "$line" ;;
      esac
    done
  else cat; fi
