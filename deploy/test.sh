#!/usr/bin/env bash
# The test command: installs what the tests need (nats-server), then runs the whole Maven build with
# its tests. Tests start their own nats-server on a free port; set NATS_URL to use another server.
set -euo pipefail
cd "$(dirname "$0")/.."
. deploy/lib/ensure-packages.sh

ensure_command nats-server nats-server
ensure_command tmux tmux

./mvnw -B -ntp verify "$@"
