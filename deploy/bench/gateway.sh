#!/usr/bin/env bash
# Benchmark of the webhook gateway with wrk from a process of its own: the maximum rate of signed Slack
# events at POST /webhooks/slack/events against the bare endpoint POST /bench/baseline of the same server
# (the same requests, 200 with no work), three rounds after a warm-up, each round with fresh, unique,
# pre-signed events (deploy/bench/SignedEvents.java; wrk cycles through them with wrk-events.lua, each once),
# after a warm-up that lasts until the gateway's rate settles.
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
nats_pid=${pids[-1]}
gateway_port=$(free_port)
secret=bench-signing-secret
NATS_URL="nats://127.0.0.1:$nats_port" SLACK_SIGNING_SECRET=$secret QUARKUS_HTTP_PORT=$gateway_port \
  GATEWAY_BENCH_BASELINE=true QUARKUS_LOG_LEVEL=WARN \
  java ${GATEWAY_JAVA_OPTS:-} -jar webhook-gateway/target/quarkus-app/quarkus-run.jar >"$state/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
await_ready "$gateway_port"
echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')" >&2

cpu_ticks() { # CPU time used so far by the gateway's JVM and by nats-server, in clock ticks
  awk '{ printf "%d ", $14 + $15 }' "/proc/$gateway_pid/stat" "/proc/$nats_pid/stat"
}
tick=$(getconf CLK_TCK)

run() { # run PATH SECONDS: prints "rate repeats non2xx p50 p99 gateway-us nats-us" (CPU microseconds per request)
  local result before after
  before=$(cpu_ticks)
  result=$(EVENTS_FILE="$state/events" WRK_THREADS=$threads wrk -t$threads -c"$connections" -d"$2"s \
    -s deploy/bench/wrk-events.lua "http://127.0.0.1:$gateway_port$1" | grep '^RESULT')
  after=$(cpu_ticks)
  echo "$result $before $after" | awk -v tick="$tick" '{
    for (i = 2; i <= 8; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    us = 1000000 / tick / v["requests"]
    printf "%.0f %d %d %s %s %.0f %.0f\n", v["requests"] / v["seconds"], v["repeats"], v["non2xx"] + v["errors"], v["p50"], v["p99"],
      ($11 - $9) * us, ($12 - $10) * us }'
}

# Warm-up: both endpoints in turn until the gateway's rate settles (within 10 % of its previous warm-up run,
# at least two and at most six runs each). On two shared cores the JIT compiler competes with the requests
# and the gateway's rate kept rising for about 40 s: a shorter warm-up measured its compilation.
previous=0
for warmup in 1 2 3 4 5 6; do
  java deploy/bench/SignedEvents.java "$secret" "$events" "$state/events"
  read -r base _ _ _ _ <<<"$(run /bench/baseline "$seconds")"
  read -r gate _ _ _ _ <<<"$(run /webhooks/slack/events "$seconds")"
  echo "warm-up $warmup: bare endpoint $base req/s, gateway $gate req/s (not counted)" >&2
  if [ "$warmup" -ge 2 ] && awk -v g="$gate" -v p="$previous" 'BEGIN { exit !(g <= 1.1 * p && g >= 0.9 * p) }'; then
    break
  fi
  previous=$gate
done

echo "| round | bare endpoint req/s | gateway req/s | ratio | gateway p50 / p99 | CPU µs per request, bare → gateway: gateway JVM, nats-server | valid |"
echo "|---|---:|---:|---:|---:|---:|---|"
for round in 1 2 3; do
  java deploy/bench/SignedEvents.java "$secret" "$events" "$state/events"
  read -r base base_repeats base_bad _ _ base_jvm base_nats <<<"$(run /bench/baseline "$seconds")"
  read -r gate gate_repeats gate_bad p50 p99 gate_jvm gate_nats <<<"$(run /webhooks/slack/events "$seconds")"
  valid=yes
  if [ "$gate_repeats" -gt 0 ] || [ "$gate_bad" -gt 0 ] || [ "$base_bad" -gt 0 ]; then
    valid="no ($gate_repeats repeats, $gate_bad + $base_bad not 200)"
  fi
  awk -v r="$round" -v b="$base" -v g="$gate" -v p50="$p50" -v p99="$p99" -v ok="$valid" \
    -v cpu="$base_jvm → $gate_jvm, $base_nats → $gate_nats" \
    'BEGIN { printf "| %d | %d | %d | **%.2f** | %s / %s ms | %s | %s |\n", r, b, g, g / b, p50, p99, cpu, ok }'
done
