package dev.agentservices.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a change of a live record tells the history: the summary, and only what the change added. */
class SessionChangeTest {

    private static final Instant NOW = Instant.parse("2026-12-08T00:00:00Z");

    @Test
    void aNewSessionCarriesAllItHoldsAndALaterChangeOnlyWhatItAdded() {
        SessionMessage ask = new SessionMessage("U1", "fix the build", List.of(), NOW);
        Session created = Session.open("s1", SessionKey.slack("buck", "C1", "1.2"), "team-a", "fix", null, NOW).withMessage(ask, "m1")
                .withNextTurn(ask, NOW);
        SessionChange first = SessionChange.between(null, created, 1);
        assertEquals(List.of(ask), first.messages());
        assertEquals("buck:slack:C1:1.2", first.key());
        assertEquals(SessionChange.VERSION, first.v());

        SessionMessage more = new SessionMessage("U1", "and the docs", List.of(), NOW.plusSeconds(5));
        Session followed = created.withMessage(more, "m2");
        SessionChange second = SessionChange.between(created, followed, 2);
        assertEquals(List.of(more), second.messages(), "only the new message");
        assertNull(second.lastAssistantMessage(), "an answer that did not change is not sent again");
        assertFalse(second.altersNothingOf(created));
    }

    @Test
    void aChangeOfWhatTheHistoryDoesNotKeepAltersNothing() {
        Session session = Session.open("s1", SessionKey.jira("buck", "OPS-1"), null, "t", Origin.jira("OPS-1"), NOW);
        Session waiting = session.withWaiting(Session.WAITING_FOR_BUDGET);
        assertTrue(SessionChange.between(session, session, 2).altersNothingOf(session));
        assertFalse(SessionChange.between(session, waiting, 2).altersNothingOf(session), "waiting shows in the history");
        assertFalse(SessionChange.between(null, session, 1).altersNothingOf(null), "a new session always tells");
        assertTrue(SessionChange.deletion(session, Long.MAX_VALUE).deleted());
    }
}
