package dev.agentservices.common.agent;

import dev.agentservices.common.signature.Secret;
import java.util.Optional;

/**
 * A validated agent: a named bot identity with the sources it answers on. A source that is present is
 * complete; {@link AgentRegistry} refuses to start with a half-configured one.
 */
public record Agent(String name, Optional<SlackApp> slack, Optional<JiraAccount> jira, Optional<GithubApp> github) {

    /** The agent's Slack app. */
    public record SlackApp(Secret signingSecret, Optional<Secret> botToken, Optional<String> appId,
            Optional<String> botUserId) {
    }

    /** The agent's Jira account; {@code accountId} identifies assignments to it and its own comments. */
    public record JiraAccount(Secret webhookSecret, String accountId, Optional<String> baseUrl,
            Optional<String> email, Optional<Secret> apiToken) {
    }

    /** The agent's GitHub App; {@code handle} is what people mention, without {@code @}. */
    public record GithubApp(Secret webhookSecret, String handle, Optional<Secret> token) {
    }
}
