#!/usr/bin/env bash
# Benchmark of the webhook gateway with wrk from a process of its own: the rate of signed Slack events stored
# through POST /webhooks/slack/events against two baselines on the same server, stack and event loop:
#   - the floor, POST /bench/floor: the same body stored on a JetStream stream set up like WEBHOOKS, 200 once
#     acknowledged, with none of the gateway's own work (what any endpoint that stores before answering costs);
#   - the bare endpoint, POST /bench/baseline: 200 with no work at all.
# The gateway's ratio to the floor measures the gateway's own work; its ratio to the bare endpoint adds what
# storing costs (the publish, its ack and nats-server, which runs on the same cores here).
#
#   deploy/bench/gateway.sh [SECONDS_PER_SLICE] [CONNECTIONS] [EVENTS_PER_SLICE]   (defaults: 4, 32, 120000)
#
# A round is SLICES (3) slices; each slice runs the three endpoints one after another, in an order that turns
# from slice to slice, with fresh, unique, pre-signed events (deploy/bench/SignedEvents.java; wrk sends each
# once with wrk-events.lua). A round's rate for an endpoint is its requests over its seconds in all slices, so
# a slow spell of the shared machine falls on all three rather than on one. Warm-up rounds (not counted) run
# until the gateway's rate settles (at most WARMUP_ROUNDS, 6), then ROUNDS (3) counted rounds. Starts its own nats-server (JetStream,
# temporary store) and gateway on free ports; prints a Markdown table for docs/benchmarks.md. A round in which
# the gateway ran out of events (a repeat is a duplicate, cheaper for it) or an endpoint answered other than
# 200 is marked invalid. GATEWAY_JAVA_OPTS goes to the gateway's JVM.
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl
ensure_command wrk wrk

seconds=${1:-4}
connections=${2:-32}
events=${3:-120000}
slices=${SLICES:-3}
rounds=${ROUNDS:-3}
warmup_rounds=${WARMUP_ROUNDS:-6}
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
# the floor answers 503 until its stream is set up
for _ in $(seq 1 100); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' -d '{}' "http://127.0.0.1:$gateway_port/bench/floor")" = 200 ] && break
  sleep 0.1
done
echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}'), $(wrk -v 2>&1 | head -1 | awk '{print $1, $2}')" >&2

endpoints=(/bench/baseline /bench/floor /webhooks/slack/events)
names=(bare floor gateway)
tick=$(getconf CLK_TCK)

cpu_ticks() { # CPU time used so far by the gateway's JVM and by nats-server, in clock ticks
  awk '{ printf "%d ", $14 + $15 }' "/proc/$gateway_pid/stat" "/proc/$nats_pid/stat"
}

run() { # run PATH EVENTS_FILE: prints "requests seconds repeats bad p50 p99 jvm-ticks nats-ticks"
  local result before after
  before=$(cpu_ticks)
  result=$(EVENTS_FILE="$2" WRK_THREADS=$threads wrk -t$threads -c"$connections" -d"$seconds"s \
    -s deploy/bench/wrk-events.lua "http://127.0.0.1:$gateway_port$1" | grep '^RESULT')
  after=$(cpu_ticks)
  echo "$result $before $after" | awk '{
    for (i = 2; i <= 8; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
    printf "%d %s %d %d %s %s %d %d\n", v["requests"], v["seconds"], v["repeats"], v["non2xx"] + v["errors"], v["p50"], v["p99"],
      $11 - $9, $12 - $10 }'
}

# round LABEL: runs one round and prints its table row; sets gate_rate to the gateway's rate
round() {
  local label=$1 slice k i line
  java deploy/bench/SignedEvents.java "$secret" $((events * slices)) "$state/events"
  split -l "$events" -d -a 2 "$state/events" "$state/slice-"
  declare -A totals=()
  for ((slice = 0; slice < slices; slice++)); do
    for ((k = 0; k < 3; k++)); do
      i=$(((slice + k) % 3))
      read -r -a line <<<"$(run "${endpoints[$i]}" "$state/slice-$(printf '%02d' "$slice")")"
      totals[$i.requests]=$((${totals[$i.requests]:-0} + line[0]))
      totals[$i.seconds]=$(awk -v a="${totals[$i.seconds]:-0}" -v b="${line[1]}" 'BEGIN { print a + b }')
      totals[$i.repeats]=$((${totals[$i.repeats]:-0} + line[2]))
      totals[$i.bad]=$((${totals[$i.bad]:-0} + line[3]))
      totals[$i.p50]="${totals[$i.p50]:-} ${line[4]}"
      totals[$i.p99]="${totals[$i.p99]:-} ${line[5]}"
      totals[$i.jvm]=$((${totals[$i.jvm]:-0} + line[6]))
      totals[$i.nats]=$((${totals[$i.nats]:-0} + line[7]))
    done
  done
  rm -f "$state"/slice-* "$state/events"
  local valid=yes
  if [ "${totals[2.repeats]}" -gt 0 ] || [ $((totals[0.bad] + totals[1.bad] + totals[2.bad])) -gt 0 ]; then
    valid="no (${totals[2.repeats]} repeats, $((totals[0.bad] + totals[1.bad] + totals[2.bad])) not 200)"
  fi
  local rates=() cpu=() p
  for i in 0 1 2; do
    rates[$i]=$(awk -v r="${totals[$i.requests]}" -v s="${totals[$i.seconds]}" 'BEGIN { printf "%.0f", r / s }')
    cpu[$i]=$(awk -v r="${totals[$i.requests]}" -v j="${totals[$i.jvm]}" -v n="${totals[$i.nats]}" -v t="$tick" \
      'BEGIN { printf "%.0f, %.0f", j * 1e6 / t / r, n * 1e6 / t / r }')
  done
  gate_rate=${rates[2]}
  p=$(echo "${totals[2.p50]}" | awk '{ s = 0; for (i = 1; i <= NF; i++) s += $i; printf "%.2f", s / NF }')
  p="$p / $(echo "${totals[2.p99]}" | awk '{ m = 0; for (i = 1; i <= NF; i++) if ($i > m) m = $i; printf "%.2f", m }') ms"
  awk -v l="$label" -v b="${rates[0]}" -v f="${rates[1]}" -v g="${rates[2]}" -v p="$p" -v ok="$valid" \
    -v cpu="${cpu[0]} · ${cpu[1]} · ${cpu[2]}" \
    'BEGIN { printf "| %s | %d | %d | %d | **%.2f** | %.2f | %s | %s | %s |\n", l, b, f, g, g / f, g / b, p, cpu, ok }'
}

echo "| round | bare endpoint req/s | floor req/s | gateway req/s | gateway / floor | gateway / bare | gateway p50 / max p99 | CPU µs per request (gateway JVM, nats-server): bare · floor · gateway | valid |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|"
# Warm-up: rounds until the gateway's rate is within 10 % of the previous warm-up round's (at least two, at most
# WARMUP_ROUNDS). On two shared cores the JIT compiler competes with the requests for about a minute of load.
previous=0
for ((warmup = 1; warmup <= warmup_rounds; warmup++)); do
  round "warm-up $warmup (not counted)"
  if [ "$warmup" -ge 2 ] && awk -v g="$gate_rate" -v p="$previous" 'BEGIN { exit !(g <= 1.1 * p && g >= 0.9 * p) }'; then
    break
  fi
  previous=$gate_rate
done
for ((r = 1; r <= rounds; r++)); do
  round "$r"
done
