package dev.agentservices.common.session;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionQueryTest {

    private static final Session TEAMLESS = session(null);
    private static final Session OF_TEAM_A = session("team-a");

    @Test
    void aTeamFilterLeavesOutTeamlessSessionsWithoutThrowing() {
        SessionQuery teamA = new SessionQuery(Set.of(), Set.of(), Set.of(), Set.of("team-a"), null, null, null);
        assertFalse(teamA.matches(TEAMLESS));
        assertTrue(teamA.matches(OF_TEAM_A));
    }

    @Test
    void noTeamFilterMatchesTeamlessSessions() {
        assertTrue(SessionQuery.ALL.matches(TEAMLESS));
    }

    private static Session session(String team) {
        SessionKey key = SessionKey.jira("buck", "OPS-" + (team == null ? "0" : "1"));
        return Session.open("id-" + team, key, team, "title", Origin.jira("OPS-1"), Instant.parse("2026-11-28T00:00:00Z"));
    }
}
