package dev.agentservices.worker.history;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionArchive;
import dev.agentservices.common.session.SessionChange;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.Turn;
import dev.agentservices.common.session.Usage;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * Writes the history: each {@link SessionChange} into its rows (the projector), and a whole record as it leaves the
 * live bucket (the archiver). Idempotent: a summary is kept only when its revision is newer than the one stored,
 * messages and artifacts are added once (keyed by their content), turns change only to a newer revision, and nothing
 * brings back a session deleted by a user. Also the {@link SessionArchive} that brings archived sessions back.
 * Blocks on the database: call it from worker threads.
 */
@Singleton
public class HistoryWriter implements SessionArchive {

    /**
     * The summary, kept only when newer; a session seen for the first time also gets its row of words (title and key).
     * ({@code xmax = 0}: the row was inserted, not updated.)
     */
    private static final String UPSERT_SESSION = """
            WITH upserted AS (
            INSERT INTO sessions (id, revision, agent, team, source, session_key, title, status, waiting_for, pod_name, runs,
                turns, created_at, started_at, finished_at, error, input_tokens, output_tokens, cache_creation_tokens,
                cache_read_tokens, cost_usd, pod_millis, last_answer)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
            ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, team = excluded.team, title = excluded.title,
                status = excluded.status, waiting_for = excluded.waiting_for, pod_name = excluded.pod_name, runs = excluded.runs,
                turns = excluded.turns, started_at = excluded.started_at, finished_at = excluded.finished_at,
                error = excluded.error, input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens,
                cache_creation_tokens = excluded.cache_creation_tokens, cache_read_tokens = excluded.cache_read_tokens,
                cost_usd = excluded.cost_usd, pod_millis = excluded.pod_millis,
                last_answer = coalesce(excluded.last_answer, sessions.last_answer), archived_at = NULL
            WHERE sessions.revision < excluded.revision AND sessions.deleted_at IS NULL
            RETURNING id, title, session_key, xmax = 0 AS inserted)
            INSERT INTO session_search (session_id, words)
            SELECT id, strip(to_tsvector('simple', coalesce(title, '') || ' ' || session_key)) FROM upserted WHERE inserted
            ON CONFLICT DO NOTHING""";

    private static final String DELETE_SESSION = """
            INSERT INTO sessions (id, revision, agent, team, source, session_key, title, status, created_at, deleted_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
            ON CONFLICT (id) DO UPDATE SET revision = excluded.revision, deleted_at = now(), record = NULL, last_answer = NULL,
                archived_at = NULL""";

    /**
     * The new messages of one change in one statement: the rows that were not there yet, and their words (the first
     * {@link #SEARCHED_CHARACTERS} of each, without positions) added to the session's words, until they hold
     * {@link #SEARCHED_WORDS} words (PostgreSQL caps a vector at 1 MB).
     */
    private static final String INSERT_MESSAGES = """
            WITH added AS (
                INSERT INTO session_messages (session_id, message_id, at, author, role, text)
                SELECT $1, m.id, m.at, m.author, m.role, m.text
                FROM unnest($2::text[], $3::timestamptz[], $4::text[], $5::text[], $6::text[]) AS m (id, at, author, role, text)
                WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND deleted_at IS NULL)
                ON CONFLICT DO NOTHING
                RETURNING text)
            UPDATE session_search SET words = words
                || (SELECT strip(to_tsvector('simple', string_agg(left(text, %d), ' '))) FROM added)
            WHERE session_id = $1 AND EXISTS (SELECT 1 FROM added) AND length(words) < %d""".formatted(
            HistoryWriter.SEARCHED_CHARACTERS, HistoryWriter.SEARCHED_WORDS);

    static final int SEARCHED_CHARACTERS = 4_000;
    static final int SEARCHED_WORDS = 50_000;

    private static final String UPSERT_TURN = """
            INSERT INTO session_turns (session_id, turn, revision, run, status, started_at, finished_at, input_tokens,
                output_tokens, cost_usd)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10 WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND deleted_at IS NULL)
            ON CONFLICT (session_id, turn) DO UPDATE SET revision = excluded.revision, run = excluded.run,
                status = excluded.status, started_at = excluded.started_at, finished_at = excluded.finished_at,
                input_tokens = excluded.input_tokens, output_tokens = excluded.output_tokens, cost_usd = excluded.cost_usd
            WHERE session_turns.revision < excluded.revision""";

    private static final String INSERT_ARTIFACT = """
            INSERT INTO session_artifacts (session_id, kind, url, title)
            SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM sessions WHERE id = $1 AND deleted_at IS NULL)
            ON CONFLICT DO NOTHING""";

    /** Only a record at least as new as the history's summary (the worker skips changes that alter nothing kept here). */
    private static final String ARCHIVE = """
            UPDATE sessions SET record = $3, archived_at = now(), revision = $2
            WHERE id = $1 AND revision <= $2 AND deleted_at IS NULL""";

    /** The archive is the history's guarantee (the live record goes after it): its commit waits for the disk. */
    private static final String DURABLE = "SET LOCAL synchronous_commit TO on";

    private final HistoryDatabase database;
    private final ObjectMapper mapper;

    public HistoryWriter(HistoryDatabase database, ObjectMapper mapper) {
        this.database = database;
        this.mapper = mapper;
    }

    /**
     * Projects one change event: most are a summary alone, one statement; a change with messages, turns or artifacts is
     * one transaction. The pool's connections commit without waiting for the disk ({@code synchronous_commit} off): a
     * change lost in a database crash is written again, whole, when its session is archived.
     */
    public void apply(SessionChange change) {
        if (change.deleted() || !change.messages().isEmpty() || !change.turns().isEmpty() || !change.artifacts().isEmpty()) {
            HistoryDatabase.await(database.pool().withTransaction(connection -> write(connection, change)));
        } else {
            HistoryDatabase.await(database.pool().preparedQuery(UPSERT_SESSION).execute(summary(change)));
        }
    }

    /**
     * Writes the whole record at {@code revision} and keeps it for bringing back, in one transaction. Returns false when
     * the history already holds a newer revision (the record changed since it was read) or the session was deleted.
     */
    public boolean archive(Session session, long revision) {
        String record;
        try {
            record = clean(mapper.writeValueAsString(session));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write session " + session.id() + " as JSON", e);
        }
        SessionChange whole = SessionChange.whole(session, revision);
        return HistoryDatabase.await(database.pool().withTransaction(connection -> connection.query(DURABLE).execute()
                .compose(ignored -> write(connection, whole))
                .compose(ignored -> connection.preparedQuery(ARCHIVE).execute(Tuple.of(session.id(), revision, record)))
                .map(updated -> updated.rowCount() == 1)));
    }

    @Override
    public Optional<Session> archived(String id) {
        if (!database.enabled()) {
            return Optional.empty();
        }
        RowSet<Row> rows = HistoryDatabase.await(database.pool()
                .preparedQuery("SELECT record FROM sessions WHERE id = $1 AND deleted_at IS NULL AND archived_at IS NOT NULL")
                .execute(Tuple.of(id)));
        if (rows.size() == 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.readValue(rows.iterator().next().getString("record"), Session.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the archived record of session " + id + " cannot be read", e);
        }
    }

    private Future<Void> write(SqlConnection connection, SessionChange change) {
        if (change.deleted()) {
            return connection.preparedQuery(DELETE_SESSION).execute(row(change.id(), change.revision(), clean(change.agent()),
                    clean(change.team()), change.source().name().toLowerCase(java.util.Locale.ROOT), clean(change.key()),
                    clean(change.title()), change.status().name(), time(change.createdAt())))
                    .compose(ignored -> connection.preparedQuery("DELETE FROM session_messages WHERE session_id = $1")
                            .execute(Tuple.of(change.id())))
                    .compose(ignored -> connection.preparedQuery("DELETE FROM session_search WHERE session_id = $1")
                            .execute(Tuple.of(change.id())))
                    .compose(ignored -> connection.preparedQuery("DELETE FROM session_turns WHERE session_id = $1")
                            .execute(Tuple.of(change.id())))
                    .compose(ignored -> connection.preparedQuery("DELETE FROM session_artifacts WHERE session_id = $1")
                            .execute(Tuple.of(change.id())))
                    .mapEmpty();
        }
        Future<?> written = connection.preparedQuery(UPSERT_SESSION).execute(summary(change));
        if (!change.messages().isEmpty()) {
            int n = change.messages().size();
            String[] ids = new String[n];
            OffsetDateTime[] times = new OffsetDateTime[n];
            String[] authors = new String[n];
            String[] roles = new String[n];
            String[] texts = new String[n];
            for (int i = 0; i < n; i++) {
                SessionMessage message = change.messages().get(i);
                ids[i] = messageId(message);
                times[i] = time(message.time() == null ? change.createdAt() : message.time());
                authors[i] = clean(message.author());
                roles[i] = clean(message.role());
                texts[i] = clean(message.text() == null ? "" : message.text());
            }
            written = written.compose(ignored -> connection.preparedQuery(INSERT_MESSAGES)
                    .execute(row(change.id(), ids, times, authors, roles, texts)));
        }
        if (!change.turns().isEmpty()) {
            List<Tuple> turns = new ArrayList<>();
            for (Turn turn : change.turns()) {
                Usage turnUsage = turn.usage() == null ? Usage.NONE : turn.usage();
                turns.add(row(change.id(), turn.number(), change.revision(), turn.run(),
                        turn.status() == null ? "PENDING" : turn.status().name(), time(turn.startedAt()), time(turn.finishedAt()),
                        turnUsage.inputTokens(), turnUsage.outputTokens(), turnUsage.costUsd()));
            }
            written = written.compose(ignored -> connection.preparedQuery(UPSERT_TURN).executeBatch(turns));
        }
        if (!change.artifacts().isEmpty()) {
            List<Tuple> artifacts = new ArrayList<>();
            for (Artifact artifact : change.artifacts()) {
                artifacts.add(row(change.id(), clean(artifact.kind() == null ? "" : artifact.kind()),
                        clean(artifact.url() == null ? "" : artifact.url()), clean(artifact.title() == null ? "" : artifact.title())));
            }
            written = written.compose(ignored -> connection.preparedQuery(INSERT_ARTIFACT).executeBatch(artifacts));
        }
        return written.mapEmpty();
    }

    private static Tuple summary(SessionChange change) {
        Usage usage = change.usage();
        return row(change.id(), change.revision(), clean(change.agent()), clean(change.team()),
                change.source().name().toLowerCase(java.util.Locale.ROOT), clean(change.key()), clean(change.title()),
                change.status().name(), clean(change.waitingFor()), clean(change.podName()), change.run(), change.turn(),
                time(change.createdAt()), time(change.startedAt()), time(change.finishedAt()), clean(change.error()),
                usage.inputTokens(), usage.outputTokens(), usage.cacheCreationTokens(), usage.cacheReadTokens(), usage.costUsd(),
                change.podMillis(), clean(change.lastAssistantMessage()));
    }

    /** A row of statement parameters, nulls allowed. */
    static Tuple row(Object... values) {
        return Tuple.wrap(new ArrayList<>(java.util.Arrays.asList(values)));
    }

    /** A message's key: its time, author and text, so the same message projected twice is one row. */
    static String messageId(SessionMessage message) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(String.valueOf(message.time()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(message.author()).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(String.valueOf(message.text()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** PostgreSQL text cannot hold NUL: people's text may (a pasted binary), so it becomes U+FFFD. */
    static String clean(String text) {
        return text == null || text.indexOf('\0') < 0 ? text : text.replace('\0', '\uFFFD');
    }

    static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
