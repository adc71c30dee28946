package dev.agentservices.gateway;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/**
 * Two agents, as a deployment would have them: buck and dolly each with their own Slack app and Jira
 * secret, sharing one GitHub webhook secret (one repository webhook, two handles). Real NATS.
 */
public class GatewayTestProfile implements QuarkusTestProfile {

    public static final String BUCK_SLACK_SECRET = "buck-slack-signing-secret";
    public static final String BUCK_BOT_USER = "U0BUCK";
    public static final String BUCK_SLACK_APP = "A0BUCK";
    public static final String DOLLY_SLACK_SECRET = "dolly-slack-signing-secret";
    /** Pearl answers only in workspace T0001 (and organization E0ACME), never in shared channels. */
    public static final String PEARL_SLACK_SECRET = "pearl-slack-signing-secret";
    public static final String BUCK_JIRA_SECRET = "buck-jira-secret";
    public static final String BUCK_JIRA_ACCOUNT = "5b10ac8d82e05b22cc7d4ef5";
    public static final String DOLLY_JIRA_SECRET = "dolly-jira-secret";
    public static final String DOLLY_JIRA_ACCOUNT = "712020:dolly";
    public static final String GITHUB_SECRET = "shared-github-webhook-secret";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.ofEntries(
                Map.entry("agents.buck.slack.signing-secret", BUCK_SLACK_SECRET),
                Map.entry("agents.buck.slack.app-id", BUCK_SLACK_APP),
                Map.entry("agents.buck.slack.bot-user-id", BUCK_BOT_USER),
                Map.entry("agents.dolly.slack.signing-secret", DOLLY_SLACK_SECRET),
                Map.entry("agents.pearl.slack.signing-secret", PEARL_SLACK_SECRET),
                Map.entry("agents.pearl.slack.allowed-teams", "T0001,E0ACME"),
                Map.entry("agents.buck.jira.webhook-secret", BUCK_JIRA_SECRET),
                Map.entry("agents.buck.jira.account-id", BUCK_JIRA_ACCOUNT),
                Map.entry("agents.dolly.jira.webhook-secret", DOLLY_JIRA_SECRET),
                Map.entry("agents.dolly.jira.account-id", DOLLY_JIRA_ACCOUNT),
                Map.entry("agents.buck.github.webhook-secret", GITHUB_SECRET),
                Map.entry("agents.dolly.github.webhook-secret", GITHUB_SECRET),
                Map.entry("gateway.max-body-size", "64K"),
                Map.entry("gateway.max-envelope-size", "16K"));
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class));
    }
}
