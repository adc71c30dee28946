package dev.agentservices.dashboard.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.session.Usage;
import io.smallrye.mutiny.Uni;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The sessions the dashboard shows. With a history ({@code PGHOST}), lists, search and metrics read PostgreSQL, and a
 * session that left the live bucket is read from its archived record; live sessions come from the live view (the
 * {@code sessions} bucket, which holds only live sessions then). Without a history, everything comes from the live view.
 * Team visibility is part of every query: a member's list never reads another team's rows.
 */
@Singleton
public class SessionRecords {

    /** A count stops here: past it, the total says "at least". */
    public static final int COUNT_LIMIT = 10_000;

    private static final String COLUMNS = "id, agent, team, source, session_key, title, status, waiting_for, pod_name, runs, turns,"
            + " created_at, started_at, finished_at, error, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens,"
            + " cost_usd, pod_millis, last_answer";

    private final SessionView view;
    private final HistoryDatabase database;
    private final ObjectMapper mapper;

    public SessionRecords(SessionView view, HistoryDatabase database, ObjectMapper mapper) {
        this.view = view;
        this.database = database;
        this.mapper = mapper;
    }

    public boolean fromHistory() {
        return database.enabled();
    }

    /** The session: live, else as the history holds it (its archived record, or its summary); empty when unknown. */
    public Uni<Optional<Session>> find(String id) {
        Optional<Session> live = view.get(id).map(SessionView.Versioned::session);
        if (live.isPresent() || !database.enabled()) {
            return Uni.createFrom().item(live);
        }
        return Uni.createFrom().completionStage(() -> database.pool()
                .preparedQuery("SELECT " + COLUMNS + ", record FROM sessions WHERE id = $1 AND deleted_at IS NULL")
                .execute(Tuple.of(id)).toCompletionStage())
                .onFailure().transform(HistoryDatabase.HistoryUnavailableException::new)
                .map(rows -> {
                    if (rows.size() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    String record = row.getString("record");
                    if (record != null) {
                        try {
                            return Optional.of(mapper.readValue(record, Session.class));
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException("the archived record of session " + id + " cannot be read", e);
                        }
                    }
                    return Optional.of(session(row));
                });
    }

    /**
     * A page of sessions matching {@code query}, newest first; blocks on the database (call from a worker thread). The
     * matches are counted first (up to {@link #COUNT_LIMIT}); a text search with fewer matches than that sorts just
     * those (a rare word: found in the index), else the page is read along the newest-first index (a common word, or
     * no text: the first page comes after a few rows), whatever the planner would guess from its statistics.
     */
    public SessionView.Page list(SessionQuery query, int pageSize, String pageToken) {
        if (!database.enabled()) {
            return view.list(query, pageSize, pageToken);
        }
        Cursor after = pageToken == null || pageToken.isEmpty() ? null : Cursor.parse(pageToken);
        Filter filter = Filter.of(query);
        RowSet<Row> count = HistoryDatabase.await(database.pool().preparedQuery("SELECT count(*) AS n FROM (SELECT 1 FROM sessions s WHERE "
                + filter.where() + " LIMIT " + COUNT_LIMIT + ") matching").execute(Tuple.wrap(new ArrayList<>(filter.parameters()))));
        int total = count.iterator().next().getLong("n").intValue();
        List<Object> parameters = new ArrayList<>(filter.parameters());
        String where = filter.where();
        if (after != null) {
            parameters.add(time(after.createdAt()));
            parameters.add(after.id());
            where += " AND (created_at, id) < ($" + (parameters.size() - 1) + ", $" + parameters.size() + ")";
        }
        parameters.add(pageSize + 1);
        String order = " ORDER BY created_at DESC, id DESC LIMIT $" + parameters.size();
        String sql = query.text() != null && total < COUNT_LIMIT
                ? "WITH matching AS MATERIALIZED (SELECT " + COLUMNS + " FROM sessions s WHERE " + where + ") SELECT * FROM matching" + order
                : "SELECT " + COLUMNS + " FROM sessions s WHERE " + where + order;
        RowSet<Row> rows = HistoryDatabase.await(database.pool().preparedQuery(sql).execute(Tuple.wrap(parameters)));
        List<Session> page = new ArrayList<>();
        for (Row row : rows) {
            if (page.size() < pageSize) {
                page.add(session(row));
            }
        }
        boolean more = rows.size() > pageSize;
        return new SessionView.Page(page, more ? Cursor.of(page.get(page.size() - 1)).token() : "", total);
    }

    /** The live sessions of {@code query} (the live view), e.g. those waiting now. */
    public List<Session> live(SessionQuery query) {
        return view.matching(query);
    }

    /** A summary row as a session record (no messages, turns or conversation). */
    static Session session(Row row) {
        SessionKey key = SessionKey.parse(row.getString("session_key"));
        SessionStatus status = SessionStatus.valueOf(row.getString("status"));
        Usage usage = new Usage(row.getLong("input_tokens"), row.getLong("output_tokens"), row.getLong("cache_creation_tokens"),
                row.getLong("cache_read_tokens"), row.getDouble("cost_usd"), 0);
        return new Session(Session.VERSION, row.getString("id"), row.getString("agent"),
                SessionSource.valueOf(row.getString("source").toUpperCase(Locale.ROOT)), key, row.getString("team"),
                row.getString("title"), null, status, row.getString("pod_name"), row.getInteger("runs"), row.getInteger("turns"),
                status.finished(), List.of(), List.of(), null, null, row.getString("last_answer"), List.of(), null, null, null,
                usage, List.of(), instant(row, "created_at"), instant(row, "started_at"), instant(row, "finished_at"),
                row.getString("error"), 0, 0, List.of(), null, row.getLong("pod_millis"), row.getString("waiting_for"), null, null,
                null);
    }

    private static Instant instant(Row row, String column) {
        OffsetDateTime time = row.getOffsetDateTime(column);
        return time == null ? null : time.toInstant();
    }

    static OffsetDateTime time(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }

    /** The WHERE clause of a query and its parameters ($1…): only the filters it sets, so each plan can use its index. */
    public record Filter(String where, List<Object> parameters) {
        public static Filter of(SessionQuery query) {
            List<Object> parameters = new ArrayList<>();
            StringBuilder where = new StringBuilder("deleted_at IS NULL");
            in(where, parameters, "agent", query.agents());
            in(where, parameters, "source", query.sources().stream().map(source -> source.name().toLowerCase(Locale.ROOT)).toList());
            in(where, parameters, "status", query.statuses().stream().map(Enum::name).toList());
            // a member's query always names their teams: a row of no team or another team never matches
            in(where, parameters, "team", query.teams());
            if (query.createdAfter() != null) {
                parameters.add(time(query.createdAfter()));
                where.append(" AND created_at >= $").append(parameters.size());
            }
            if (query.createdBefore() != null) {
                parameters.add(time(query.createdBefore()));
                where.append(" AND created_at < $").append(parameters.size());
            }
            if (query.text() != null) {
                parameters.add(clean(query.text()));
                int n = parameters.size();
                // the words of titles, keys and messages (the worker's projector keeps them)
                where.append(" AND EXISTS (SELECT 1 FROM session_search w WHERE w.session_id = s.id AND w.words @@ plainto_tsquery('simple', $")
                        .append(n).append("))");
            }
            return new Filter(where.toString(), List.copyOf(parameters));
        }

        /** PostgreSQL text cannot hold NUL, which a request may: it matches nothing stored, so it becomes U+FFFD. */
        private static String clean(String value) {
            return value.indexOf('\0') < 0 ? value : value.replace('\0', '\uFFFD');
        }

        /**
         * {@code column} is one of {@code values} (none: any). One value is an equality, so that an index on the column
         * and the creation time gives the newest first (a team's list reads its own index, however few rows it has).
         */
        private static void in(StringBuilder where, List<Object> parameters, String column, java.util.Collection<String> values) {
            if (values.size() == 1) {
                parameters.add(clean(values.iterator().next()));
                where.append(" AND ").append(column).append(" = $").append(parameters.size());
            } else if (!values.isEmpty()) {
                parameters.add(values.stream().map(Filter::clean).toArray(String[]::new));
                where.append(" AND ").append(column).append(" = ANY($").append(parameters.size()).append(')');
            }
        }
    }

    /** Where a page ended: the last session's creation time and id, so new sessions do not shift later pages. */
    record Cursor(Instant createdAt, String id) {
        static Cursor of(Session last) {
            return new Cursor(last.createdAt(), last.id());
        }

        String token() {
            String cursor = "h:" + createdAt.getEpochSecond() + ":" + createdAt.getNano() + ":" + id;
            return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor parse(String token) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8).split(":", 4);
                if (parts.length != 4 || !parts[0].equals("h") || parts[3].isEmpty()) {
                    throw new SessionView.InvalidPageTokenException();
                }
                return new Cursor(Instant.ofEpochSecond(Long.parseLong(parts[1]), Long.parseLong(parts[2])), parts[3]);
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new SessionView.InvalidPageTokenException();
            }
        }
    }
}
