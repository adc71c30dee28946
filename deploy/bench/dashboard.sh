#!/usr/bin/env bash
# Benchmark of dashboard-api: ListSessions over many sessions, and change → SSE client latency with many
# clients on one session, each against a baseline in the same run (see DashboardBench.java). Starts its
# own nats-server and dashboard-api (local sign-in, for a token); prints Markdown for docs/benchmarks.md.
#
#   deploy/bench/dashboard.sh [SESSIONS] [SSE_CLIENTS] [CHANGES]      (defaults: 10000, 1000, 50)
#
# DASHBOARD_JAVA_OPTS goes to dashboard-api's JVM, e.g. -XX:StartFlightRecording=filename=/tmp/dashboard.jfr,settings=profile
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl

sessions=${1:-10000}
clients=${2:-1000}
changes=${3:-50}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
state=$(mktemp -d "${TMPDIR:-/tmp}/dashboard-bench.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -z "${KEEP_LOGS:-}" ] || cp "$state"/*.log "$KEEP_LOGS"/ 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

./mvnw -q -B -ntp package -DskipTests -pl dashboard-api -am
jnats=$(./mvnw -q -B -ntp help:evaluate -Dexpression=jnats.version -DforceStdout -N)

nats_port=$(free_port)
start_nats_server "$nats_port" "$state/nats" "$state/nats.log"
port=$(free_port)
sign_in_secret=$(openssl rand -hex 16)
NATS_URL="nats://127.0.0.1:$nats_port" QUARKUS_HTTP_PORT=$port QUARKUS_LOG_LEVEL=WARN DASHBOARD_LOCAL_SIGN_IN_SECRET=$sign_in_secret \
  java ${DASHBOARD_JAVA_OPTS:-} -Dquarkus.profile=local -jar dashboard-api/target/quarkus-app/quarkus-run.jar >"$state/dashboard.log" 2>&1 &
pids+=($!)
await_ready "$port"
token=$(curl -sf -d "secret=$sign_in_secret" -d name=bench -d teams=agent-services-admins "http://localhost:$port/local/token")

echo "$(nproc) cores, $(java -version 2>&1 | head -1), nats-server $("$(nats_server_bin)" --version | awk '{print $2}')" >&2
java -cp "$HOME/.m2/repository/io/nats/jnats/$jnats/jnats-$jnats.jar" deploy/bench/DashboardBench.java \
  "nats://127.0.0.1:$nats_port" "http://localhost:$port" "$token" "$sessions" "$clients" "$changes"
