package dev.agentservices.common.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class SessionTest {

    private static final Instant NOW = Instant.parse("2026-11-29T00:00:00Z");

    @Test
    void theRecordKeepsTheLatestMessagesEachCutButTheTurnsPromptWhole() {
        Session session = Session.open("s1", SessionKey.jira("buck", "OPS-1"), null, "t", Origin.jira("OPS-1"), NOW);
        String huge = "z".repeat(200_000);
        SessionMessage big = new SessionMessage("U1", huge, List.of(), NOW);
        session = session.withMessage(big, "m0").withNextTurn(big, NOW);
        for (int i = 1; i <= 60; i++) {
            session = session.withMessage(new SessionMessage("U1", "message " + i, List.of(), NOW), "m" + i);
        }
        assertEquals(Session.MESSAGES_KEPT, session.messages().size());
        assertEquals("message 60", session.messages().get(Session.MESSAGES_KEPT - 1).text());
        assertEquals(huge, session.prompt(), "the agent gets the whole prompt");

        for (int i = 1; i <= 30; i++) {
            session = session.withMessage(new SessionMessage("U1", "y".repeat(Session.MESSAGE_TEXT_KEPT), List.of(), NOW), "n" + i);
        }
        assertEquals(Session.MESSAGES_TEXT_KEPT / Session.MESSAGE_TEXT_KEPT, session.messages().size(),
                "long messages are kept up to the record's total, the oldest dropped first");

        Session first = Session.open("s2", SessionKey.jira("buck", "OPS-2"), null, "t", Origin.jira("OPS-2"), NOW).withMessage(big, "m");
        String kept = first.messages().get(0).text();
        assertTrue(kept.length() <= Session.MESSAGE_TEXT_KEPT, kept.length() + " characters");
        assertTrue(kept.endsWith("(200000 characters in all)"), kept.substring(kept.length() - 40));
    }

    @Test
    void podTimeCountsEachRunFromItsPodToItsEndIdleWaitsIncluded() {
        SessionMessage go = new SessionMessage("U1", "go", List.of(), NOW);
        Session session = Session.open("s5", SessionKey.jira("buck", "OPS-5"), null, "t", Origin.jira("OPS-5"), NOW)
                .withNextTurn(go, NOW).withWaiting(Session.WAITING_FOR_SLOT)
                .withStatus(SessionStatus.PENDING, "pod-1", NOW.plusSeconds(10));
        assertEquals(null, session.waitingFor(), "a launch ends the wait");
        session = session.withStatus(SessionStatus.RUNNING, "pod-1", NOW.plusSeconds(20))
                .withTurnOutcome(1, SessionStatus.SUCCEEDED, "done", List.of(), null, null, null, "o1", NOW.plusSeconds(70))
                .withRunEnded(null, "e1", NOW.plusSeconds(130));
        assertEquals(120_000, session.podMillis(NOW.plusSeconds(999)), "from the pod's creation to the run's end");

        session = session.withNextTurn(go, NOW.plusSeconds(200)).withStatus(SessionStatus.PENDING, "pod-2", NOW.plusSeconds(200));
        assertEquals(150_000, session.podMillis(NOW.plusSeconds(230)), "the live run counts up to now");
        session = session.withRunFailed("evicted", NOW.plusSeconds(260));
        assertEquals(180_000, session.podMillis(NOW.plusSeconds(999)));
    }

    @Test
    void theLastAnswerIsCutInTheRecord() {
        Session session = Session.open("s3", SessionKey.jira("buck", "OPS-3"), null, "t", Origin.jira("OPS-3"), NOW)
                .withNextTurn(new SessionMessage("U1", "go", List.of(), NOW), NOW)
                .withTurnOutcome(1, SessionStatus.SUCCEEDED, "a".repeat(100_000), List.of(), null, null, null, "o", NOW);
        assertTrue(session.lastAssistantMessage().length() <= Session.ANSWER_KEPT);
    }

    @Test
    void aVersionOneRecordIsReadAsOneTurnPerRun() {
        Session v1 = new Session(1, "s4", "buck", null, SessionKey.jira("buck", "OPS-4"), null, "t", Origin.jira("OPS-4"),
                SessionStatus.SUCCEEDED, "pod", 3, 0, false, List.of(), List.of(), "p", null, "done", List.of(), null, null, null,
                null, List.of(), NOW, NOW, NOW, null, 3, 0, List.of(), null, 0, null, null, null, null);
        assertEquals(3, v1.turn());
        assertTrue(v1.runEnded());
        assertEquals(Session.VERSION, v1.v());
    }
}
