#!/usr/bin/env bash
# Installs the Claude Code CLI at the version the runner image pins (claude-code.version) from npm, once, into
# ~/.cache/agent-services/claude-code-<version>, and prints the path of its `claude`. The package ships the
# native binary for this machine, so no download beyond npm happens. Tests and the start benchmark use it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(tr -d '[:space:]' <"$here/claude-code.version")
prefix="${XDG_CACHE_HOME:-$HOME/.cache}/agent-services/claude-code-$version"
bin="$prefix/node_modules/.bin/claude"
if [ ! -x "$bin" ] || ! "$bin" --version >/dev/null 2>&1; then
  command -v npm >/dev/null 2>&1 || { echo "error: npm is needed to install Claude Code" >&2; exit 1; }
  echo "Installing @anthropic-ai/claude-code@$version into $prefix..." >&2
  mkdir -p "$prefix"
  npm install --silent --no-audit --no-fund --prefix "$prefix" "@anthropic-ai/claude-code@$version" >&2
fi
echo "$bin"
