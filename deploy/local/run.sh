#!/usr/bin/env bash
# Runs agent-services on this machine with nothing from the cloud: nats-server with JetStream in a
# temporary folder and the webhook gateway with a sample agent ("buck"). Ctrl-C stops everything.
#
# Environment: LOCAL_NATS_PORT (default 4222, a free port when taken), GATEWAY_PORT (default 8080).
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. deploy/lib/ensure-packages.sh

ensure_command nats-server nats-server
ensure_command curl curl
ensure_command openssl openssl

state=$(mktemp -d "${TMPDIR:-/tmp}/agent-services.XXXXXX")
nats_port=${LOCAL_NATS_PORT:-4222}
if port_in_use "$nats_port"; then
  nats_port=$(free_port)
fi
gateway_port=${GATEWAY_PORT:-8080}
if port_in_use "$gateway_port"; then
  echo "error: port $gateway_port is taken; set GATEWAY_PORT to a free one" >&2
  exit 1
fi

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$state"
  rm -f "$root/.local/env"
  echo "Stopped; removed $state."
}
trap cleanup EXIT INT TERM

echo "Building the gateway..."
./mvnw -q -B -ntp package -DskipTests -pl webhook-gateway -am

echo "Starting nats-server (JetStream in $state/nats) on port $nats_port..."
"$(nats_server_bin)" -a 127.0.0.1 -p "$nats_port" -js -sd "$state/nats" >"$state/nats.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do port_in_use "$nats_port" && break; sleep 0.1; done

# The sample agent's secrets: local only, never used anywhere else.
mkdir -p .local
cat >.local/env <<ENV
NATS_URL=nats://127.0.0.1:$nats_port
GATEWAY_URL=http://127.0.0.1:$gateway_port
SLACK_SIGNING_SECRET=local-slack-signing-secret
JIRA_WEBHOOK_SECRET=local-jira-webhook-secret
JIRA_ACCOUNT_ID=local-buck-account
GITHUB_WEBHOOK_SECRET=local-github-webhook-secret
ENV

echo "Starting webhook-gateway on port $gateway_port..."
(
  set -a; . .local/env; set +a
  export QUARKUS_HTTP_PORT=$gateway_port
  exec java -Dquarkus.profile=local -jar webhook-gateway/target/quarkus-app/quarkus-run.jar
) >"$state/gateway.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  if curl -fs "http://127.0.0.1:$gateway_port/q/health/ready" >/dev/null 2>&1; then
    break
  fi
  sleep 0.2
done
if ! curl -fs "http://127.0.0.1:$gateway_port/q/health/ready" >/dev/null; then
  echo "error: the gateway did not become ready; its log:" >&2
  cat "$state/gateway.log" >&2
  exit 1
fi

cat <<NEXT

agent-services is running locally.
  NATS      nats://127.0.0.1:$nats_port   (JetStream store: $state/nats)
  gateway   http://127.0.0.1:$gateway_port   (agent "buck", sample secrets in .local/env)

Next, in another terminal:
  deploy/local/send-sample.sh slack      # a signed Slack @mention; also: interactivity, jira, github
  deploy/local/send-sample.sh slack      # the same event again: answered 200, stored once
  deploy/local/show-webhooks.sh          # what the WEBHOOKS stream holds

Gateway log follows (Ctrl-C stops everything):
NEXT
tail -n +1 -f "$state/gateway.log" &
pids+=($!)
wait "${pids[1]}"
