#!/usr/bin/env bash
# Benchmark of session-worker: webhook accepted → pod create request (p50, p99) at a fixed rate, and
# follow-up messages applied per second by one worker, each against a baseline in the same round (see
# WorkerBench.java): a warm-up of both parts (WARMUP_SECONDS, default 40, at the full rate, then rounds until
# the worker's CPU per mention settles, at most WARMUP_ROUNDS, default 8), then ROUNDS (default 3) counted
# rounds in a row, each reported with its baselines and each process's CPU seconds.
# Starts nats-server, the gateway and the worker (Kubernetes launcher, pointed at a stand-in API that the
# benchmark serves); prints Markdown for docs/benchmarks.md.
#
#   deploy/bench/worker.sh [RATE] [SECONDS] [FOLLOWUPS]      (defaults: 200, 10, 3000)
#
# WORKERS=N starts N worker replicas on the same stream (default 1); WORKER_JAVA_OPTS goes to each worker's
# JVM, e.g. a profile of the whole run:
#   WORKER_JAVA_OPTS=-XX:StartFlightRecording=filename=/tmp/worker.jfr,settings=profile deploy/bench/worker.sh
# BENCH_JAVA_OPTS goes to the benchmark's own JVM (the mention sender and the stand-in Kubernetes API).
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl

rate=${1:-200}
seconds=${2:-10}
followups=${3:-3000}
state=$(mktemp -d "${TMPDIR:-/tmp}/worker-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "${KEEP_LOGS:-}" ] || cp "$state"/*.log "$KEEP_LOGS"/ 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

./mvnw -q -B -ntp package -DskipTests -pl webhook-gateway,session-worker -am
jnats=$(./mvnw -q -B -ntp help:evaluate -Dexpression=jnats.version -DforceStdout -N)

nats_port=$(free_port)
start_nats_server "$nats_port" "$state/nats" "$state/nats.log"
gateway_port=$(free_port)
worker_port=$(free_port)
api_port=$(free_port)
secret=bench-signing-secret
# the worker presents a service-account token, as in a cluster; the stand-in API refuses requests without it
api_token=bench-service-account-token
export NATS_URL="nats://127.0.0.1:$nats_port" SLACK_SIGNING_SECRET=$secret QUARKUS_LOG_LEVEL=WARN
QUARKUS_HTTP_PORT=$gateway_port java -jar webhook-gateway/target/quarkus-app/quarkus-run.jar >"$state/gateway.log" 2>&1 &
pids+=($!)
worker_ports=()
for replica in $(seq 1 "${WORKERS:-1}"); do # WORKERS=2: two replicas sharing the durable consumers
  port=$([ "$replica" = 1 ] && echo "$worker_port" || free_port)
  worker_ports+=("$port")
  QUARKUS_HTTP_PORT=$port SESSION_LAUNCHER=kubernetes SESSIONS_NAMESPACE=bench \
    RUNNER_API_URL=http://runner-api.bench.svc:8081 RUNNER_TOKEN_SECRET=bench-runner-token-secret-of-32-bytes \
    QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL="http://127.0.0.1:$api_port" QUARKUS_KUBERNETES_CLIENT_TRUST_CERTS=true \
    QUARKUS_KUBERNETES_CLIENT_TOKEN=$api_token \
    java ${WORKER_JAVA_OPTS:-} -jar session-worker/target/quarkus-app/quarkus-run.jar >"$state/worker-$replica.log" 2>&1 &
  pids+=($!)
done
await_ready "$gateway_port" "${worker_ports[@]}"

echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}')" >&2
# pids holds nats-server, the gateway and the worker replicas in that order; each round reports their CPU seconds
bench_pids="nats-server=${pids[0]} gateway=${pids[1]}"
for replica in $(seq 1 "${WORKERS:-1}"); do
  bench_pids+=" worker-$replica=${pids[replica + 1]}"
done
BENCH_PIDS=$bench_pids BENCH_API_TOKEN=$api_token java ${BENCH_JAVA_OPTS:-} \
  -cp "$HOME/.m2/repository/io/nats/jnats/$jnats/jnats-$jnats.jar" deploy/bench/WorkerBench.java \
  "$NATS_URL" "http://127.0.0.1:$gateway_port" "$secret" "$api_port" "$rate" "$seconds" "$followups"
