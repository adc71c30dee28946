#!/usr/bin/env bash
# Fault test: a 3-node NATS cluster on loopback (JetStream, every stream and bucket R3), the gateway and two
# session-workers. Signed Slack mentions at a fixed rate, 30% of them sent again (Slack's retries); a third
# of the way in, the NATS node leading the WEBHOOKS stream and one worker are killed with SIGKILL. Then: every mention answered 200 must
# be applied exactly once and answered in its thread exactly once, and the accepted rate must be back
# within 5 s. See FaultBench.java; prints Markdown for docs/benchmarks.md and exits non-zero on a violation.
#
#   deploy/bench/faults.sh [RATE] [SECONDS]      (defaults: 40, 30)
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl

rate=${1:-40}
seconds=${2:-30}
state=$(mktemp -d "${TMPDIR:-/tmp}/fault-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "${KEEP_STATE:-}" ]; then echo "logs kept in $state" >&2; else rm -rf "$state"; fi
}
trap cleanup EXIT

./mvnw -q -B -ntp package -DskipTests -pl webhook-gateway,session-worker -am
jnats=$(./mvnw -q -B -ntp help:evaluate -Dexpression=jnats.version -DforceStdout -N)

# three JetStream servers in one cluster, each with a store of its own
client_ports=() cluster_ports=()
for i in 0 1 2; do client_ports+=("$(free_port)"); cluster_ports+=("$(free_port)"); done
routes="nats://127.0.0.1:${cluster_ports[0]},nats://127.0.0.1:${cluster_ports[1]},nats://127.0.0.1:${cluster_ports[2]}"
nats_pids=()
for i in 0 1 2; do
  "$(nats_server_bin)" -a 127.0.0.1 -p "${client_ports[$i]}" -n "n$i" -js -sd "$state/nats-$i" \
    --cluster_name faults --cluster "nats://127.0.0.1:${cluster_ports[$i]}" --routes "$routes" >"$state/nats-$i.log" 2>&1 &
  pids+=($!)
  nats_pids+=($!)
done
for i in 0 1 2; do for _ in $(seq 1 50); do port_in_use "${client_ports[$i]}" && break; sleep 0.1; done; done
nats_url="nats://127.0.0.1:${client_ports[0]},nats://127.0.0.1:${client_ports[1]},nats://127.0.0.1:${client_ports[2]}"
sleep 3   # the cluster elects its JetStream meta leader

gateway_port=$(free_port)
api_port=$(free_port)
slack_port=$(free_port)
secret=fault-bench-signing-secret
export NATS_URL=$nats_url NATS_REPLICAS=3 SLACK_SIGNING_SECRET=$secret QUARKUS_LOG_LEVEL=WARN
QUARKUS_HTTP_PORT=$gateway_port NATS_MANAGE_TOPOLOGY=false java -jar webhook-gateway/target/quarkus-app/quarkus-run.jar >"$state/gateway.log" 2>&1 &
pids+=($!)
worker_ports=() worker_pids=()
for i in 0 1; do
  port=$(free_port)
  worker_ports+=("$port")
  QUARKUS_HTTP_PORT=$port SESSION_LAUNCHER=kubernetes SESSIONS_NAMESPACE=faults SLACK_BOT_TOKEN=xoxb-faults \
    SLACK_API_URL="http://127.0.0.1:$slack_port/api" RUNNER_API_URL=http://runner-api.faults.svc:8081 \
    RUNNER_TOKEN_SECRET=fault-bench-runner-token-secret-32b QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL="http://127.0.0.1:$api_port" \
    QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS=true WORKER_CONSUMER_ACK_WAIT=5s NATS_MANAGEMENT_TIMEOUT=20s \
    java -jar session-worker/target/quarkus-app/quarkus-run.jar >"$state/worker-$i.log" 2>&1 &
  pids+=($!)
  worker_pids+=($!)
  # one after the other: nats-server 2.9 loses its answers to the same stream created by two clients at once
  await_ready "$port"
done

echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}')" >&2
# the bench serves the stand-in Kubernetes API and Slack, waits for the services, and kills the node that
# leads the WEBHOOKS stream (n0, n1 or n2) and worker 1
java -cp "$HOME/.m2/repository/io/nats/jnats/$jnats/jnats-$jnats.jar" deploy/bench/FaultBench.java \
  "$nats_url" "http://127.0.0.1:$gateway_port" "$secret" "$api_port" "$slack_port" "$rate" "$seconds" \
  "${nats_pids[0]},${nats_pids[1]},${nats_pids[2]}" "${worker_pids[1]}" "$gateway_port,${worker_ports[0]},${worker_ports[1]}"
