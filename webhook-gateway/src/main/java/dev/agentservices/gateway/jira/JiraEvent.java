package dev.agentservices.gateway.jira;

/** What a Jira webhook means for one agent. */
enum JiraEvent {
    /** The issue was assigned to the agent's account (or created assigned to it): start a session. */
    ASSIGNMENT,
    /** Someone else commented: continue the issue's session. */
    COMMENT,
    /**
     * A comment by any configured agent's account: dropped, so an agent answers neither itself nor another
     * agent on the same issue (two agents would otherwise answer each other for ever).
     */
    OWN_COMMENT,
    /** Anything else. */
    OTHER;

    static JiraEvent classify(JiraWebhookPayload payload, String agentAccountId, java.util.Set<String> agentAccounts) {
        String event = payload.webhookEvent();
        if ("comment_created".equals(event)) {
            boolean own = payload.comment() != null && payload.comment().author() != null
                    && payload.comment().author().accountId() != null && agentAccounts.contains(payload.comment().author().accountId());
            return own ? OWN_COMMENT : COMMENT;
        }
        if ("jira:issue_updated".equals(event) && payload.changelog() != null && payload.changelog().items() != null) {
            boolean assigned = payload.changelog().items().stream().anyMatch(item ->
                    ("assignee".equals(item.field()) || "assignee".equals(item.fieldId())) && agentAccountId.equals(item.to()));
            return assigned ? ASSIGNMENT : OTHER;
        }
        if ("jira:issue_created".equals(event) && payload.issue() != null && payload.issue().fields() != null
                && payload.issue().fields().assignee() != null
                && agentAccountId.equals(payload.issue().fields().assignee().accountId())) {
            return ASSIGNMENT;
        }
        return OTHER;
    }
}
