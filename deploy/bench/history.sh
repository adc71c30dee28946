#!/usr/bin/env bash
# Benchmark of the sessions' history (PostgreSQL) at scale. Starts its own nats-server, a private PostgreSQL, the
# worker (which migrates the schema and runs the projector) and the dashboard (local sign-in, for a token), then:
#   1. loads SMALL finished sessions (two messages and a turn each) and measures the worker's and the dashboard's start
#      time (process start to ready) and resident memory after a round of calls;
#   2. loads the rest up to TOTAL and measures the same again: with the history in PostgreSQL both should stay flat;
#   3. with TOTAL sessions, times the dashboard's calls with wrk (a process of its own, 2 threads with a connection
#      each: two people at once, SECONDS each): ListSessions for one team and status (page of 50), a text search, GetMetrics over 14 days;
#      each p99 is also given as a ratio to GET /q/health/live on the same server in the same run (the baseline);
#   4. publishes CHANGES session change events on HISTORY (HistoryBench.java) and times the worker's projector
#      until it has applied them all, against the rate the worker produces at 200 mentions/s.
# Prints Markdown for docs/benchmarks.md.
#
#   deploy/bench/history.sh [TOTAL] [SMALL] [SECONDS] [CHANGES]      (defaults: 1000000, 1000, 20, 50000)
set -euo pipefail
cd "$(dirname "$0")/../.."
. deploy/lib/common.sh
ensure_command nats-server nats-server
ensure_command curl curl
ensure_command wrk wrk
ensure_command openssl openssl

total=${1:-1000000}
small=${2:-1000}
seconds=${3:-20}
changes=${4:-50000}
state=$(mktemp -d "${TMPDIR:-/tmp}/history-bench.XXXXXX")
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/history-bench-pg.XXXXXX")
pids=()
# the services' pids, written by start_timed (which runs in a subshell: an array would not come back)
started="$state/started"
cleanup() {
  for pid in "${pids[@]}" $(cat "$started" 2>/dev/null); do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  stop_postgres "$pg_dir"
  [ -z "${KEEP_LOGS:-}" ] || cp "$state"/*.log "$KEEP_LOGS"/ 2>/dev/null || true
  rm -rf "$state" "$pg_dir"
}
trap cleanup EXIT

./mvnw -q -B -ntp package -DskipTests -pl session-worker,dashboard-api -am
jnats=$(./mvnw -q -B -ntp help:evaluate -Dexpression=jnats.version -DforceStdout -N)
nats_port=$(free_port)
start_nats_server "$nats_port" "$state/nats" "$state/nats.log"
pg_port=$(free_port)
start_postgres "$pg_port" "$pg_dir"
psql_bin="$(pg_bin_dir)/psql"
sql() { "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$pg_port" -U postgres -d agent_services "$@"; }
# the services run with the images' JVM options in the manifests' 384 MiB (as deploy/bench/rss.sh): their memory is
# then what a pod's would be, not what an uncapped heap happens to hold
common_env=(NATS_URL="nats://127.0.0.1:$nats_port" PGHOST=127.0.0.1 PGPORT="$pg_port" PGDATABASE=agent_services PGUSER=postgres
  PGSSLMODE=disable QUARKUS_LOG_LEVEL=WARN
  JAVA_TOOL_OPTIONS="-XX:MaxRAM=384m -XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError")
worker_port=$(free_port)
dashboard_port=$(free_port)
sign_in_secret=$(openssl rand -hex 16)
runner_secret=$(openssl rand -hex 32)

# start_timed NAME: starts the service, waits until it is ready; prints its pid and start time (ms)
start_timed() {
  local module=$1 port begin
  begin=$(date +%s%3N)
  if [ "$module" = session-worker ]; then
    port=$worker_port
    env "${common_env[@]}" QUARKUS_HTTP_PORT=$port SLACK_SIGNING_SECRET=bench JIRA_WEBHOOK_SECRET=bench JIRA_ACCOUNT_ID=bench \
      GITHUB_WEBHOOK_SECRET=bench RUNNER_TOKEN_SECRET="$runner_secret" SESSION_LAUNCHER=local S3_BUCKET=history-bench \
      java -Dquarkus.profile=local -jar session-worker/target/quarkus-app/quarkus-run.jar >>"$state/session-worker.log" 2>&1 &
  else
    port=$dashboard_port
    env "${common_env[@]}" QUARKUS_HTTP_PORT=$port DASHBOARD_LOCAL_SIGN_IN_SECRET="$sign_in_secret" \
      java -Dquarkus.profile=local -jar dashboard-api/target/quarkus-app/quarkus-run.jar >>"$state/dashboard-api.log" 2>&1 &
  fi
  local pid=$!
  echo "$pid" >>"$started"
  await_ready "$port" >&2
  echo "$pid $(( $(date +%s%3N) - begin ))"
}

rss_mib() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# measure LABEL: starts both services, makes a round of dashboard calls, prints a table row, stops them
measure() {
  local label=$1 worker dashboard worker_pid worker_ms dashboard_pid dashboard_ms token
  read -r worker_pid worker_ms < <(start_timed session-worker)
  read -r dashboard_pid dashboard_ms < <(start_timed dashboard-api)
  token=$(curl -sf -d "secret=$sign_in_secret" -d name=bench -d teams=agent-services-admins "http://localhost:$dashboard_port/local/token")
  for call in list search metrics; do
    TOKEN=$token HISTORY_CALL=$call wrk -t1 -c2 -d3s -s deploy/bench/wrk-history.lua "http://localhost:$dashboard_port" >/dev/null
  done
  printf '| %s | %s ms | %s MiB | %s ms | %s MiB |\n' "$label" "$worker_ms" "$(rss_mib "$worker_pid")" "$dashboard_ms" \
    "$(rss_mib "$dashboard_pid")"
  kill "$worker_pid" "$dashboard_pid"
  wait "$worker_pid" "$dashboard_pid" 2>/dev/null || true
}

load() { # load FROM TO
  local from=$1 to=$2 step=100000 at
  for ((at = from; at <= to; at += step)); do
    sql -v from="$at" -v to="$(( at + step - 1 < to ? at + step - 1 : to ))" -v total="$total" -f deploy/bench/history-load.sql
    echo "loaded $(( at + step - 1 < to ? at + step - 1 : to )) sessions" >&2
  done
  sql -c "VACUUM ANALYZE" >/dev/null
}

echo "$(nproc) cores, $(java -version 2>&1 | head -1), $("$psql_bin" --version), nats-server $("$(nats_server_bin)" --version | awk '{print $2}')" >&2
# the worker migrates the schema at its first start
read -r first_pid _ < <(start_timed session-worker)
for _ in $(seq 1 100); do sql -tAc "SELECT to_regclass('session_messages')" | grep -q session_messages && break; sleep 0.2; done
kill "$first_pid"; wait "$first_pid" 2>/dev/null || true

echo "| history | worker start | worker RSS | dashboard start | dashboard RSS |"
echo "|---|---:|---:|---:|---:|"
load 1 "$small"
measure "$small sessions"
begin=$(date +%s)
load $(( small + 1 )) "$total"
echo "loaded $total sessions in $(( $(date +%s) - begin )) s; database $(sql -tAc "SELECT pg_size_pretty(pg_database_size('agent_services'))")" >&2
measure "$total sessions"

read -r worker_pid _ < <(start_timed session-worker)
read -r dashboard_pid _ < <(start_timed dashboard-api)
token=$(curl -sf -d "secret=$sign_in_secret" -d name=bench -d teams=agent-services-admins "http://localhost:$dashboard_port/local/token")
echo
echo "| call over $total sessions (wrk, 2 connections, ${seconds} s) | requests/s | p50 | p99 | p99 ratio to baseline |"
echo "|---|---:|---:|---:|---:|"
# wrk's latency distribution: "50%  1.23ms" and "99%  4.56ms" lines, in us, ms or s
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub("us", "", v); v /= 1000 } else if (v ~ /ms$/) { sub("ms", "", v) } else if (v ~ /s$/) { sub("s", "", v); v *= 1000 } printf "%.2f", v }'; }
baseline_p99=
for call in baseline list search metrics; do
  TOKEN=$token HISTORY_CALL=$call wrk -t2 -c2 -d2s -s deploy/bench/wrk-history.lua "http://localhost:$dashboard_port" >/dev/null
  out=$(TOKEN=$token HISTORY_CALL=$call wrk -t2 -c2 -d"${seconds}s" --latency -s deploy/bench/wrk-history.lua "http://localhost:$dashboard_port")
  if echo "$out" | grep -q 'Non-2xx'; then echo "$out" >&2; echo "error: $call answered other than 200" >&2; exit 1; fi
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}' | to_ms)
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)
  rate=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
  [ -n "$baseline_p99" ] || baseline_p99=$p99
  case $call in
    baseline) name="GET /q/health/live (baseline)" ;;
    list) name="ListSessions, one team, status SUCCEEDED, page of 50" ;;
    search) name="ListSessions, text search (rare and common words), page of 50" ;;
    metrics) name="GetMetrics, last 14 days, all teams" ;;
  esac
  printf '| %s | %s | %s ms | %s ms | %.1f |\n' "$name" "$rate" "$p50" "$p99" "$(awk -v a="$p99" -v b="$baseline_p99" 'BEGIN { print a / b }')"
done

echo
java -cp "$HOME/.m2/repository/io/nats/jnats/$jnats/jnats-$jnats.jar" deploy/bench/HistoryBench.java \
  "nats://127.0.0.1:$nats_port" "$changes"
kill "$worker_pid" "$dashboard_pid"
wait "$worker_pid" "$dashboard_pid" 2>/dev/null || true
