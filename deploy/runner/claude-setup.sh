# Claude Code unattended, for the reference runner (sourced by entrypoint.sh when the agent is claude):
# whether the run has model credentials, the permission arguments of the agent or team, and a home whose
# first-run dialogs (onboarding, theme, trusting the folder, the API key) are already answered, so that
# neither print mode nor the TUI waits for a person.

no_credentials="The run has no model credentials: give its agent a Secret in the sessions namespace (RUNNER_ENV_SECRET, or {AGENT}_RUNNER_ENV_SECRET) holding ANTHROPIC_API_KEY, ANTHROPIC_AUTH_TOKEN, CLAUDE_CODE_OAUTH_TOKEN, or the Bedrock or Vertex settings; in local mode, put them in the file named by SESSION_LOCAL_RUN_ENV_FILE."

has_model_credentials() {
  [ -n "${ANTHROPIC_API_KEY:-}" ] || [ -n "${ANTHROPIC_AUTH_TOKEN:-}" ] || [ -n "${CLAUDE_CODE_OAUTH_TOKEN:-}" ] \
    || [ -n "${CLAUDE_CODE_USE_BEDROCK:-}" ] || [ -n "${CLAUDE_CODE_USE_VERTEX:-}" ] || [ -n "${CLAUDE_CODE_USE_FOUNDRY:-}" ]
}

permission_args=(--permission-mode "${RUNNER_PERMISSION_MODE:-bypassPermissions}")
[ -n "${RUNNER_ALLOWED_TOOLS:-}" ] && permission_args+=(--allowedTools "$RUNNER_ALLOWED_TOOLS")
[ -n "${RUNNER_DISALLOWED_TOOLS:-}" ] && permission_args+=(--disallowedTools "$RUNNER_DISALLOWED_TOOLS")
# Claude Code refuses to skip its permission checks as root unless told it is in a sandbox; a session pod runs
# as a non-root user, so this only concerns local mode run by root
if [ "${RUNNER_PERMISSION_MODE:-bypassPermissions}" = bypassPermissions ] && [ "$(id -u)" -eq 0 ]; then
  export IS_SANDBOX=1
fi

seed_claude_home() { # seed_claude_home DIR: answers the first-run dialogs for DIR, the folder the agent works in
  local key_suffix=""
  [ -n "${ANTHROPIC_API_KEY:-}" ] && key_suffix=${ANTHROPIC_API_KEY: -20}
  mkdir -p "$HOME/.claude"
  local config="$HOME/.claude.json"
  if [ ! -f "$config" ] && [[ "$1$key_suffix" != *[\"\\]* ]]; then
    # a new home (a session's first run): written as it is, without starting jq before the agent
    local approved=""
    [ -z "$key_suffix" ] || approved=',"customApiKeyResponses":{"approved":["'"$key_suffix"'"],"rejected":[]}'
    printf '{"hasCompletedOnboarding":true,"theme":"dark","bypassPermissionsModeAccepted":true,"projects":{"%s":{"hasTrustDialogAccepted":true,"hasCompletedProjectOnboarding":true}}%s}\n' \
      "$1" "$approved" >"$config"
    chmod 600 "$config"
    [ -f "$HOME/.claude/settings.json" ] || echo '{"autoUpdates": false, "includeCoAuthoredBy": false}' >"$HOME/.claude/settings.json"
    return 0
  fi
  [ -f "$config" ] || echo '{}' >"$config"
  jq --arg dir "$1" --arg key "$key_suffix" '
    .hasCompletedOnboarding = true
    | .theme = (.theme // "dark")
    | .bypassPermissionsModeAccepted = true
    | .projects[$dir] = ((.projects[$dir] // {}) + {hasTrustDialogAccepted: true, hasCompletedProjectOnboarding: true})
    | if $key == "" then . else .customApiKeyResponses = {approved: ([$key] + ((.customApiKeyResponses.approved // []) - [$key])), rejected: []} end
  ' "$config" >"$config.tmp" && mv "$config.tmp" "$config"
  chmod 600 "$config"
  [ -f "$HOME/.claude/settings.json" ] || echo '{"autoUpdates": false, "includeCoAuthoredBy": false}' >"$HOME/.claude/settings.json"
}
