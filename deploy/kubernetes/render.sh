#!/usr/bin/env bash
# Prints the full production install of agent-services as multi-document YAML, without a cluster:
# the four services' charts (built from their code by quarkus-kubernetes and quarkus-helm into
# */target/helm) inside the agent-services chart (RBAC, NetworkPolicies, ConfigMap), through
# `helm template` with a values file that names every service.
#
#   deploy/kubernetes/render.sh [VALUES_FILE] [HELM_ARGS...]   (default: deploy/kubernetes/values-production.yaml)
#
# Builds the services first when their charts are missing (RENDER_BUILD=1 always builds, 0 never).
# RENDER_LINT=1 runs `helm lint --strict` on the assembled chart first (its report goes to stderr).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/deploy/lib/common.sh"
values=${1:-$root/deploy/kubernetes/values-production.yaml}
shift $(( $# > 0 ? 1 : 0 ))
services=(webhook-gateway runner-api dashboard-api session-worker)

missing=false
for service in "${services[@]}"; do
  [ -f "$root/$service/target/helm/kubernetes/$service/Chart.yaml" ] || missing=true
done
if [ "${RENDER_BUILD:-}" = 1 ] || { $missing && [ "${RENDER_BUILD:-}" != 0 ]; }; then
  echo "Building the services' manifests and charts..." >&2
  (cd "$root" && ./mvnw -B -q -ntp package -DskipTests -pl "$(IFS=,; echo "${services[*]}")" -am >&2)
elif $missing; then
  echo "error: a service's chart is missing under */target/helm; build the project first" >&2
  exit 1
fi

helm=$(helm_bin)
chart=$(mktemp -d)
trap 'rm -rf "$chart"' EXIT
cp -r "$root/deploy/kubernetes/agent-services" "$chart/"
mkdir -p "$chart/agent-services/charts"
for service in "${services[@]}"; do
  cp -r "$root/$service/target/helm/kubernetes/$service" "$chart/agent-services/charts/"
done
if [ "${RENDER_LINT:-}" = 1 ]; then
  "$helm" lint --strict "$chart/agent-services" --namespace agent-services -f "$values" >&2
fi
"$helm" template agent-services "$chart/agent-services" --namespace agent-services -f "$values" "$@"
