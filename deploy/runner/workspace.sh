# The session's repository, for the reference runner (sourced by entrypoint.sh when the context names one):
# prepare_workspace clones $GITHUB_GIT_URL/<owner>/<name>.git into $work/repo on the session's branch (once:
# later turns and runs, restored from the saved state, keep the checkout); publish_workspace, after each turn,
# commits what the agent left, pushes the branch and prints the turn's artifacts for it. The run's
# GITHUB_TOKEN goes to git as a header through git's environment, never on a command line or in a remote URL.
# Never pushes to the default branch.

# $ws_repository, $ws_branch and $ws_base (empty: the default branch) come from the context
repo_dir="$work/repo"

git_with_token() { # git ARGS... with the run's token for HTTPS remotes
  if [ -n "${GITHUB_TOKEN:-}" ]; then
    local basic
    basic=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 | tr -d '\n')
    GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=http.extraHeader GIT_CONFIG_VALUE_0="Authorization: Basic $basic" \
      GIT_TERMINAL_PROMPT=0 git "$@"
  else
    GIT_TERMINAL_PROMPT=0 git "$@"
  fi
}

prepare_workspace() { # 0 with the checkout on $ws_branch; 1 with the reason on standard error
  if [ -d "$repo_dir/.git" ]; then
    return 0
  fi
  local url="${GITHUB_GIT_URL:-https://github.com}"
  url="${url%/}/$ws_repository.git"
  echo "cloning $ws_repository${ws_base:+ (branch $ws_base)} onto branch $ws_branch"
  rm -rf "$repo_dir.partial"
  if ! git_with_token clone --quiet ${ws_base:+--branch "$ws_base"} -- "$url" "$repo_dir.partial"; then
    echo "could not clone $url" >&2
    return 1
  fi
  (
    cd "$repo_dir.partial" || exit 1
    git config user.name "$agent_name (agent-services)"
    git config user.email "$agent_name@agent-services.invalid"
    # the session's branch as pushed before (its workspace was not saved), else a new one from here
    if git_with_token fetch --quiet origin "refs/heads/$ws_branch:refs/remotes/origin/$ws_branch" 2>/dev/null; then
      git checkout --quiet -B "$ws_branch" "origin/$ws_branch"
    else
      git checkout --quiet -B "$ws_branch"
    fi
  ) || return 1
  mv "$repo_dir.partial" "$repo_dir"
}

default_branch() {
  git -C "$repo_dir" symbolic-ref --quiet --short refs/remotes/origin/HEAD 2>/dev/null | sed 's#^origin/##'
}

publish_workspace() { # prints the turn's artifacts JSON for the branch: pushed, or why not; [] when nothing changed
  [ -d "$repo_dir/.git" ] || { printf '[]'; return 0; }
  local default head log="$own/push.log"
  default=$(default_branch)
  (
    cd "$repo_dir" || exit 1
    if [ -n "$(git status --porcelain)" ]; then
      git add -A && git commit --quiet -m "$agent_name: turn $turn of session $SESSION_ID"
    fi
  ) >&2 || true
  if [ -n "$default" ] && [ "$ws_branch" = "$default" ]; then
    jq -n --arg b "$ws_branch" '[{kind: "push_refused", title: ("branch " + $b + " is the default branch; nothing was pushed"), url: null}]'
    return 0
  fi
  head=$(git -C "$repo_dir" rev-parse HEAD 2>/dev/null) || { printf '[]'; return 0; }
  # nothing new: the remote branch (or, before the first push, the branch it started from) already has it
  if git -C "$repo_dir" merge-base --is-ancestor "$head" "refs/remotes/origin/$ws_branch" 2>/dev/null \
    || { ! git -C "$repo_dir" rev-parse --verify --quiet "refs/remotes/origin/$ws_branch" >/dev/null \
         && git -C "$repo_dir" merge-base --is-ancestor "$head" "refs/remotes/origin/${ws_base:-$default}" 2>/dev/null; }; then
    printf '[]'
    return 0
  fi
  if git_with_token -C "$repo_dir" push --quiet origin "HEAD:refs/heads/$ws_branch" >"$log" 2>&1; then
    git -C "$repo_dir" update-ref "refs/remotes/origin/$ws_branch" "$head"
    jq -n --arg b "$ws_branch" --arg r "$ws_repository" '[{kind: "branch", title: $b, url: null}]'
  else
    jq -n --arg b "$ws_branch" --arg why "$(tail -n 2 "$log" | tr '\n' ' ')" \
      '[{kind: "push_failed", title: ("branch " + $b + " was not pushed: " + $why), url: null}]'
  fi
}
