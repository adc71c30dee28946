#!/usr/bin/env bash
# Validates Kubernetes manifests (multi-document YAML or JSON files) against the Kubernetes API schemas:
#   deploy/kubernetes/validate.sh FILE...
# The schemas are the npm packages kubernetes-models (the API's own OpenAPI, as TypeScript models with a JSON
# Schema validator), @kubernetes-models/prometheus-operator and @kubernetes-models/gateway-api, installed once
# at the versions below into ~/.cache/agent-services/kubernetes-models. Exits 1 on any object that fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
. "$root/deploy/lib/common.sh"
ensure_command node nodejs
ensure_command npm npm
cache="${XDG_CACHE_HOME:-$HOME/.cache}/agent-services/kubernetes-models"
packages=(kubernetes-models@5.1.0 @kubernetes-models/prometheus-operator@6.0.0 @kubernetes-models/gateway-api@2.0.0 yaml@2.9.1)
if [ ! -f "$cache/installed" ] || [ "$(cat "$cache/installed")" != "${packages[*]}" ]; then
  echo "Installing the Kubernetes API schemas (${packages[*]})..." >&2
  mkdir -p "$cache"
  npm install --silent --no-audit --no-fund --prefix "$cache" "${packages[@]}" >&2
  echo "${packages[*]}" >"$cache/installed"
fi
cp "$root/deploy/kubernetes/validate.mjs" "$cache/validate.mjs"
files=()
for file in "$@"; do files+=("$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"); done
exec node "$cache/validate.mjs" "${files[@]}"
