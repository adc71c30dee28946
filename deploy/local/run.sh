#!/usr/bin/env bash
# Runs agent-services on this machine with nothing from the cloud: nats-server with JetStream in a
# temporary folder, s3proxy (S3 on the local disk) for uploads, a private PostgreSQL for the sessions' history
# (initdb/pg_ctl from Debian's postgresql, data in the same folder), the webhook gateway, runner-api,
# session-worker with the local launcher (session runs are local processes in tmux), dashboard-api with
# its local sign-in, and a sample agent ("buck"). Ctrl-C stops everything.
#
# Environment: LOCAL_NATS_PORT (default 4222, a free port when taken), GATEWAY_PORT (8080),
# RUNNER_API_PORT (8081), DASHBOARD_PORT (8082), WORKER_PORT (8083), AGENT_COMMAND (default: claude -p when installed and
# SESSION_LOCAL_RUN_ENV_FILE names the runs' credentials, else the demo agent deploy/runner/demo-agent.sh);
# SESSION_LOCAL_RUN_ENV_FILE, GITHUB_TOKEN, GITHUB_API_URL and GITHUB_GIT_URL reach the worker as set.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. deploy/lib/common.sh

ensure_command nats-server nats-server
ensure_command curl curl
ensure_command openssl openssl
ensure_command tmux tmux
ensure_command jq jq

state=$(mktemp -d "${TMPDIR:-/tmp}/agent-services.XXXXXX")
# PostgreSQL's data: a folder of its own, which the postgres user can reach when this runs as root
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/agent-services-pg.XXXXXX")
nats_port=${LOCAL_NATS_PORT:-4222}
if port_in_use "$nats_port"; then
  nats_port=$(free_port)
fi
gateway_port=${GATEWAY_PORT:-8080}
runner_port=${RUNNER_API_PORT:-8081}
worker_port=${WORKER_PORT:-8083}
dashboard_port=${DASHBOARD_PORT:-8082}
for port_and_variable in "$gateway_port GATEWAY_PORT" "$runner_port RUNNER_API_PORT" "$worker_port WORKER_PORT" \
  "$dashboard_port DASHBOARD_PORT"; do
  set -- $port_and_variable
  if port_in_use "$1"; then
    echo "error: port $1 is taken; set $2 to a free one" >&2
    exit 1
  fi
done
agent_command=${AGENT_COMMAND:-}
if [ -z "$agent_command" ]; then
  # Claude Code when it is installed and the runs have credentials (SESSION_LOCAL_RUN_ENV_FILE), else the demo agent
  if command -v claude >/dev/null 2>&1 && [ -n "${SESSION_LOCAL_RUN_ENV_FILE:-}" ]; then
    agent_command="claude -p"
  else
    agent_command="$root/deploy/runner/demo-agent.sh"
  fi
fi
tmux_socket="agent-services-local-$$"

pids=()
cleanup() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  tmux -L "$tmux_socket" kill-server 2>/dev/null || true
  stop_postgres "$pg_dir"
  rm -rf "$state" "$pg_dir"
  rm -f "$root/.local/env"
  echo "Stopped; removed $state."
}
trap cleanup EXIT INT TERM

echo "Building the services..."
./mvnw -q -B -ntp package -DskipTests -pl webhook-gateway,runner-api,session-worker,dashboard-api -am

s3proxy_version=$(./mvnw -q -B -ntp help:evaluate -Dexpression=s3proxy.version -DforceStdout -N)
./mvnw -q -B -ntp dependency:copy -N -Dartifact="org.gaul:s3proxy:$s3proxy_version:jar:jar-with-dependencies" \
  -DoutputDirectory="$state" -Dmdep.stripVersion=true
s3_port=$(free_port)
mkdir -p "$state/s3"
cat >"$state/s3proxy.properties" <<S3
s3proxy.endpoint=http://127.0.0.1:$s3_port
s3proxy.authorization=aws-v2-or-v4
s3proxy.identity=local-access-key
s3proxy.credential=local-secret-key
jclouds.provider=filesystem
jclouds.filesystem.basedir=$state/s3
S3
echo "Starting s3proxy (files in $state/s3) on port $s3_port..."
java -jar "$state/s3proxy-jar-with-dependencies.jar" --properties "$state/s3proxy.properties" >"$state/s3proxy.log" 2>&1 &
pids+=($!)

echo "Starting nats-server (JetStream in $state/nats) on port $nats_port..."
start_nats_server "$nats_port" "$state/nats" "$state/nats.log"
pg_port=$(free_port)
echo "Starting PostgreSQL (the sessions' history, data in $pg_dir) on port $pg_port..."
start_postgres "$pg_port" "$pg_dir"
# the worker (which migrates and writes the history) and the dashboard (which reads it)
pg_env=(PGHOST=127.0.0.1 PGPORT="$pg_port" PGDATABASE=agent_services PGUSER=postgres PGSSLMODE=disable)
# the services create the bucket at start-up: s3proxy answers first
for _ in $(seq 1 150); do port_in_use "$s3_port" && break; sleep 0.2; done
if ! port_in_use "$s3_port"; then
  echo "error: s3proxy did not open port $s3_port within 30 s; its log:" >&2
  tail -n 20 "$state/s3proxy.log" | sed 's/^/  | /' >&2
  exit 1
fi

# The sample agent's secrets: local only, never used anywhere else.
mkdir -p .local
# the local sign-in's one-time secret: without it nobody (no other page, no other user of this machine) can
# sign in to the dashboard and open a shell through its terminal
sign_in_secret=$(openssl rand -hex 16)
cat >.local/env <<ENV
NATS_URL=nats://127.0.0.1:$nats_port
GATEWAY_URL=http://127.0.0.1:$gateway_port
DASHBOARD_URL=http://localhost:$dashboard_port
SLACK_SIGNING_SECRET=local-slack-signing-secret
JIRA_WEBHOOK_SECRET=local-jira-webhook-secret
JIRA_ACCOUNT_ID=local-buck-account
GITHUB_WEBHOOK_SECRET=local-github-webhook-secret
RUNNER_TOKEN_SECRET=$(openssl rand -hex 32)
DASHBOARD_LOCAL_SIGN_IN_SECRET=$sign_in_secret
ENV

services=() # "MODULE PORT PID" of each service started
start_service() { # start_service MODULE PORT [VAR=VALUE...]
  local module=$1 port=$2
  shift 2
  echo "Starting $module on port $port..."
  (
    set -a; . .local/env; set +a
    export QUARKUS_HTTP_PORT=$port "$@"
    exec java -Dquarkus.profile=local -jar "$module/target/quarkus-app/quarkus-run.jar"
  ) >"$state/$module.log" 2>&1 &
  pids+=($!)
  services+=("$module $port $!")
}

# Tells which service did not start and why, keeps the logs in .local/failed-start/ (the temporary folder
# goes with the cleanup) and says what to do next.
explain_failed_start() { # explain_failed_start MODULE PORT PID
  local module=$1 port=$2 pid=$3 kept="$root/.local/failed-start"
  rm -rf "$kept"; mkdir -p "$kept"
  cp "$state"/*.log "$kept/" 2>/dev/null || true
  if kill -0 "$pid" 2>/dev/null; then
    echo "error: $module did not answer http://127.0.0.1:$port/q/health/ready within 60 s" >&2
  else
    echo "error: $module stopped while starting" >&2
  fi
  echo "What it logged (errors first; the whole log is $kept/$module.log):" >&2
  { grep -E '(ERROR|Caused by|Exception:)' "$kept/$module.log" | grep -v '^[[:space:]]*at ' | head -n 8
    tail -n 5 "$kept/$module.log"; } | sed 's/^/  | /' >&2
  cat >&2 <<HINT
What to do:
  - "Address already in use": another program holds port $port; set the port's variable (see the top of
    deploy/local/run.sh) to a free one.
  - NATS or S3 errors: see $kept/nats.log and $kept/s3proxy.log.
  - Anything else: run deploy/local/run.sh again; if it fails the same way, the log above names the cause.
HINT
}

await_services() { # waits until each service answers /q/health/ready, or tells which did not and why
  local entry module port pid
  for entry in "${services[@]}"; do
    set -- $entry
    module=$1 port=$2 pid=$3
    for _ in $(seq 1 300); do
      curl -fs "http://127.0.0.1:$port/q/health/ready" >/dev/null 2>&1 && continue 2
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.2
    done
    explain_failed_start "$module" "$port" "$pid"
    return 1
  done
}

start_service webhook-gateway "$gateway_port"
s3_env=(S3_BUCKET=agent-services-local S3_ENDPOINT="http://127.0.0.1:$s3_port" AWS_REGION=us-east-1
  QUARKUS_S3_AWS_CREDENTIALS_TYPE=static QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_ACCESS_KEY_ID=local-access-key
  QUARKUS_S3_AWS_CREDENTIALS_STATIC_PROVIDER_SECRET_ACCESS_KEY=local-secret-key)
start_service runner-api "$runner_port" "${s3_env[@]}"
start_service session-worker "$worker_port" "${s3_env[@]}" SESSION_LAUNCHER=local RUNNER_API_URL="http://127.0.0.1:$runner_port" \
  SESSION_LOCAL_AGENT_COMMAND="$agent_command" SESSION_LOCAL_TMUX_SOCKET="$tmux_socket" \
  SESSION_LOCAL_WORK_DIR="$state/runs" RUNNER_STATE_DIR="$state/saved-state" "${pg_env[@]}"
start_service dashboard-api "$dashboard_port" SESSION_LOCAL_TMUX_SOCKET="$tmux_socket" "${pg_env[@]}"

if ! await_services; then
  exit 1
fi

cat <<NEXT

agent-services is running locally.
  NATS            nats://127.0.0.1:$nats_port   (JetStream store: $state/nats)
  PostgreSQL      127.0.0.1:$pg_port   (the history: database agent_services, user postgres; data in $pg_dir)
  s3proxy         http://127.0.0.1:$s3_port   (bucket agent-services-local in $state/s3)
  webhook-gateway http://127.0.0.1:$gateway_port   (agent "buck", sample secrets in .local/env)
  runner-api      http://127.0.0.1:$runner_port
  session-worker  http://127.0.0.1:$worker_port   (runs: $agent_command, in tmux -L $tmux_socket)
  dashboard-api   http://localhost:$dashboard_port   (the web UI; LOCAL sign-in: http://localhost:$dashboard_port/local/sign-in)

  Local sign-in secret (this run only): $sign_in_secret
  Every service listens on 127.0.0.1 only and answers only requests to localhost.

Next, in another terminal:
  deploy/local/send-sample.sh slack      # a signed Slack @mention: a session starts, runs and replies
  deploy/local/send-sample.sh slack      # the same event again: answered 200, stored once
  deploy/local/show-sessions.sh          # the session record: status, run, the reply
  deploy/local/show-webhooks.sh          # what the WEBHOOKS stream holds
  tmux -L $tmux_socket ls                # the runs' terminals (attach -t NAME to watch one)

  # the dashboard API with a local token: sessions, live status, the terminal
  TOKEN=\$(curl -s -d secret=$sign_in_secret -d name=me -d teams=agent-services-admins http://localhost:$dashboard_port/local/token)
  curl -s -H "Authorization: Bearer \$TOKEN" -H 'Content-Type: application/json' -d '{}' http://localhost:$dashboard_port/api/dashboard/api.v1.DashboardService/ListSessions | jq .
  curl -N -H "Authorization: Bearer \$TOKEN" http://localhost:$dashboard_port/api/sessions/SESSION_ID/events
  deploy/local/attach.sh SESSION_ID      # the session's terminal through the dashboard's WebSocket

The worker's log follows; the reply appears here (Ctrl-C stops everything):
NEXT
tail -n +1 -f "$state/session-worker.log" &
pids+=($!)
wait "${pids[4]}"
