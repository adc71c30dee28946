#!/usr/bin/env bash
# Benchmark of the webhook gateway: signed Slack events at POST /webhooks/slack/events against the same
# requests at a bare 200 endpoint on the same server (the baseline), in one run.
#
#   deploy/bench/gateway.sh [SECONDS_PER_RUN] [CONNECTIONS]      (defaults: 15, 32)
#
# The load generator runs with a small young generation and the serial collector, so its own pauses
# stay short and off the second core (LOADGEN_JAVA_OPTS overrides; GATEWAY_JAVA_OPTS adds to the gateway).
# Starts its own nats-server (JetStream, temporary store) and gateway on free ports; prints a Markdown
# table for docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl

seconds=${1:-15}
connections=${2:-32}
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

echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}')" >&2
java ${LOADGEN_JAVA_OPTS:--XX:+UseSerialGC -Xmn64m} deploy/bench/LoadGenerator.java "http://127.0.0.1:$gateway_port/bench/baseline" \
  "http://127.0.0.1:$gateway_port/webhooks/slack/events" "$secret" "$seconds" "$connections"
