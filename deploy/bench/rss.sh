#!/usr/bin/env bash
# Idle memory of each service in JVM mode, as its image runs it: starts the local suite (deploy/local/run.sh)
# with the image's JVM options in a container of the manifests' memory limit (384 MiB, told to the JVM with
# -XX:MaxRAM since no cgroup limit applies here), waits until every service is ready and then SECONDS
# (default 60) more, and prints each service's resident set size (VmRSS) and heap in use.
#
#   deploy/bench/rss.sh [SECONDS]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
idle=${1:-60}
# the image's options (quarkus.jib.jvm-additional-arguments) in a 384 MiB container
export JAVA_TOOL_OPTIONS="-XX:MaxRAM=384m -XX:MaxRAMPercentage=70 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError"
log=$(mktemp)
deploy/local/run.sh >"$log" 2>&1 &
suite=$!
trap 'kill -INT $suite 2>/dev/null; wait $suite 2>/dev/null; rm -f "$log"' EXIT
for _ in $(seq 1 600); do
  grep -q "agent-services is running locally" "$log" && break
  kill -0 $suite 2>/dev/null || { cat "$log" >&2; exit 1; }
  sleep 1
done
grep -q "agent-services is running locally" "$log" || { echo "the suite did not start" >&2; exit 1; }
sleep "$idle"
printf '%-16s %10s %14s\n' service "RSS (MiB)" "heap used (MiB)"
for module in webhook-gateway runner-api dashboard-api session-worker; do
  pid=$(pgrep -f "$module/target/quarkus-app/quarkus-run.jar" | head -n 1)
  rss=$(awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$pid/status")
  heap=$(jcmd "$pid" GC.heap_info 2>/dev/null | awk '/used/ {for (i = 1; i <= NF; i++) if ($i == "used") {v = $(i + 1); sub("K,?", "", v); printf "%.0f", v / 1024; exit}}')
  printf '%-16s %10s %14s\n' "$module" "$rss" "${heap:-?}"
done
