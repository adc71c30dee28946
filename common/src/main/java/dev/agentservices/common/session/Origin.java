package dev.agentservices.common.session;

/**
 * Where replies go: a Slack channel and thread, a Jira issue, or a GitHub repository and issue or pull
 * request number. Exactly the fields of the session's source are set.
 */
public record Origin(String slackChannel, String slackThreadTs, String jiraIssueKey, String githubRepository,
        Long githubNumber) {

    public static Origin slack(String channel, String threadTs) {
        return new Origin(channel, threadTs, null, null, null);
    }

    public static Origin jira(String issueKey) {
        return new Origin(null, null, issueKey, null, null);
    }

    public static Origin github(String repository, long number) {
        return new Origin(null, null, null, repository, number);
    }
}
