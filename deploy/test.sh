#!/usr/bin/env bash
# The test command: installs what the tests need (nats-server; tmux, jq and curl for the reference
# runner of the end-to-end test), then runs the whole Maven build with
# its tests. Tests start their own nats-server on a free port; set NATS_URL to use another server.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/common.sh

ensure_command nats-server nats-server
ensure_command tmux tmux
ensure_command jq jq
ensure_command curl curl

./mvnw -B -ntp verify "$@"
