package dev.agentservices.common.team;

import dev.agentservices.common.model.SessionKey;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A team's settings, stored under the team id in the {@code teams} bucket: which Slack channels, Jira
 * projects and GitHub repositories belong to it (so their sessions do), and its defaults.
 *
 * @param runnerMode {@code one-shot} or {@code interactive} for the team's runs; the agent's mode when null
 * @param monthlyBudgetUsd what the team's runs may cost per calendar month (UTC), as the worker prices their tokens; past it
 *                   new runs wait. 0 for no budget
 * @param agentPrompt what the agent's model is told about the team (added to the agent's system prompt, for a
 *                   model-backed agent); null for nothing
 * @param repositories the repository ({@code owner/name}) a session from one of the team's Slack channels (by
 *                   channel id) or Jira projects (by project key) works on, when its request names none
 * @param run how the team's runs run the agent CLI, over the agent's own settings; null for the agent's
 */
public record TeamSettings(int v, String teamId, List<String> slackChannels, List<String> jiraProjects,
        List<String> githubRepositories, int concurrencyLimit, String defaultRunnerImage, String defaultInstructions,
        String runnerMode, double monthlyBudgetUsd, String agentPrompt, Map<String, String> repositories, Run run) {

    public static final int VERSION = 1;
    /** The longest {@code agentPrompt} a team may give. */
    public static final int AGENT_PROMPT_MAX = 8_000;
    /** Claude Code's permission modes. */
    public static final Set<String> PERMISSION_MODES = Set.of("default", "acceptEdits", "bypassPermissions", "plan", "dontAsk");
    /** A repository's full name. */
    public static final Pattern REPOSITORY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}");
    /** A Kubernetes Secret's name. */
    public static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    /**
     * The team's own run settings; each null or blank one is the agent's.
     *
     * @param envSecret the Secret in the sessions namespace whose keys are the run's environment (the model's
     *                  credentials), instead of the agent's {@code RUNNER_ENV_SECRET}
     * @param permissionMode Claude Code's {@code --permission-mode}
     * @param allowedTools Claude Code's {@code --allowedTools}
     * @param disallowedTools Claude Code's {@code --disallowedTools}
     */
    public record Run(String envSecret, String permissionMode, String allowedTools, String disallowedTools) {
    }

    public TeamSettings(int v, String teamId, List<String> slackChannels, List<String> jiraProjects,
            List<String> githubRepositories, int concurrencyLimit, String defaultRunnerImage, String defaultInstructions,
            String runnerMode, double monthlyBudgetUsd, String agentPrompt) {
        this(v, teamId, slackChannels, jiraProjects, githubRepositories, concurrencyLimit, defaultRunnerImage,
                defaultInstructions, runnerMode, monthlyBudgetUsd, agentPrompt, Map.of(), null);
    }

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
        repositories = repositories == null ? Map.of() : Map.copyOf(repositories);
    }

    /** The repository the team maps a Slack channel id or a Jira project key to, if any. */
    public java.util.Optional<String> repositoryFor(String channelOrProject) {
        return java.util.Optional.ofNullable(channelOrProject).map(repositories::get);
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
