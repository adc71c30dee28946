package dev.agentservices.worker.launch;

import dev.agentservices.common.agent.AgentsConfig;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * Which mode a session's run starts in: the team's setting, else the agent's ({@code RUNNER_MODE},
 * {@code DOLLY_RUNNER_MODE}), else {@code session.runner-mode}. {@code one-shot} runs the agent CLI once per
 * turn; {@code interactive} keeps the agent's TUI in the tmux pane for people to type into.
 */
@Singleton
public class RunnerModes {

    public static final String ONE_SHOT = "one-shot";
    public static final String INTERACTIVE = "interactive";
    private static final Set<String> MODES = Set.of(ONE_SHOT, INTERACTIVE);

    private final AgentsConfig agents;
    private final TeamStore teams;
    private final LauncherConfig config;

    public RunnerModes(AgentsConfig agents, TeamStore teams, LauncherConfig config) {
        this.agents = agents;
        this.teams = teams;
        this.config = config;
        if (!MODES.contains(config.runnerMode())) {
            throw new IllegalStateException("session.runner-mode must be one-shot or interactive, not '" + config.runnerMode() + "'");
        }
    }

    public String modeFor(Session session) {
        Optional<String> ofTeam = session.team() == null ? Optional.empty()
                : teams.get(session.team()).map(TeamSettings::runnerMode).filter(MODES::contains);
        return ofTeam.or(() -> Optional.ofNullable(agents.byName().get(session.agent()))
                        .flatMap(agent -> agent.runner().mode()).filter(MODES::contains))
                .orElse(config.runnerMode());
    }
}
