#!/usr/bin/env bash
# The test command: installs what the tests need (nats-server; PostgreSQL, started privately for the tests; tmux, jq, curl and git for the reference
# runner of the end-to-end tests, which also install the pinned Claude Code CLI from npm; script for the local terminal; node and npm for the test with the
# official Connect client; Chromium for the web UI test, or CHROMIUM naming another Chromium or Chrome),
# then runs the whole Maven build with its tests, fuzzes the payload parsers for a bounded time, and runs a
# benchmark smoke (deploy/bench/smoke.sh: a ratio against a baseline in the same run). Tests start their own nats-server on a free port; set NATS_URL to use another server.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/common.sh

ensure_command nats-server nats-server
ensure_command tmux tmux
ensure_command jq jq
ensure_command curl curl
ensure_command git git
ensure_command squid squid # the session egress proxy, run by KubernetesInstallIT
ensure_command script bsdutils
ensure_command node nodejs
ensure_command npm npm
if [ -z "${CHROMIUM:-}" ]; then
  ensure_command chromium chromium
fi

# a private PostgreSQL for the tests that need a history (PgTestServer gives each its own database); without
# TEST_PGHOST each test JVM starts one of its own. PG* variables of the caller would give every service a history:
# the tests set theirs themselves.
unset PGHOST PGPORT PGDATABASE PGUSER PGPASSWORD PGSSLMODE
pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/agent-services-test-pg.XXXXXX")
trap 'stop_postgres "$pg_dir"; rm -rf "$pg_dir"' EXIT
export TEST_PGPORT=$(free_port) TEST_PGHOST=127.0.0.1 TEST_PGUSER=postgres
start_postgres "$TEST_PGPORT" "$pg_dir"

./mvnw -B -ntp verify "$@"

# then each payload parser under coverage-guided fuzzing (Jazzer), 10 s per target, each class in a JVM of
# its own (Jazzer fuzzes one target per JVM): a crash fails the run and leaves its input in the target's
# Inputs folder under src/test/resources, replayed by every later build
JAZZER_FUZZ=1 ./mvnw -B -ntp test -pl webhook-gateway,runner-api -am -Dtest='*FuzzTest' -Dsurefire.failIfNoSpecifiedTests=false \
  -DreuseForks=false "$@"

# last, a benchmark smoke: fails when the worker's throughput falls far below its recorded ratio
deploy/bench/smoke.sh
