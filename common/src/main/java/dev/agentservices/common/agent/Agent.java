package dev.agentservices.common.agent;

import dev.agentservices.common.signature.Secret;
import java.util.Optional;
import java.util.Set;

/**
 * A validated agent: a named bot identity with the sources it answers on. A source that is present is
 * complete; {@link AgentRegistry} refuses to start with a half-configured one.
 */
public record Agent(String name, Optional<SlackApp> slack, Optional<JiraAccount> jira, Optional<GithubApp> github) {

    /**
     * The agent's Slack app.
     *
     * @param allowedTeams        workspace and organization ids whose events start work; any when empty
     * @param allowSharedChannels whether channels shared with other organizations start work
     */
    public record SlackApp(Secret signingSecret, Optional<Secret> botToken, Optional<String> appId,
            Optional<String> botUserId, Set<String> allowedTeams, boolean allowSharedChannels) {

        public SlackApp(Secret signingSecret, Optional<Secret> botToken, Optional<String> appId, Optional<String> botUserId) {
            this(signingSecret, botToken, appId, botUserId, Set.of(), false);
        }
    }

    /** The agent's Jira account; {@code accountId} identifies assignments to it and its own comments. */
    public record JiraAccount(Secret webhookSecret, String accountId, Optional<String> baseUrl,
            Optional<String> email, Optional<Secret> apiToken) {
    }

    /**
     * The agent's GitHub App; {@code handle} is what people mention, without {@code @}.
     *
     * @param allowedAssociations   the comment authors' {@code author_association}s that may start work
     * @param allowedOrganizations  repository owners (lower case) that may; any when empty
     * @param allowedInstallations  App installation ids that may; any when empty
     * @param app                   the GitHub App whose installation tokens replies and runs use; without it,
     *                              replies, draft pull requests and runs use {@code token}
     */
    public record GithubApp(Secret webhookSecret, String handle, Optional<Secret> token, Set<String> allowedAssociations,
            Set<String> allowedOrganizations, Set<Long> allowedInstallations, Optional<AppCredentials> app) {

        public static final Set<String> DEFAULT_ASSOCIATIONS = Set.of("OWNER", "MEMBER", "COLLABORATOR");

        public GithubApp(Secret webhookSecret, String handle, Optional<Secret> token) {
            this(webhookSecret, handle, token, DEFAULT_ASSOCIATIONS, Set.of(), Set.of(), Optional.empty());
        }

        public GithubApp(Secret webhookSecret, String handle, Optional<Secret> token, Set<String> allowedAssociations,
                Set<String> allowedOrganizations, Set<Long> allowedInstallations) {
            this(webhookSecret, handle, token, allowedAssociations, allowedOrganizations, allowedInstallations, Optional.empty());
        }
    }

    /** A GitHub App's id and private key (PEM). */
    public record AppCredentials(String appId, Secret privateKey) {
    }
}
