package dev.agentservices.worker.launch;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.agent.AgentsConfig;
import dev.agentservices.worker.reply.GithubAppTokens;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.common.trace.MessageTracing;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import java.util.Set;

/**
 * How a session's run starts, from its team's settings first: the runner's mode (the team's, else the
 * agent's {@code RUNNER_MODE} / {@code DOLLY_RUNNER_MODE}, else {@code session.runner-mode}; {@code one-shot}
 * runs the agent CLI once per turn, {@code interactive} keeps the agent's TUI in the tmux pane for people to
 * type into) and the image (the team's {@code default_runner_image}, else {@code RUNNER_IMAGE}); the Secret of the
 * run's environment and Claude Code's permission mode and tools (the team's {@code run}, else the agent's
 * {@code RUNNER_ENV_SECRET}, {@code RUNNER_PERMISSION_MODE}, {@code RUNNER_ALLOWED_TOOLS}, {@code RUNNER_DISALLOWED_TOOLS}).
 */
@Singleton
public class RunSettings {

    public static final String ONE_SHOT = "one-shot";
    public static final String INTERACTIVE = "interactive";
    private static final Set<String> MODES = Set.of(ONE_SHOT, INTERACTIVE);
    private static final Set<String> PERMISSION_MODES = TeamSettings.PERMISSION_MODES;

    private final AgentsConfig agents;
    private final TeamStore teams;
    private final LauncherConfig config;
    private final AgentRegistry registry;
    private final GithubAppTokens github;
    private final MessageTracing tracing;
    private final String githubApiUrl;

    public RunSettings(AgentsConfig agents, TeamStore teams, LauncherConfig config, AgentRegistry registry, GithubAppTokens github,
            MessageTracing tracing, @ConfigProperty(name = "github.api-url") String githubApiUrl) {
        this.tracing = tracing;
        this.githubApiUrl = githubApiUrl;
        this.registry = registry;
        this.github = github;
        this.agents = agents;
        this.teams = teams;
        this.config = config;
        if (!MODES.contains(config.runnerMode())) {
            throw new IllegalStateException("session.runner-mode must be one-shot or interactive, not '" + config.runnerMode() + "'");
        }
        agents.byName().forEach((name, agent) -> agent.runner().permissionMode().filter(mode -> !PERMISSION_MODES.contains(mode))
                .ifPresent(mode -> {
                    throw new IllegalStateException("The permission mode of agent " + name + " ({AGENT}_RUNNER_PERMISSION_MODE) must be "
                            + "one of " + new java.util.TreeSet<>(PERMISSION_MODES) + ", not '" + mode + "'");
                }));
    }

    public SessionLauncher.RunOptions options(Session session, String podToken) {
        Optional<TeamSettings> team = session.team() == null ? Optional.empty() : teams.get(session.team());
        String mode = team.map(TeamSettings::runnerMode).filter(MODES::contains)
                .or(() -> Optional.ofNullable(agents.byName().get(session.agent())).flatMap(agent -> agent.runner().mode())
                        .filter(MODES::contains))
                .orElse(config.runnerMode());
        String image = team.map(TeamSettings::defaultRunnerImage).filter(value -> !value.isBlank()).orElse(null);
        Optional<AgentsConfig.RunnerSettings> agentRunner = Optional.ofNullable(agents.byName().get(session.agent()))
                .map(AgentsConfig.AgentConfig::runner);
        // a run on a repository gets a token of the agent's GitHub App for that one repository (an hour, and the run
        // revokes it when it ends), else GITHUB_TOKEN (which no run may revoke)
        String repository = session.workspace() != null ? session.workspace().repository()
                : session.origin() == null ? null : session.origin().githubRepository();
        Optional<Agent> agent = repository == null ? Optional.empty() : registry.byName(session.agent());
        String runToken = agent.flatMap(a -> github.runToken(a, repository)).orElse(null);
        String githubToken = runToken != null ? runToken
                : agent.flatMap(a -> a.github().flatMap(app -> app.token())).map(token -> token.reveal()).orElse(null);
        String revokeUrl = runToken == null ? null : githubApiUrl.replaceAll("/+$", "") + "/installation/token";
        Optional<TeamSettings.Run> teamRun = team.map(TeamSettings::run);
        String envSecret = teamRun.map(TeamSettings.Run::envSecret).flatMap(RunSettings::given)
                .or(() -> agentRunner.flatMap(AgentsConfig.RunnerSettings::envSecret).flatMap(RunSettings::given)).orElse(null);
        SessionLauncher.AgentPermissions permissions = new SessionLauncher.AgentPermissions(
                teamRun.map(TeamSettings.Run::permissionMode).flatMap(RunSettings::given).filter(PERMISSION_MODES::contains)
                        .or(() -> agentRunner.flatMap(AgentsConfig.RunnerSettings::permissionMode))
                        .orElse(SessionLauncher.AgentPermissions.DEFAULT.mode()),
                teamRun.map(TeamSettings.Run::allowedTools).flatMap(RunSettings::given)
                        .or(() -> agentRunner.flatMap(AgentsConfig.RunnerSettings::allowedTools)).orElse(""),
                teamRun.map(TeamSettings.Run::disallowedTools).flatMap(RunSettings::given)
                        .or(() -> agentRunner.flatMap(AgentsConfig.RunnerSettings::disallowedTools)).orElse(""));
        return new SessionLauncher.RunOptions(podToken, mode, image, githubToken, revokeUrl, tracing.currentTraceparent(),
                envSecret, permissions);
    }

    /** {@code value} trimmed, when it says something. */
    private static Optional<String> given(String value) {
        return Optional.ofNullable(value).map(String::trim).filter(text -> !text.isEmpty());
    }
}
