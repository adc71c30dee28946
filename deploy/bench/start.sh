#!/usr/bin/env bash
# Start time of a coding session (StartBench.java): a signed @bucky comment → the real Claude Code CLI's first
# model request, in local mode, the run cloning a small repository (this project's common/src/main, one commit,
# from a bare repository through GITHUB_GIT_URL=file://…), against the CLI started directly in the same command.
# Starts nats-server, the gateway, runner-api and the worker with the local launcher; the Messages API and the
# GitHub API are StartBench's stand-ins. Prints Markdown for docs/benchmarks.md.
#
#   deploy/bench/start.sh [SESSIONS]      (default 20)
set -euo pipefail
cd "$(dirname "$0")/../.."
root=$(pwd)
. deploy/lib/common.sh
for tool in nats-server tmux jq curl git; do ensure_command "$tool"; done

sessions=${1:-20}
state=$(mktemp -d "${TMPDIR:-/tmp}/start-bench.XXXXXX")
tmux_socket="start-bench-$$"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  tmux -L "$tmux_socket" kill-server 2>/dev/null || true
  [ -z "${KEEP_LOGS:-}" ] || cp "$state"/*.log "$KEEP_LOGS"/ 2>/dev/null || true
  rm -rf "$state"
}
trap cleanup EXIT

./mvnw -q -B -ntp package -DskipTests -pl webhook-gateway,runner-api,session-worker -am >&2
claude=$(deploy/runner/install-claude-code.sh)

# the small repository
mkdir -p "$state/seed" "$state/git/acme"
cp -r common/src/main README.md "$state/seed/"
git -C "$state/seed" init --quiet --initial-branch=main
git -C "$state/seed" add -A
git -C "$state/seed" -c user.name=bench -c user.email=bench@example.com commit --quiet -m "a small repository"
git clone --quiet --bare "$state/seed" "$state/git/acme/api.git"

nats_port=$(free_port)
start_nats_server "$nats_port" "$state/nats" "$state/nats.log"
secret=start-bench-webhook-secret
gateway_port=$(free_port) runner_port=$(free_port) worker_port=$(free_port)

java deploy/bench/StartBench.java "$state/bench.port" "http://127.0.0.1:$gateway_port" "$secret" "$sessions" "$claude" \
  "$state/baseline" "$state/go" >"$state/result.md" 2>"$state/bench.log" &
bench=$!
pids+=($bench)
for _ in $(seq 1 300); do [ -s "$state/bench.port" ] && break; sleep 0.1; done
stand_in="http://127.0.0.1:$(cat "$state/bench.port")"
printf 'ANTHROPIC_BASE_URL=%s\nANTHROPIC_API_KEY=sk-ant-start-bench\n' "$stand_in" >"$state/run.env"

start() { # start MODULE PORT VAR=VALUE...
  local module=$1 port=$2
  shift 2
  env NATS_URL="nats://127.0.0.1:$nats_port" QUARKUS_HTTP_PORT="$port" "$@" \
    java -jar "$module/target/quarkus-app/quarkus-run.jar" >"$state/$module.log" 2>&1 &
  pids+=($!)
}
token_secret=$(openssl rand -hex 32)
start webhook-gateway "$gateway_port" GITHUB_WEBHOOK_SECRET="$secret"
start runner-api "$runner_port" RUNNER_TOKEN_SECRET="$token_secret"
start session-worker "$worker_port" GITHUB_WEBHOOK_SECRET="$secret" GITHUB_TOKEN=ghp_start_bench GITHUB_API_URL="$stand_in" \
  GITHUB_GIT_URL="file://$state/git" SESSION_LOCAL_RUN_ENV_FILE="$state/run.env" SESSION_LAUNCHER=local \
  SESSION_LOCAL_RUNNER_COMMAND="${START_BENCH_RUNNER:-$root/deploy/runner/entrypoint.sh}" SESSION_LOCAL_TMUX_SOCKET="$tmux_socket" \
  SESSION_LOCAL_WORK_DIR="$state/runs" SESSION_IDLE_TIMEOUT=5s PATH="$(dirname "$claude"):$PATH" \
  RUNNER_API_URL="http://127.0.0.1:$runner_port" RUNNER_TOKEN_SECRET="$token_secret"
await_ready "$gateway_port" "$runner_port" "$worker_port"
touch "$state/go"

echo "$(nproc) cores, $(java -version 2>&1 | head -1), $("$claude" --version), $sessions sessions" >&2
if ! wait "$bench"; then
  tail -n 20 "$state/bench.log" "$state/session-worker.log" >&2
  exit 1
fi
cat "$state/result.md"
