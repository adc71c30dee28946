#!/usr/bin/env bash
# Opens a session's terminal through the dashboard (the same WebSocket the web UI uses), in local mode.
# Usage: deploy/local/attach.sh SESSION_ID   (detach: close the terminal or press Ctrl-b d in tmux)
set -euo pipefail
cd "$(dirname "$0")/../.."
[ $# -eq 1 ] || { echo "usage: $0 SESSION_ID" >&2; exit 2; }
set -a; . .local/env; set +a
token=$(curl -sf -d "secret=$DASHBOARD_LOCAL_SIGN_IN_SECRET" -d name=local-terminal -d teams=agent-services-admins "$DASHBOARD_URL/local/token")
size=$(stty size)
saved=$(stty -g)
trap 'stty "$saved"' EXIT
stty raw -echo
java deploy/local/Attach.java "${DASHBOARD_URL/http/ws}/ws/sessions/$1/attach" "$token" "${size#* }" "${size% *}"
