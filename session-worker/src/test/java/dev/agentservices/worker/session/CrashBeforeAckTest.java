package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A worker that stored a message's result and died before acknowledging it: the message comes again
 * (to this or another replica) and must change nothing twice.
 */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class CrashBeforeAckTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Inject
    SessionService sessions;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void messageRedeliveredAfterItsResultWasStoredMakesNoSecondSessionOrRun() throws Exception {
        String thread = "1712377777." + String.format("%06d", (int) (Math.random() * 1_000_000));
        SessionKey key = SessionKey.slack("buck", "C0CRASH", thread);
        String dedupId = "slack:buck:C0CRASH:" + thread;
        // what the crashed worker got done: the session stored and its run launched, the message never acked
        sessions.apply(key, Origin.slack("C0CRASH", thread), "crash",
                new SessionMessage("U0ANA", "<@U0BUCK> survive a crash", List.of(), Instant.now()), dedupId);

        // the redelivery, as JetStream hands the unacknowledged message to a worker again
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> survive a crash\","
                        + "\"ts\":\"" + thread + "\",\"channel\":\"C0CRASH\"}}");
        fixtures.awaitIdle();

        Session session = store.get(store.idFor(key).orElseThrow()).orElseThrow().session();
        assertEquals(1, session.run());
        assertEquals(1, session.messages().size());
        assertEquals(SessionStatus.RUNNING, session.status());
    }
}
