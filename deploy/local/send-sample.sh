#!/usr/bin/env bash
# Signs and sends a sample webhook to the local gateway started by deploy/local/run.sh.
#
#   deploy/local/send-sample.sh slack|interactivity|jira|github [--new]
#   deploy/local/send-sample.sh slack-reply [TEXT]
#
# Each kind sends the same delivery every time (Slack event_id, click, Jira identifier, GitHub comment
# id), so a second send shows deduplication; --new makes a fresh one. slack-reply sends a new reply in the
# sample mention's thread (default text: "- also update the docs"): a follow-up, the session's next turn.
# The GitHub comment goes to SAMPLE_REPOSITORY#SAMPLE_ISSUE (default acme/api#42) with SAMPLE_TEXT as its text.
set -euo pipefail
cd "$(dirname "$0")/../.."

kind=${1:-}
fresh=${2:-}
command -v jq >/dev/null || { echo "error: jq is needed (deploy/local/run.sh installs it)" >&2; exit 1; }
if [ ! -f .local/env ]; then
  echo "error: no local gateway; start it with deploy/local/run.sh" >&2
  exit 1
fi
set -a; . .local/env; set +a

suffix=1
if [ "$fresh" = "--new" ]; then
  suffix=$(date +%s%N)
fi

hmac() { # hmac SECRET: hex HMAC-SHA256 of standard input
  openssl dgst -sha256 -hmac "$1" -r | cut -d' ' -f1
}

send_slack() { # send_slack PATH CONTENT_TYPE BODY
  local timestamp signature
  timestamp=$(date +%s)
  signature="v0=$(printf 'v0:%s:%s' "$timestamp" "$3" | hmac "$SLACK_SIGNING_SECRET")"
  curl -sS -o /dev/stderr -w '%{http_code}\n' -X POST "$GATEWAY_URL$1" -H "Content-Type: $2" \
    -H "X-Slack-Request-Timestamp: $timestamp" -H "X-Slack-Signature: $signature" --data-binary "$3"
}

case "$kind" in
  slack)
    body='{"type":"event_callback","team_id":"T0LOCAL","api_app_id":"A0LOCAL","event_id":"EvLOCAL'$suffix'","event_time":1712345678,"event":{"type":"app_mention","user":"U0ANA","text":"<@U0BUCK> please fix the flaky test","ts":"1712345678.000100","channel":"C0LOCAL","event_ts":"1712345678.000100"}}'
    status=$(send_slack /webhooks/slack/events application/json "$body")
    ;;
  slack-reply)
    now=$(date +%s%N)
    text=$(jq -Rn --arg t "${2:-- also update the docs}" '$t')
    body='{"type":"event_callback","team_id":"T0LOCAL","api_app_id":"A0LOCAL","event_id":"EvLOCALREPLY'$now'","event_time":1712345679,"event":{"type":"message","user":"U0ANA","text":'$text',"ts":"1712345679.'${now: -6}'","thread_ts":"1712345678.000100","channel":"C0LOCAL","event_ts":"1712345679.'${now: -6}'"}}'
    status=$(send_slack /webhooks/slack/events application/json "$body")
    ;;
  interactivity)
    payload='{"type":"block_actions","api_app_id":"A0LOCAL","trigger_id":"local","user":{"id":"U0ANA","name":"ana"},"channel":{"id":"C0LOCAL"},"container":{"type":"message","message_ts":"1712345680.000200","channel_id":"C0LOCAL"},"message":{"ts":"1712345680.000200","thread_ts":"1712345678.000100"},"actions":[{"type":"button","action_id":"approve","text":{"type":"plain_text","text":"Deploy to staging"},"action_ts":"1712345690.'$suffix'"}]}'
    body="payload=$(printf '%s' "$payload" | od -An -tx1 -v | tr -d ' \n' | sed 's/../%&/g')"
    status=$(send_slack /webhooks/slack/interactivity application/x-www-form-urlencoded "$body")
    ;;
  jira)
    body='{"timestamp":1712345678000,"webhookEvent":"jira:issue_updated","issue":{"id":"10001","key":"OPS-7","fields":{"summary":"Fix the flaky test","assignee":{"accountId":"'$JIRA_ACCOUNT_ID'"}}},"changelog":{"items":[{"field":"assignee","fieldId":"assignee","to":"'$JIRA_ACCOUNT_ID'"}]}}'
    status=$(curl -sS -o /dev/stderr -w '%{http_code}\n' -X POST "$GATEWAY_URL/webhooks/jira" -H 'Content-Type: application/json' \
      -H "X-Atlassian-Webhook-Identifier: local-$suffix" \
      -H "X-Hub-Signature: sha256=$(printf '%s' "$body" | hmac "$JIRA_WEBHOOK_SECRET")" --data-binary "$body")
    ;;
  github)
    repository=${SAMPLE_REPOSITORY:-acme/api}
    body=$(jq -cn --arg repo "$repository" --argjson number "${SAMPLE_ISSUE:-42}" --argjson id "$suffix" \
      --arg text "${SAMPLE_TEXT:-@bucky can you take a look?}" \
      '{action: "created", issue: {number: $number, title: "Flaky build"}, comment: {id: $id, body: $text,
        user: {login: "ana", type: "User"}, author_association: "OWNER"},
        repository: {full_name: $repo, owner: {login: ($repo | split("/")[0])}}, sender: {login: "ana"}}')
    status=$(curl -sS -o /dev/stderr -w '%{http_code}\n' -X POST "$GATEWAY_URL/webhooks/github" -H 'Content-Type: application/json' \
      -H 'X-GitHub-Event: issue_comment' -H "X-GitHub-Delivery: local-$suffix" \
      -H "X-Hub-Signature-256: sha256=$(printf '%s' "$body" | hmac "$GITHUB_WEBHOOK_SECRET")" --data-binary "$body")
    ;;
  *)
    echo "usage: $0 slack|interactivity|jira|github [--new], or $0 slack-reply [TEXT]" >&2
    exit 2
    ;;
esac
echo "$kind webhook: HTTP $status"
