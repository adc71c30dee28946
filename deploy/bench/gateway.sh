#!/usr/bin/env bash
# Benchmark of the webhook gateway with wrk from a process of its own: the maximum rate of signed Slack
# events at POST /webhooks/slack/events against the bare endpoint POST /bench/baseline of the same server
# (the same requests, 200 with no work), three rounds after a warm-up, each round with fresh, unique,
# pre-signed events (deploy/bench/SignedEvents.java; wrk cycles through them with wrk-events.lua, each once).
#
#   deploy/bench/gateway.sh [SECONDS_PER_RUN] [CONNECTIONS] [EVENTS_PER_RUN]   (defaults: 8, 32, 250000)
#
# Starts its own nats-server (JetStream, temporary store) and gateway on free ports; prints a Markdown
# table for docs/benchmarks.md. A round in which wrk ran out of events (a repeat is a duplicate, cheaper
# for the gateway) or got an answer other than 200 is marked invalid.
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl
ensure_command wrk wrk

seconds=${1:-8}
connections=${2:-32}
events=${3:-250000}
threads=2
state=$(mktemp -d "${TMPDIR:-/tmp}/gateway-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

./mvnw -q -B -ntp package -DskipTests -pl webhook-gateway -am
nats_port=$(free_port)
start_nats_server "$nats_port" "$state/nats" "$state/nats.log"
gateway_port=$(free_port)
secret=bench-signing-secret
NATS_URL="nats://127.0.0.1:$nats_port" SLACK_SIGNING_SECRET=$secret QUARKUS_HTTP_PORT=$gateway_port \
  GATEWAY_BENCH_BASELINE=true QUARKUS_LOG_LEVEL=WARN \
  java ${GATEWAY_JAVA_OPTS:-} -jar webhook-gateway/target/quarkus-app/quarkus-run.jar >"$state/gateway.log" 2>&1 &
pids+=($!)
await_ready "$gateway_port"
echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')" >&2

run() { # run PATH SECONDS: prints "rate repeats non2xx p50 p99"
  local result
  result=$(EVENTS_FILE="$state/events" WRK_THREADS=$threads wrk -t$threads -c"$connections" -d"$2"s \
    -s deploy/bench/wrk-events.lua "http://127.0.0.1:$gateway_port$1" | grep '^RESULT')
  echo "$result" | awk '{
    for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%.0f %d %d %s %s\n", v["requests"] / v["seconds"], v["repeats"], v["non2xx"] + v["errors"], v["p50"], v["p99"] }'
}

echo "warm-up..." >&2
java deploy/bench/SignedEvents.java "$secret" "$events" "$state/events"
run /bench/baseline "$seconds" >/dev/null
run /webhooks/slack/events "$seconds" >/dev/null

echo "| round | bare endpoint req/s | gateway req/s | ratio | gateway p50 / p99 | valid |"
echo "|---|---:|---:|---:|---:|---|"
for round in 1 2 3; do
  java deploy/bench/SignedEvents.java "$secret" "$events" "$state/events"
  read -r base base_repeats base_bad _ _ <<<"$(run /bench/baseline "$seconds")"
  read -r gate gate_repeats gate_bad p50 p99 <<<"$(run /webhooks/slack/events "$seconds")"
  valid=yes
  if [ "$gate_repeats" -gt 0 ] || [ "$gate_bad" -gt 0 ] || [ "$base_bad" -gt 0 ]; then
    valid="no ($gate_repeats repeats, $gate_bad + $base_bad not 200)"
  fi
  awk -v r="$round" -v b="$base" -v g="$gate" -v p50="$p50" -v p99="$p99" -v ok="$valid" \
    'BEGIN { printf "| %d | %d | %d | **%.2f** | %s / %s ms | %s |\n", r, b, g, g / b, p50, p99, ok }'
done
