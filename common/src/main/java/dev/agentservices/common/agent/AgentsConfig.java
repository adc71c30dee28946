package dev.agentservices.common.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithParentName;
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

        /**
         * The team of the agent's sessions from places no team claims ({@code DEFAULT_TEAM},
         * {@code DOLLY_DEFAULT_TEAM}, ...); without it such sessions have no team and only admins see them.
         */
        Optional<String> defaultTeam();
    }

    /** How the agent's runs run, unless its team says otherwise. */
    interface RunnerSettings {
        /** {@code one-shot} or {@code interactive} ({@code RUNNER_MODE}, {@code DOLLY_RUNNER_MODE}, ...). */
        Optional<String> mode();
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
    }
}
