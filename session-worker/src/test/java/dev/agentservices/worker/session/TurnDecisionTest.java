package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.common.testing.InMemorySessionRepository;
import dev.agentservices.worker.history.SessionArchiver;
import dev.agentservices.worker.session.SessionService.Applied;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The worker's decisions on a session, applied as the worker applies them (compare-and-set through a
 * {@link SessionRepository}), on the in-memory repository: no broker, no framework.
 */
class TurnDecisionTest {

    private static final SessionKey KEY = SessionKey.slack("bucky", "C1", "1700000000.000100");
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private final InMemorySessionRepository repository = new InMemorySessionRepository();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void firstMessageStartsARunAndWaitsForItsLaunch() {
        Applied applied = apply("m1", "fix the build", false);

        Session session = session();
        assertEquals(Applied.STARTED_RUN, applied);
        assertEquals(1, session.run());
        assertEquals(1, session.turn());
        assertEquals("fix the build", session.prompt());
        assertTrue(TurnDecision.waitsForLaunch(session));
        // what the run will be told, as runner-api reads it
        assertEquals(1, repository.runView(id()).orElseThrow().turn());
        assertEquals("fix the build", repository.runView(id()).orElseThrow().prompt());
    }

    @Test
    void followUpDuringATurnIsQueuedAndBecomesTheNextTurnInTheSameRun() {
        apply("m1", "fix the build", false);
        repository.update(id(), current -> current.withStatus(SessionStatus.RUNNING, "pod-1", NOW));

        assertEquals(Applied.QUEUED, apply("m2", "and the tests", false));
        assertEquals(1, session().turn());
        assertEquals(List.of("and the tests"), session().queued().stream().map(SessionMessage::text).toList());

        // the turn ends with the run still waiting for turns: the queue becomes turn 2 of run 1
        repository.update(id(), current -> current.withTurnOutcome(1, SessionStatus.SUCCEEDED, "done", List.of(), null, null,
                null, "outcome-1", NOW));
        Session next = repository.update(id(), current -> TurnDecision.releasingHeld(current, NOW)).session();
        assertEquals(2, next.turn());
        assertEquals(1, next.run());
        assertEquals("and the tests", next.prompt());
        assertTrue(next.queued().isEmpty());
    }

    @Test
    void messageToALiveRunWaitingForTurnsIsItsNextTurn() {
        apply("m1", "fix the build", false);
        repository.update(id(), current -> current.withStatus(SessionStatus.RUNNING, "pod-1", NOW)
                .withTurnOutcome(1, SessionStatus.SUCCEEDED, "done", List.of(), null, null, null, "outcome-1", NOW));

        assertEquals(Applied.NEXT_TURN, apply("m2", "now the docs", false));
        assertEquals(SessionStatus.RUNNING, session().status());
        assertEquals(1, session().run());
        assertFalse(TurnDecision.waitsForLaunch(session()));
    }

    @Test
    void aLiveRunWhoseTeamSpentItsBudgetHoldsTheFollowUp() {
        apply("m1", "fix the build", false);
        repository.update(id(), current -> current.withStatus(SessionStatus.RUNNING, "pod-1", NOW)
                .withTurnOutcome(1, SessionStatus.SUCCEEDED, "done", List.of(), null, null, null, "outcome-1", NOW));

        assertEquals(Applied.HELD_FOR_BUDGET, apply("m2", "now the docs", true));
        assertEquals(1, session().turn());
        assertEquals(1, session().queued().size());
        // once the budget allows, the held follow-up is the live run's next turn
        assertEquals(2, repository.update(id(), current -> TurnDecision.releasingHeld(current, NOW)).session().turn());
    }

    @Test
    void aRunEndedStartsANewRunForTheNextMessage() {
        apply("m1", "fix the build", false);
        repository.update(id(), current -> current.withStatus(SessionStatus.RUNNING, "pod-1", NOW)
                .withTurnOutcome(1, SessionStatus.SUCCEEDED, "done", List.of(), null, null, null, "outcome-1", NOW)
                .withRunEnded("state/1", "end-1", NOW));

        assertEquals(Applied.STARTED_RUN, apply("m2", "again", true));
        assertEquals(2, session().run());
        assertEquals(2, session().turn());
        assertTrue(TurnDecision.waitsForLaunch(session()));
    }

    @Test
    void aRedeliveredMessageChangesNothing() {
        apply("m1", "fix the build", false);
        int writes = repository.writes().size();

        assertEquals(Applied.ALREADY_APPLIED, apply("m1", "fix the build", false));
        assertEquals(writes, repository.writes().size());
        assertEquals(1, session().messages().size());
    }

    @Test
    void aTerminatedSessionTakesNoMoreTurns() {
        apply("m1", "fix the build", false);
        repository.update(id(), current -> current.withStatus(SessionStatus.TERMINATED, null, NOW));

        assertEquals(Applied.ALREADY_APPLIED, apply("m2", "please go on", false));
        assertEquals(1, session().turn());
    }

    @Test
    void aMembersConfirmationLetsTheWaitingRunAct() {
        apply("m1", "fix issue 7", false);
        repository.update(id(), current -> current.withWorkspace(new Workspace("acme/shop", "main", "bucky/7", null, null,
                "issue 7 by mallory", List.of("mallory"))));

        assertEquals(Applied.QUEUED, apply("m2", "@bucky can you confirm the bug?", false));
        assertTrue(session().workspace().awaitsConfirmation());
        assertEquals(Applied.CONFIRMED, apply("m3", "@bucky confirm", false));
        assertFalse(session().workspace().awaitsConfirmation());
    }

    @Test
    void racingMessagesAreAllAppliedAndExactlyOneStartsTheRun() throws Exception {
        repository.open(KEY, id -> Session.open(id, KEY, "payments", "thread", null, NOW));
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Applied>> results = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String dedupId = "m" + i;
            results.add(threads.submit(() -> {
                go.await();
                return apply(dedupId, "message " + dedupId, false);
            }));
        }
        go.countDown();
        Map<Applied, Integer> counts = new ConcurrentHashMap<>();
        for (Future<Applied> result : results) {
            counts.merge(result.get(), 1, Integer::sum);
        }

        assertEquals(Map.of(Applied.STARTED_RUN, 1, Applied.QUEUED, 15), counts);
        assertEquals(16, session().messages().size());
        assertEquals(15, session().queued().size());
    }

    @Test
    void racingFirstContactsOpenOneSession() throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        List<Callable<String>> openers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            openers.add(() -> {
                go.await();
                return repository.open(KEY, id -> Session.open(id, KEY, "payments", "thread", null, NOW)).versioned().session().id();
            });
        }
        List<Future<String>> ids = openers.stream().map(threads::submit).toList();
        go.countDown();

        assertEquals(1, ids.stream().map(TurnDecisionTest::result).collect(Collectors.toSet()).size());
        assertEquals(ids.get(0).get(), repository.idFor(KEY).orElseThrow());
    }

    @Test
    void aFinishedSessionLeavesOnlyAtTheRevisionItWasFoundAt() {
        apply("m1", "fix the build", false);
        SessionRepository.Versioned finished = repository.update(id(), current -> current.withStatus(SessionStatus.RUNNING,
                "pod-1", NOW).withTurnOutcome(1, SessionStatus.SUCCEEDED, "done", List.of(), null, null, null, "o1", NOW)
                .withRunEnded("state/1", "end-1", NOW));
        Instant cutoff = NOW.plus(Duration.ofDays(7));
        assertTrue(SessionArchiver.mayLeave(finished.session(), cutoff));
        assertFalse(SessionArchiver.mayLeave(finished.session(), NOW.minusSeconds(1)), "within its retention it stays");

        // a reply came in after the archiver looked: the session stays live and runs it
        apply("m2", "one more thing", false);
        assertFalse(repository.archive(finished));
        assertFalse(SessionArchiver.mayLeave(session(), cutoff));

        SessionRepository.Versioned ended = repository.update(id(), current -> current.withStatus(SessionStatus.RUNNING, "pod-2",
                NOW).withTurnOutcome(2, SessionStatus.SUCCEEDED, "done", List.of(), null, null, null, "o2", NOW)
                .withRunEnded("state/2", "end-2", NOW));
        assertTrue(repository.archive(ended));
        assertTrue(repository.isArchived(id()));
        assertTrue(repository.runView(id()).isEmpty(), "an archived session has no run to tell anything");

        // the next reply brings it back as its next turn, with its state to restore
        assertEquals(Applied.STARTED_RUN, apply("m3", "and another", false));
        assertEquals(3, session().turn());
        assertEquals("state/2", session().stateKey());
        assertFalse(repository.isArchived(id()));
        assertEquals("state/2", repository.runView(id()).orElseThrow().stateKey());
    }

    /** Applies a member's message as {@link SessionService#apply} does: decided inside the compare-and-set. */
    private Applied apply(String dedupId, String text, boolean budgetSpent) {
        SessionRepository.Versioned opened = repository.open(KEY, id -> Session.open(id, KEY, "payments", "thread", null, NOW))
                .versioned();
        Applied[] applied = {null};
        repository.update(opened, current -> {
            TurnDecision decision = TurnDecision.of(current, new SessionMessage("ana", text, List.of(), NOW), dedupId,
                    budgetSpent, NOW);
            applied[0] = decision.applied();
            return decision.next();
        });
        return applied[0];
    }

    private String id() {
        return repository.idFor(KEY).orElseThrow();
    }

    private Session session() {
        return repository.get(id()).orElseThrow().session();
    }

    private static String result(Future<String> future) {
        try {
            return future.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
