package dev.agentservices.common.team;

import dev.agentservices.common.model.SessionKey;
import java.util.List;

/**
 * A team's settings, stored under the team id in the {@code teams} bucket: which Slack channels, Jira
 * projects and GitHub repositories belong to it (so their sessions do), and its defaults.
 *
 * @param runnerMode {@code one-shot} or {@code interactive} for the team's runs; the agent's mode when null
 * @param monthlyBudgetUsd what the team's runs may cost per calendar month (UTC), as the runners report it; past it
 *                   new runs wait. 0 for no budget
 * @param agentPrompt what the agent's model is told about the team (added to the agent's system prompt, for a
 *                   model-backed agent); null for nothing
 */
public record TeamSettings(int v, String teamId, List<String> slackChannels, List<String> jiraProjects,
        List<String> githubRepositories, int concurrencyLimit, String defaultRunnerImage, String defaultInstructions,
        String runnerMode, double monthlyBudgetUsd, String agentPrompt) {

    public static final int VERSION = 1;
    /** The longest {@code agentPrompt} a team may give. */
    public static final int AGENT_PROMPT_MAX = 8_000;

    public TeamSettings(int v, String teamId, List<String> slackChannels, List<String> jiraProjects,
            List<String> githubRepositories, int concurrencyLimit, String defaultRunnerImage, String defaultInstructions,
            String runnerMode, double monthlyBudgetUsd) {
        this(v, teamId, slackChannels, jiraProjects, githubRepositories, concurrencyLimit, defaultRunnerImage,
                defaultInstructions, runnerMode, monthlyBudgetUsd, null);
    }

    public TeamSettings(int v, String teamId, List<String> slackChannels, List<String> jiraProjects,
            List<String> githubRepositories, int concurrencyLimit, String defaultRunnerImage, String defaultInstructions,
            String runnerMode) {
        this(v, teamId, slackChannels, jiraProjects, githubRepositories, concurrencyLimit, defaultRunnerImage,
                defaultInstructions, runnerMode, 0, null);
    }

    public TeamSettings(int v, String teamId, List<String> slackChannels, List<String> jiraProjects,
            List<String> githubRepositories, int concurrencyLimit, String defaultRunnerImage, String defaultInstructions) {
        this(v, teamId, slackChannels, jiraProjects, githubRepositories, concurrencyLimit, defaultRunnerImage,
                defaultInstructions, null, 0, null);
    }

    public TeamSettings {
        slackChannels = slackChannels == null ? List.of() : List.copyOf(slackChannels);
        jiraProjects = jiraProjects == null ? List.of() : List.copyOf(jiraProjects);
        githubRepositories = githubRepositories == null ? List.of() : List.copyOf(githubRepositories);
    }

    /** Whether the conversation of {@code key} comes from one of this team's channels, projects or repositories. */
    public boolean owns(SessionKey key) {
        String conversation = key.conversation();
        return switch (key.source()) {
            case SLACK -> slackChannels.contains(conversation.substring(0, conversation.indexOf(':')));
            case JIRA -> conversation.contains("-") && jiraProjects.contains(conversation.substring(0, conversation.lastIndexOf('-')));
            case GITHUB -> conversation.contains("#") && githubRepositories.contains(conversation.substring(0, conversation.lastIndexOf('#')));
            case DASHBOARD -> false;
        };
    }
}
