# The run's GitHub token dies with the run (sourced by entrypoint.sh): when the worker gave the run a token of
# its GitHub App (GITHUB_TOKEN_REVOKE_URL set: GitHub's DELETE /installation/token), the run revokes it as it
# exits, however it ends (idle, paused, terminated, failed). The token goes to curl as a header on a file
# descriptor, never on a command line. A token the run could not revoke (GitHub unreachable, the pod killed)
# expires within the hour it was issued for. The agent's own GITHUB_TOKEN (no App) is never revoked.

revoke_github_token() {
  [ -n "${GITHUB_TOKEN_REVOKE_URL:-}" ] && [ -n "${GITHUB_TOKEN:-}" ] || return 0
  if curl -fsS --max-time 10 -o /dev/null -X DELETE \
    -H @<(printf 'Authorization: Bearer %s\nAccept: application/vnd.github+json\n' "$GITHUB_TOKEN") \
    "$GITHUB_TOKEN_REVOKE_URL" 2>/dev/null; then
    echo "the run's GitHub token is revoked"
  else
    echo "could not revoke the run's GitHub token: it expires within the hour it was issued for" >&2
  fi
}
