package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionRecordTooLargeException;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** A session record never grows past what NATS takes in one message: such a change is refused, clearly. */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class SessionRecordLimitTest {

    @Inject
    SessionStore store;

    @Test
    void aChangeThatWouldNotFitInOneNatsMessageIsRefusedAndNothingIsStored() {
        SessionKey key = SessionKey.jira("buck", "BIG-" + UUID.randomUUID().toString().substring(0, 6));
        String id = store.open(key, newId -> Session.open(newId, key, null, "big", Origin.jira("BIG-1"), Instant.now()))
                .versioned().session().id();
        Session running = store.update(id, s -> s.withNextTurn(new SessionMessage("U1", "go", List.of(), Instant.now()),
                Instant.now())).session();

        SessionMessage huge = new SessionMessage("U1", "q".repeat(600_000), List.of(), Instant.now());
        SessionRecordTooLargeException refused = assertThrows(SessionRecordTooLargeException.class,
                () -> store.update(id, s -> s.withQueued(huge).withQueued(huge)));
        assertEquals(true, refused.getMessage().contains("session " + id), refused.getMessage());
        assertEquals(running.queued(), store.get(id).orElseThrow().session().queued());
    }
}
