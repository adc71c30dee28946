package dev.agentservices.common.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code agents.<name>.*}: each agent's Slack app, Jira account and GitHub App. Every value is optional
 * here; {@link AgentRegistry} decides which sources an agent enables and refuses incomplete ones.
 */
@ConfigMapping(prefix = "agents")
public interface AgentsConfig {

    @WithParentName
    Map<String, AgentConfig> byName();

    /** One agent's settings per source. */
    interface AgentConfig {
        SlackConfig slack();

        JiraConfig jira();

        GithubConfig github();

        RunnerSettings runner();

        ModelSettings model();

        /**
         * The team of the agent's sessions from places no team claims ({@code DEFAULT_TEAM},
         * {@code DOLLY_DEFAULT_TEAM}, ...); without it such sessions have no team and only admins see them.
         */
        Optional<String> defaultTeam();
    }

    /**
     * The agent's model: with an API key ({@code ANTHROPIC_API_KEY}, {@code DOLLY_ANTHROPIC_API_KEY}, ...) the
     * worker's model-backed agent policy answers its sessions; without one, every message is a turn.
     */
    interface ModelSettings {
        Optional<String> apiKey();

        /** {@code ANTHROPIC_BASE_URL}; the worker's {@code agent-model.default-base-url} when not set. */
        Optional<String> baseUrl();

        /** {@code ANTHROPIC_MODEL}; the worker's {@code agent-model.default-model} when not set. */
        Optional<String> name();

        /** {@code AGENT_SYSTEM_PROMPT}: the agent's system prompt; {@code {agent}} is replaced by its name. */
        Optional<String> systemPrompt();
    }

    /** How the agent's runs run, unless its team says otherwise. */
    interface RunnerSettings {
        /** {@code one-shot} or {@code interactive} ({@code RUNNER_MODE}, {@code DOLLY_RUNNER_MODE}, ...). */
        Optional<String> mode();

        /**
         * The Secret in the sessions namespace whose keys become each run's environment: the model credentials
         * of the agent CLI ({@code RUNNER_ENV_SECRET}, {@code DOLLY_RUNNER_ENV_SECRET}, ...). Never the worker's own key.
         */
        Optional<String> envSecret();

        /**
         * The agent CLI's permission mode ({@code RUNNER_PERMISSION_MODE}: {@code bypassPermissions} by default, the
         * pod being the sandbox; also {@code acceptEdits}, {@code default}, {@code plan}).
         */
        Optional<String> permissionMode();

        /** Tools the agent CLI may use without asking ({@code RUNNER_ALLOWED_TOOLS}, its {@code --allowedTools}). */
        Optional<String> allowedTools();

        /** Tools the agent CLI may never use ({@code RUNNER_DISALLOWED_TOOLS}, its {@code --disallowedTools}). */
        Optional<String> disallowedTools();

        /**
         * The repository ({@code owner/name}) a Slack, Jira or dashboard session works on when its request names none
         * and its team has not one of its own ({@code DEFAULT_REPOSITORY}, {@code DOLLY_DEFAULT_REPOSITORY}, ...).
         */
        Optional<String> defaultRepository();
    }

    /** The agent's Slack app. */
    interface SlackConfig {
        /** Forces the source on or off; by default it is on when any of its settings is given. */
        Optional<Boolean> enabled();

        Optional<String> signingSecret();

        Optional<String> botToken();

        /** The app id ({@code api_app_id}); when set, events for other apps are refused. */
        Optional<String> appId();

        /** The bot's user id, so that the agent's own messages are ignored. */
        Optional<String> botUserId();

        /**
         * The workspaces ({@code team_id}) and organizations ({@code enterprise_id}) whose events start
         * work ({@code SLACK_ALLOWED_TEAMS}); any when empty.
         */
        Optional<List<String>> allowedTeams();

        /** Whether messages in channels shared with other organizations start work ({@code SLACK_ALLOW_SHARED_CHANNELS}). */
        @WithDefault("false")
        boolean allowSharedChannels();
    }

    /** The agent's Jira account and webhook. */
    interface JiraConfig {
        Optional<Boolean> enabled();

        Optional<String> webhookSecret();

        /** The agent's Jira account id: assignments to it start sessions, its own comments are dropped. */
        Optional<String> accountId();

        Optional<String> baseUrl();

        Optional<String> email();

        Optional<String> apiToken();
    }

    /** The agent's GitHub App. */
    interface GithubConfig {
        Optional<Boolean> enabled();

        Optional<String> webhookSecret();

        /** The handle people mention, without {@code @}; the agent's name when not set. */
        Optional<String> handle();

        Optional<String> token();

        /** The GitHub App's id ({@code GITHUB_APP_ID}): replies and runs use its installation tokens. */
        Optional<String> appId();

        /** The App's private key, PEM ({@code GITHUB_APP_PRIVATE_KEY}, PKCS #1 as GitHub issues it, or PKCS #8). */
        Optional<String> appPrivateKey();

        /**
         * The {@code author_association}s whose mentions start work ({@code GITHUB_ALLOWED_ASSOCIATIONS});
         * repository owners, organization members and collaborators by default.
         */
        @WithDefault("OWNER,MEMBER,COLLABORATOR")
        List<String> allowedAssociations();

        /** The organizations (repository owners) whose repositories may start work; any when empty. */
        Optional<List<String>> allowedOrganizations();

        /** The App installations whose webhooks may start work; any when empty. */
        Optional<List<Long>> allowedInstallations();
    }
}
