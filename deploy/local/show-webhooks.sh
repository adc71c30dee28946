#!/usr/bin/env bash
# Lists what the local WEBHOOKS stream holds: deploy/local/show-webhooks.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ ! -f .local/env ]; then
  echo "error: nothing runs locally; start it with deploy/local/run.sh" >&2
  exit 1
fi
set -a; . .local/env; set +a
jnats=$(./mvnw -q -B -ntp help:evaluate -Dexpression=jnats.version -DforceStdout -N 2>/dev/null)
exec java -cp "$HOME/.m2/repository/io/nats/jnats/$jnats/jnats-$jnats.jar" deploy/local/ShowStream.java \
  "$NATS_URL" WEBHOOKS "${1:-20}"
