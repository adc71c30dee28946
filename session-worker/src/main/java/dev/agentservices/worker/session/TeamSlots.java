package dev.agentservices.worker.session;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * A team's concurrency limit: how many of its sessions may run at once (0: no limit). Counts come from
 * the session view, so the limit is soft: replicas deciding within the same few milliseconds may each
 * start one run more. A run that may not start yet stays PENDING without a pod until a slot frees
 * ({@link QueuedRunStarter}).
 */
@Singleton
public class TeamSlots {

    private final SessionView view;
    private final TeamStore teams;

    public TeamSlots(SessionView view, TeamStore teams) {
        this.view = view;
        this.teams = teams;
    }

    /** The team's limit, 0 when it has none (or the session has no team). */
    public int limit(Session session) {
        return session.team() == null ? 0 : teams.get(session.team()).map(TeamSettings::concurrencyLimit).orElse(0);
    }

    public boolean mayStart(Session session) {
        int limit = limit(session);
        return limit <= 0 || active(session.team(), session.id()) < limit;
    }

    /** Sessions of the team with a run going or launched: RUNNING, or PENDING with a pod. */
    long active(String team, String exceptId) {
        SessionQuery ofTeam = new SessionQuery(Set.of(), Set.of(), Set.of(SessionStatus.RUNNING, SessionStatus.PENDING),
                Set.of(team), null, null, null);
        return view.matching(ofTeam).stream()
                .filter(s -> !s.id().equals(exceptId) && (s.status() == SessionStatus.RUNNING || s.podName() != null))
                .count();
    }
}
