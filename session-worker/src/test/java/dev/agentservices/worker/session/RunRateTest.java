package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RunRateTest {

    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    @Test
    void theRunAfterTheLimitWithinAnHourWaitsUntilTheOldestIsAnHourOld() {
        RunRate rate = new RunRate(3);
        Session session = Session.open("s", SessionKey.jira("buck", "OPS-1"), null, "t", Origin.jira("OPS-1"), T0);
        for (int run = 1; run <= 3; run++) {
            Instant at = T0.plusSeconds(60L * run);
            assertTrue(rate.overLimit(session.withNextTurn(message(at), at), at).isEmpty(), "run " + run);
            session = session.withNextTurn(message(at), at).withStatus(SessionStatus.RUNNING, "pod-" + run, at)
                    .withTurnOutcome(run, SessionStatus.SUCCEEDED, "ok", List.of(), null, null, null, "o" + run, at)
                    .withRunEnded(null, "e" + run, at);
        }
        Instant fourth = T0.plusSeconds(600);
        Session waiting = session.withNextTurn(message(fourth), fourth);
        assertEquals("This conversation started 3 runs in the last hour, its limit, so this request waits until 11:01 UTC.",
                rate.overLimit(waiting, fourth).orElseThrow());
        assertTrue(rate.overLimit(waiting, T0.plusSeconds(3661)).isEmpty(), "an hour after the first run");
        assertTrue(new RunRate(0).overLimit(waiting, fourth).isEmpty(), "0: no cap");
    }

    private static SessionMessage message(Instant at) {
        return new SessionMessage("U1", "again", List.of(), at);
    }
}
