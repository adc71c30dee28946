package dev.agentservices.worker.launch;

import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.agent.AgentsConfig;
import dev.agentservices.worker.reply.GithubAppTokens;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.common.trace.MessageTracing;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * How a session's run starts, from its team's settings first: the runner's mode (the team's, else the
 * agent's {@code RUNNER_MODE} / {@code DOLLY_RUNNER_MODE}, else {@code session.runner-mode}; {@code one-shot}
 * runs the agent CLI once per turn, {@code interactive} keeps the agent's TUI in the tmux pane for people to
 * type into) and the image (the team's {@code default_runner_image}, else {@code RUNNER_IMAGE}).
 */
@Singleton
public class RunSettings {

    public static final String ONE_SHOT = "one-shot";
    public static final String INTERACTIVE = "interactive";
    private static final Set<String> MODES = Set.of(ONE_SHOT, INTERACTIVE);

    private final AgentsConfig agents;
    private final TeamStore teams;
    private final LauncherConfig config;
    private final AgentRegistry registry;
    private final GithubAppTokens github;
    private final MessageTracing tracing;

    public RunSettings(AgentsConfig agents, TeamStore teams, LauncherConfig config, AgentRegistry registry, GithubAppTokens github,
            MessageTracing tracing) {
        this.tracing = tracing;
        this.registry = registry;
        this.github = github;
        this.agents = agents;
        this.teams = teams;
        this.config = config;
        if (!MODES.contains(config.runnerMode())) {
            throw new IllegalStateException("session.runner-mode must be one-shot or interactive, not '" + config.runnerMode() + "'");
        }
    }

    public SessionLauncher.RunOptions options(Session session, String podToken) {
        Optional<TeamSettings> team = session.team() == null ? Optional.empty() : teams.get(session.team());
        String mode = team.map(TeamSettings::runnerMode).filter(MODES::contains)
                .or(() -> Optional.ofNullable(agents.byName().get(session.agent())).flatMap(agent -> agent.runner().mode())
                        .filter(MODES::contains))
                .orElse(config.runnerMode());
        String image = team.map(TeamSettings::defaultRunnerImage).filter(value -> !value.isBlank()).orElse(null);
        // a GitHub session's run gets a token of the agent's GitHub App for its one repository, valid an hour
        String githubToken = session.origin() == null || session.origin().githubRepository() == null ? null
                : registry.byName(session.agent()).flatMap(agent -> github.runToken(agent, session.origin().githubRepository()))
                        .orElse(null);
        return new SessionLauncher.RunOptions(podToken, mode, image, githubToken, tracing.currentTraceparent());
    }
}
