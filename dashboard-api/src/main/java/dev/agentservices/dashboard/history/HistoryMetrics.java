package dev.agentservices.dashboard.history;

import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.Usage;
import dev.agentservices.dashboard.metrics.SessionMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The dashboard's numbers ({@link SessionMetrics.Report}, the same as the in-memory computation) as aggregates of the
 * history in PostgreSQL: three queries, run at once, each an index-only scan of its range (sessions created in it, runs
 * that ended in it) grouped in the database, so a range of any size costs what its groups cost, not its sessions.
 */
@Singleton
public class HistoryMetrics {

    /** Sums in float8: PostgreSQL sums bigints as numeric, several times slower, for totals that fit a double. */
    private static final String CREATED = """
            SELECT date_bin($%1$d, created_at, $%2$d) AS bucket, status, agent, source, team, count(*) AS n,
                sum(input_tokens::float8) AS input, sum(output_tokens::float8) AS output,
                sum(cache_creation_tokens::float8) AS cache_creation, sum(cache_read_tokens::float8) AS cache_read,
                sum(cost_usd) AS cost, sum(pod_millis::float8) AS pod_millis
            FROM sessions s WHERE %3$s AND created_at >= $%2$d AND created_at < $%4$d
            GROUP BY 1, 2, 3, 4, 5""";

    private static final String ENDED = """
            SELECT date_bin($%1$d, finished_at, $%2$d) AS bucket, status, count(*) AS n
            FROM sessions s WHERE %3$s AND status IN ('SUCCEEDED', 'FAILED') AND finished_at >= $%2$d AND finished_at < $%4$d
            GROUP BY 1, 2""";

    private static final String DURATIONS = """
            SELECT percentile_disc(ARRAY[0.5, 0.9, 0.95, 0.99]) WITHIN GROUP (ORDER BY
                (extract(epoch FROM finished_at - coalesce(started_at, created_at)) * 1000)::bigint) AS millis
            FROM sessions s WHERE %1$s AND status IN ('SUCCEEDED', 'FAILED') AND finished_at >= $%2$d AND finished_at < $%3$d""";

    /** What each team spent this month: a month's days of {@code usage_per_day}, kept by the worker from the ledger. */
    private static final String SPENT = """
            SELECT team, sum(cost_usd) AS cost FROM usage_per_day WHERE team = ANY($1) AND day >= $2 GROUP BY team""";

    private final HistoryDatabase database;

    public HistoryMetrics(HistoryDatabase database) {
        this.database = database;
    }

    /**
     * What each of {@code teams} spent in the month of {@code now} (UTC), as the history's copy of the spend ledger holds
     * it (a team that spent nothing is absent); blocks on the database.
     */
    public java.util.Map<String, Double> spentThisMonth(java.util.Collection<String> teams, Instant now) {
        java.time.LocalDate first = now.atZone(java.time.ZoneOffset.UTC).toLocalDate().withDayOfMonth(1);
        java.util.Map<String, Double> spent = new java.util.HashMap<>();
        for (Row row : HistoryDatabase.await(database.pool().preparedQuery(SPENT)
                .execute(Tuple.of(teams.toArray(String[]::new), first)))) {
            spent.put(row.getString("team"), row.getDouble("cost"));
        }
        return spent;
    }

    /** The report over {@code [from, to)} of the sessions {@code visible} names; blocks on the database. */
    public SessionMetrics.Report compute(SessionQuery visible, Instant from, Instant to, Duration bucket) {
        SessionMetrics.bucketCount(from, to, bucket); // refuses an empty range before asking the database
        SessionRecords.Filter filter = SessionRecords.Filter.of(visible);
        List<Object> parameters = new ArrayList<>(filter.parameters());
        int n = parameters.size();
        parameters.addAll(List.of(io.vertx.pgclient.data.Interval.of(bucket), SessionRecords.time(from), SessionRecords.time(to)));
        Tuple grouped = Tuple.wrap(new ArrayList<>(parameters));
        Tuple ranged = Tuple.wrap(new ArrayList<>(filter.parameters()));
        ranged.addValue(SessionRecords.time(from)).addValue(SessionRecords.time(to));
        Future<RowSet<Row>> created = database.pool().preparedQuery(CREATED.formatted(n + 1, n + 2, filter.where(), n + 3))
                .execute(grouped);
        Future<RowSet<Row>> ended = database.pool().preparedQuery(ENDED.formatted(n + 1, n + 2, filter.where(), n + 3))
                .execute(grouped);
        Future<RowSet<Row>> durations = database.pool().preparedQuery(DURATIONS.formatted(filter.where(), n + 1, n + 2)).execute(ranged);
        HistoryDatabase.await(Future.all(created, ended, durations));

        SessionMetrics.Tally tally = new SessionMetrics.Tally(from, to, bucket);
        for (Row row : created.result()) {
            Usage usage = new Usage(Math.round(row.getDouble("input")), Math.round(row.getDouble("output")),
                    Math.round(row.getDouble("cache_creation")), Math.round(row.getDouble("cache_read")), row.getDouble("cost"), 0);
            tally.created(row.getOffsetDateTime("bucket").toInstant(), row.getString("status"), row.getString("agent"),
                    row.getString("source"), row.getString("team"), row.getLong("n"), usage, Math.round(row.getDouble("pod_millis")));
        }
        for (Row row : ended.result()) {
            tally.ended(row.getOffsetDateTime("bucket").toInstant(), "SUCCEEDED".equals(row.getString("status")), row.getLong("n"));
        }
        Long[] millis = durations.result().iterator().next().getArrayOfLongs("millis");
        return tally.report(millis == null ? new SessionMetrics.Durations(0, 0, 0, 0)
                : new SessionMetrics.Durations(millis[0] / 1000.0, millis[1] / 1000.0, millis[2] / 1000.0, millis[3] / 1000.0));
    }
}
