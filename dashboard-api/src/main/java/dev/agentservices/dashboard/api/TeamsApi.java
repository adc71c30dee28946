package dev.agentservices.dashboard.api;

import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.proto.api.v1.GetTeamSettingsRequest;
import dev.agentservices.proto.api.v1.GetTeamSettingsResponse;
import dev.agentservices.proto.api.v1.ListTeamsRequest;
import dev.agentservices.proto.api.v1.ListTeamsResponse;
import dev.agentservices.proto.api.v1.Team;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsRequest;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsResponse;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Teams and their settings in the {@code teams} bucket: members read their own teams', admins change any. */
@Singleton
public class TeamsApi {

    private static final Set<String> RUNNER_MODES = Set.of("", "one-shot", "interactive");
    /** The longest list of tools a team may give. */
    private static final int TOOLS_MAX = 2_000;

    private final TeamStore teams;

    public TeamsApi(TeamStore teams) {
        this.teams = teams;
    }

    public Uni<ListTeamsResponse> list(ListTeamsRequest request, DashboardUser user) {
        return Calls.onWorker(() -> {
            ListTeamsResponse.Builder response = ListTeamsResponse.newBuilder();
            teams.all().stream().filter(team -> user.admin() || user.teams().contains(team.teamId()))
                    .forEach(team -> response.addTeams(Team.newBuilder().setId(team.teamId()).setName(team.teamId())));
            return response.build();
        });
    }

    public Uni<GetTeamSettingsResponse> get(GetTeamSettingsRequest request, DashboardUser user) {
        String teamId = request.getTeamId();
        AccessRules.requireTeam(user, teamId);
        return Calls.onWorker(() -> GetTeamSettingsResponse.newBuilder().setSettings(toProto(teams.get(teamId)
                .orElseThrow(() -> ApiException.notFound("There is no team " + teamId)))).build());
    }

    public Uni<UpdateTeamSettingsResponse> update(UpdateTeamSettingsRequest request, DashboardUser user) {
        AccessRules.requireAdmin(user, "change team settings");
        var settings = request.getSettings();
        if (!TeamStore.validId(settings.getTeamId())) {
            throw ApiException.invalidArgument("team_id is letters, digits, '-', '_' and '.'");
        }
        if (settings.getConcurrencyLimit() < 0) {
            throw ApiException.invalidArgument("concurrency_limit is 0 (no limit) or more");
        }
        if (!(settings.getMonthlyBudgetUsd() >= 0) || Double.isInfinite(settings.getMonthlyBudgetUsd())) {
            throw ApiException.invalidArgument("monthly_budget_usd is 0 (no budget) or a positive amount in USD");
        }
        if (!RUNNER_MODES.contains(settings.getRunnerMode())) {
            throw ApiException.invalidArgument("runner_mode is one-shot, interactive, or empty for the agent's default");
        }
        if (settings.getAgentPrompt().length() > TeamSettings.AGENT_PROMPT_MAX) {
            throw ApiException.invalidArgument("agent_prompt is at most " + TeamSettings.AGENT_PROMPT_MAX + " characters");
        }
        settings.getRepositoriesMap().forEach((from, repository) -> {
            if (from.isBlank() || from.length() > 100 || !TeamSettings.REPOSITORY.matcher(repository).matches()) {
                throw ApiException.invalidArgument("repositories maps a Slack channel id or a Jira project key to an owner/name, not '"
                        + from + "' to '" + repository + "'");
            }
        });
        String envSecret = settings.getRunnerEnvSecret().strip();
        if (!envSecret.isEmpty() && !TeamSettings.SECRET_NAME.matcher(envSecret).matches()) {
            throw ApiException.invalidArgument("runner_env_secret is the name of a Secret in the sessions namespace (lower case letters, "
                    + "digits, '-' and '.'), or empty for the agent's");
        }
        if (!settings.getPermissionMode().isEmpty() && !TeamSettings.PERMISSION_MODES.contains(settings.getPermissionMode())) {
            throw ApiException.invalidArgument("permission_mode is one of " + new TreeSet<>(TeamSettings.PERMISSION_MODES)
                    + ", or empty for the agent's");
        }
        for (String tools : List.of(settings.getAllowedTools(), settings.getDisallowedTools())) {
            if (tools.length() > TOOLS_MAX || tools.chars().anyMatch(Character::isISOControl)) {
                throw ApiException.invalidArgument("allowed_tools and disallowed_tools are one line of at most " + TOOLS_MAX + " characters");
            }
        }
        TeamSettings.Run run = new TeamSettings.Run(Calls.emptyToNull(envSecret), Calls.emptyToNull(settings.getPermissionMode()),
                Calls.emptyToNull(settings.getAllowedTools().strip()), Calls.emptyToNull(settings.getDisallowedTools().strip()));
        TeamSettings stored = new TeamSettings(TeamSettings.VERSION, settings.getTeamId(), settings.getSlackChannelsList(),
                settings.getJiraProjectsList(), settings.getGithubRepositoriesList(), settings.getConcurrencyLimit(),
                Calls.emptyToNull(settings.getDefaultRunnerImage()), Calls.emptyToNull(settings.getDefaultInstructions()),
                Calls.emptyToNull(settings.getRunnerMode()), settings.getMonthlyBudgetUsd(),
                Calls.emptyToNull(settings.getAgentPrompt().strip()), settings.getRepositoriesMap(),
                run.equals(new TeamSettings.Run(null, null, null, null)) ? null : run);
        return Calls.onWorker(() -> {
            teams.put(stored);
            return UpdateTeamSettingsResponse.newBuilder().setSettings(toProto(stored)).build();
        });
    }

    private static dev.agentservices.proto.api.v1.TeamSettings toProto(TeamSettings team) {
        var builder = dev.agentservices.proto.api.v1.TeamSettings.newBuilder().setTeamId(team.teamId())
                .addAllSlackChannels(team.slackChannels()).addAllJiraProjects(team.jiraProjects())
                .addAllGithubRepositories(team.githubRepositories()).setConcurrencyLimit(team.concurrencyLimit())
                .setMonthlyBudgetUsd(team.monthlyBudgetUsd());
        if (team.defaultRunnerImage() != null) {
            builder.setDefaultRunnerImage(team.defaultRunnerImage());
        }
        if (team.defaultInstructions() != null) {
            builder.setDefaultInstructions(team.defaultInstructions());
        }
        if (team.runnerMode() != null) {
            builder.setRunnerMode(team.runnerMode());
        }
        if (team.agentPrompt() != null) {
            builder.setAgentPrompt(team.agentPrompt());
        }
        builder.putAllRepositories(team.repositories());
        TeamSettings.Run run = team.run();
        if (run != null) {
            builder.setRunnerEnvSecret(run.envSecret() == null ? "" : run.envSecret())
                    .setPermissionMode(run.permissionMode() == null ? "" : run.permissionMode())
                    .setAllowedTools(run.allowedTools() == null ? "" : run.allowedTools())
                    .setDisallowedTools(run.disallowedTools() == null ? "" : run.disallowedTools());
        }
        return builder.build();
    }
}
