package dev.agentservices.worker.history;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import java.time.Instant;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionChange;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.Usage;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;


/**
 * The history against a real PostgreSQL and NATS: every change of a live session reaches its rows, replays change
 * nothing, a finished session leaves the live bucket once the history holds it whole, and a reply brings it back as its
 * next turn.
 */
@QuarkusTest
@TestProfile(HistoryTestProfile.class)
@Tag("component")
class SessionHistoryTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Inject
    HistoryDatabase database;

    @Inject
    HistoryWriter writer;

    @Inject
    SpendLedger ledger;

    @Inject
    SpendProjector spend;

    @Inject
    NatsConnection nats;

    @BeforeEach
    void slackAnswersOk() {
        ThirdPartyApis.slackAnswersOk();
    }

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", HistoryTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void aFinishedSessionLeavesTheLiveBucketWithItsHistoryWholeAndAReplyBringsItBackAsItsNextTurn() throws Exception {
        String thread = thread();
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = fixtures().mention("C0123", thread);
        fixtures().publishOutcome(new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED,
                "Fixed the flaky test.", List.of(new Artifact("pr", "Fix flake", "https://github.com/acme/api/pull/7")),
                new Usage(1200, 300, 0.02), null, "agent-session-1"), null);
        fixtures().awaitSession(key, s -> s.repliedTurn() == 1);
        fixtures().publishEnd(new RunEnd(RunEnd.VERSION, session.id(), 1, 1, "state/" + session.id() + "/run-1.tar.gz"));

        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(session.id()).isEmpty());
        assertEquals(session.id(), store.idFor(key).orElseThrow(), "the index still finds the archived session");
        Row row = one("SELECT * FROM sessions WHERE id = $1", session.id());
        assertEquals("SUCCEEDED", row.getString("status"));
        assertEquals("buck:slack:C0123:" + thread, row.getString("session_key"));
        assertEquals("Fixed the flaky test.", row.getString("last_answer"));
        assertEquals(1200L, row.getLong("input_tokens"));
        assertNotNull(row.getValue("archived_at"));
        Session archived = mapper.readValue(row.getString("record"), Session.class);
        assertEquals("agent-session-1", archived.agentSessionId());
        assertEquals("state/" + session.id() + "/run-1.tar.gz", archived.stateKey());
        assertEquals(List.of("work"), texts(session.id()));
        assertEquals(1L, one("SELECT count(*) AS n FROM session_artifacts WHERE session_id = $1", session.id()).getLong("n"));
        assertEquals("SUCCEEDED", one("SELECT status FROM session_turns WHERE session_id = $1 AND turn = 1", session.id())
                .getString("status"));

        fixtures().publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":"
                + "\"message\",\"user\":\"U0ANA\",\"text\":\"and the docs too\",\"ts\":\"" + thread() + "\",\"thread_ts\":\""
                + thread + "\",\"channel\":\"C0123\"}}");
        Session back = fixtures().awaitSession(key, s -> s.turn() == 2);
        assertEquals(session.id(), back.id());
        assertEquals(2, back.run(), "the next turn is a new run, restoring the saved state");
        assertEquals("agent-session-1", back.agentSessionId());
        assertEquals("state/" + session.id() + "/run-1.tar.gz", back.stateKey());
        assertEquals(List.of("work", "and the docs too"), back.messages().stream().map(m -> m.text()).toList());
        await().atMost(Duration.ofSeconds(10)).until(() -> texts(session.id()).size() == 2);
        assertEquals(1L, one("SELECT count(*) AS n FROM session_search WHERE session_id = $1 AND words @@ plainto_tsquery('simple', 'DOCS')",
                session.id()).getLong("n"), "a message's words are searchable once projected");
        await().atMost(Duration.ofSeconds(10)).until(() -> one("SELECT archived_at FROM sessions WHERE id = $1", session.id())
                .getValue("archived_at") == null);
    }

    @Test
    void theDashboardDeletingAnArchivedSessionBringsItBackToDeleteItAndItsHistoryGoes() throws Exception {
        String thread = thread();
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = fixtures().mention("C0123", thread);
        fixtures().publishOutcome(new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                null, null, null), null);
        fixtures().awaitSession(key, s -> s.repliedTurn() == 1);
        fixtures().publishEnd(new RunEnd(RunEnd.VERSION, session.id(), 1, 1, null));
        await().atMost(Duration.ofSeconds(20)).until(() -> store.get(session.id()).isEmpty());

        ControlCommand delete = new ControlCommand(ControlCommand.VERSION, session.id(), ControlCommand.DELETE, null, "ana@example.com",
                Instant.now(), UUID.randomUUID().toString(), null);
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            nats.jetStream().publish("control.buck." + session.id() + ".delete", mapper.writeValueAsBytes(delete),
                    PublishOptions.builder().messageId(delete.dedupId()).build());
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> one("SELECT deleted_at FROM sessions WHERE id = $1", session.id())
                .getValue("deleted_at") != null);
        assertTrue(store.idFor(key).isEmpty(), "the conversation's index entry went with it");
        assertTrue(store.get(session.id()).isEmpty());
        assertTrue(texts(session.id()).isEmpty(), "its messages are gone from the history");
        assertTrue(writer.archived(session.id()).isEmpty(), "nothing can bring it back");
    }

    @Test
    void aReplayedOrOlderChangeChangesNothingAndADeletionIsFinal() throws Exception {
        String thread = thread();
        Session session = fixtures().mention("C0123", thread);
        long revision = store.get(session.id()).orElseThrow().revision();
        await().atMost(Duration.ofSeconds(10)).until(() -> revisionOf(session.id()) >= revision);

        Session older = session.withWaiting(Session.WAITING_FOR_RATE);
        writer.apply(SessionChange.between(null, older, 1));
        writer.apply(SessionChange.between(null, older, 1));
        Row row = one("SELECT waiting_for, revision FROM sessions WHERE id = $1", session.id());
        assertNull(row.getString("waiting_for"), "an older revision does not overwrite a newer one");
        assertEquals(1, texts(session.id()).size(), "the same message applied three times is one row");

        writer.apply(SessionChange.deletion(session, Long.MAX_VALUE));
        writer.apply(SessionChange.whole(session.withWaiting(Session.WAITING_FOR_RATE), revision + 1000));
        Row deleted = one("SELECT waiting_for, deleted_at FROM sessions WHERE id = $1", session.id());
        assertNotNull(deleted.getValue("deleted_at"));
        assertNull(deleted.getString("waiting_for"), "nothing brings a deleted session back");
        assertTrue(texts(session.id()).isEmpty(), "a deleted session's messages are gone");
        assertTrue(writer.archived(session.id()).isEmpty());
    }

    @Test
    void textWithANulCharacterIsStoredAsAReplacementCharacter() throws Exception {
        Session session = fixtures().mention("C0123", thread());
        Session withNul = session.withMessage(new SessionMessage("U0ANA", "bad\0text", List.of(), java.time.Instant.now()), "nul");
        writer.apply(SessionChange.whole(withNul, Long.MAX_VALUE - 1));
        assertTrue(texts(session.id()).contains("bad\uFFFDtext"), texts(session.id()).toString());
    }

    private long revisionOf(String id) {
        var rows = HistoryDatabase.await(database.pool().preparedQuery("SELECT revision FROM sessions WHERE id = $1").execute(Tuple.of(id)));
        return rows.size() == 0 ? -1 : rows.iterator().next().getLong("revision");
    }

    @Test
    void theSpendLedgerReachesTheHistoryOnceAndAnOperatorsCorrectionTakesAChargeBack() throws Exception {
        String team = "spend-" + UUID.randomUUID().toString().substring(0, 8);
        String session = UUID.randomUUID().toString();
        Instant at = Instant.now();
        ledger.charge(SpendLedger.Charge.turn(team, session, 1, 1, 0.25, 1500, at));
        ledger.charge(SpendLedger.Charge.turn(team, session, 1, 1, 0.25, 1500, at)); // a redelivered outcome
        ledger.charge(SpendLedger.Charge.model(team, session, 1, 0.05, 400, at));

        await().atMost(Duration.ofSeconds(10)).until(() -> usage(team) != null && usage(team).getLong("model_calls") == 1);
        Row day = usage(team);
        assertEquals(0.30, day.getDouble("cost_usd"), 1e-9);
        assertEquals(1900L, day.getLong("tokens"));
        assertEquals(400L, day.getLong("model_tokens"));
        assertEquals(1L, day.getLong("turns"));
        String modelKey = one("SELECT charge_key FROM spend_ledger WHERE team = $1 AND kind = 'model'", team).getString("charge_key");
        String turnKey = one("SELECT charge_key FROM spend_ledger WHERE team = $1 AND kind = 'turn'", team).getString("charge_key");

        // the same entries delivered again (a redelivery, a replayed dead letter) count nothing twice
        spend.apply(entry(turnKey), entrySequence(turnKey));
        spend.apply(entry(modelKey), entrySequence(modelKey));
        assertEquals(0.30, usage(team).getDouble("cost_usd"), 1e-9);

        // an operator takes the model call's charge back: it leaves the day's totals and stays a tombstone
        io.nats.client.Message written = entry(modelKey);
        long writtenAt = entrySequence(modelKey);
        nats.connection().keyValue(nats.config().buckets().spend().name()).delete(modelKey);
        await().atMost(Duration.ofSeconds(10)).until(() -> usage(team).getLong("model_calls") == 0);
        assertEquals(0.25, usage(team).getDouble("cost_usd"), 1e-9);
        assertEquals(0L, usage(team).getLong("model_tokens"));
        assertTrue(one("SELECT deleted FROM spend_ledger WHERE charge_key = $1", modelKey).getBoolean("deleted"));

        // and its write, delivered late, does not bring it back
        spend.apply(written, writtenAt);
        assertEquals(0.25, usage(team).getDouble("cost_usd"), 1e-9);
        assertEquals(0L, usage(team).getLong("model_calls"));
    }

    @Test
    void anEntryThatIsNotAChargeIsRefusedForTheDeadLettersAndCountsNothing() {
        String prefix = "$KV." + nats.config().buckets().spend().name() + ".";
        for (String body : List.of("not json", "{}", "{\"v\":1,\"sessionId\":\"s\",\"kind\":\"refund\",\"costUsd\":-5,"
                + "\"at\":\"2026-12-01T00:00:00Z\"}", "[1,2]")) {
            io.nats.client.Message entry = io.nats.client.impl.NatsMessage.builder().subject(prefix + "202612.x.s.bad")
                    .data(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
            assertThrows(dev.agentservices.worker.consume.UnprocessableMessageException.class, () -> spend.apply(entry, 1), body);
        }
        io.nats.client.Message elsewhere = io.nats.client.impl.NatsMessage.builder().subject("$KV.sessions.s1")
                .data("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).build();
        assertThrows(dev.agentservices.worker.consume.UnprocessableMessageException.class, () -> spend.apply(elsewhere, 1));
        assertEquals(0L, HistoryDatabase.await(database.pool().preparedQuery(
                "SELECT count(*) AS n FROM spend_ledger WHERE charge_key = '202612.x.s.bad'").execute()).iterator().next().getLong("n"));
    }

    /** Today's row of {@code usage_per_day} for the team, or null. */
    private Row usage(String team) {
        var rows = HistoryDatabase.await(database.pool().preparedQuery(
                "SELECT * FROM usage_per_day WHERE team = $1 AND day = (now() AT TIME ZONE 'UTC')::date").execute(Tuple.of(team)));
        return rows.size() == 0 ? null : rows.iterator().next();
    }

    /** The spend bucket's entry of {@code key} as its stream holds it, as the consumer would deliver it. */
    private io.nats.client.Message entry(String key) throws Exception {
        var info = nats.connection().jetStreamManagement().getLastMessage(spend.stream(), subject(key));
        return io.nats.client.impl.NatsMessage.builder().subject(info.getSubject()).headers(info.getHeaders())
                .data(info.getData()).build();
    }

    private long entrySequence(String key) throws Exception {
        return nats.connection().jetStreamManagement().getLastMessage(spend.stream(), subject(key)).getSeq();
    }

    private String subject(String key) {
        return "$KV." + nats.config().buckets().spend().name() + "." + key;
    }

    private List<String> texts(String id) {
        var rows = HistoryDatabase.await(database.pool().preparedQuery("SELECT text FROM session_messages WHERE session_id = $1 ORDER BY at")
                .execute(Tuple.of(id)));
        List<String> texts = new ArrayList<>();
        rows.forEach(row -> texts.add(row.getString("text")));
        return texts;
    }

    private Row one(String sql, String id) {
        var rows = HistoryDatabase.await(database.pool().preparedQuery(sql).execute(Tuple.of(id)));
        assertEquals(1, rows.size(), sql);
        return rows.iterator().next();
    }

    private WorkerFixtures fixtures() {
        return new WorkerFixtures(mapper, store);
    }

    private static String thread() {
        return "17123" + String.format("%05d", (int) (Math.random() * 100_000)) + "." + String.format("%06d",
                (int) (Math.random() * 1_000_000));
    }
}
