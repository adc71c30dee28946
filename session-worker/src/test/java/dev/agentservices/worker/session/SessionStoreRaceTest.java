package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Writers racing on one conversation, as two worker replicas would, through the real KV buckets. */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class SessionStoreRaceTest {

    private static final int RACERS = 8;

    @Inject
    SessionStore store;

    @Inject
    NatsConnection nats;

    @Inject
    ObjectMapper mapper;

    @Test
    void racingOpenersOfOneThreadEndUpWithOneSession() throws Exception {
        for (int round = 0; round < 10; round++) {
            SessionKey key = SessionKey.slack("buck", "C0RACE", "1712345678." + UUID.randomUUID().toString().substring(0, 6));
            Set<String> ids = new HashSet<>(race(() -> store.open(key,
                    id -> Session.open(id, key, null, "race", Origin.slack("C0RACE", "1"), Instant.now()))
                    .versioned().session().id()));
            assertEquals(1, ids.size(), "sessions opened for one key: " + ids);
            assertEquals(ids.iterator().next(), store.idFor(key).orElseThrow());
        }
    }

    @Test
    void racingUpdatesAreAllKeptByCompareAndSet() throws Exception {
        SessionKey key = SessionKey.slack("buck", "C0RACE", "1712349999." + UUID.randomUUID().toString().substring(0, 6));
        String id = store.open(key, newId -> Session.open(newId, key, null, "race", Origin.slack("C0RACE", "1"), Instant.now()))
                .versioned().session().id();
        List<String> texts = race(() -> {
            String text = UUID.randomUUID().toString();
            store.update(id, s -> s.withMessage(new SessionMessage("U1", text, List.of(), Instant.now()), text));
            return text;
        });
        Session session = store.get(id).orElseThrow().session();
        assertEquals(new HashSet<>(texts), new HashSet<>(session.messages().stream().map(SessionMessage::text).toList()));
    }

    @Test
    void racingUpdatesLeaveTheRunViewOfTheNewestRecordWithoutTheWorkersOwnFields() throws Exception {
        SessionKey key = SessionKey.slack("buck", "C0RACE", "1712347777." + UUID.randomUUID().toString().substring(0, 6));
        SessionMessage first = new SessionMessage("U1", "start", List.of(), Instant.now());
        String id = store.open(key, newId -> Session.open(newId, key, null, "race", Origin.slack("C0RACE", "1"), Instant.now())
                .withMessage(first, "m0").withNextTurn(first, Instant.now())).versioned().session().id();
        race(() -> {
            String text = UUID.randomUUID().toString();
            return store.update(id, s -> s.withMessage(new SessionMessage("U1", text, List.of(), Instant.now()), text)
                    .withQueued(new SessionMessage("U1", text, List.of(), Instant.now())).withInstructions(text));
        });
        SessionRepository.Versioned record = store.get(id).orElseThrow();
        RunView view = runView(id);
        assertEquals(record.revision(), view.revision(), "the view of the last write stands, whatever order the views came in");
        assertEquals(record.session().instructions(), view.instructions());
        assertEquals(1, view.turn());
        String stored = new String(nats.connection().keyValue("runs").get(id).getValue(), StandardCharsets.UTF_8);
        assertFalse(stored.contains("\"queued\"") || stored.contains("\"applied\"") || stored.contains("\"conversation\""), stored);

        // a view lost to a failure between the two writes is written again, and an older one never replaces it
        nats.connection().keyValue("runs").delete(id);
        store.keepRunView(record);
        assertEquals(record.revision(), runView(id).revision());
        store.keepRunView(new SessionRepository.Versioned(record.session().withInstructions("stale"), record.revision() - 1));
        assertEquals(record.session().instructions(), runView(id).instructions());

        store.delete(record.session());
        var gone = nats.connection().keyValue("runs").get(id);
        assertTrue(gone == null || gone.getOperation() != io.nats.client.api.KeyValueOperation.PUT, "a deleted session leaves no run view");
    }

    private RunView runView(String id) throws Exception {
        return mapper.readValue(nats.connection().keyValue("runs").get(id).getValue(), RunView.class);
    }

    private static <T> List<T> race(Callable<T> action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(RACERS);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < RACERS; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return action.call();
            }));
        }
        start.countDown();
        List<T> results = new ArrayList<>();
        for (Future<T> future : futures) {
            results.add(future.get());
        }
        pool.shutdown();
        return results;
    }
}
