package dev.agentservices.dashboard.metrics;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The dashboard's numbers over a time range: sessions created in {@code [from, to)} by status, agent,
 * source and team, and their usage (tokens, cost, pod time) in all, per team and per agent; the success
 * rate of the runs that ended in the range and their duration percentiles (start to finish); time buckets
 * for the charts. Computed from the in-memory view, never from KV.
 */
public final class SessionMetrics {

    /** How teamless sessions are named in the per-team figures. */
    public static final String NO_TEAM = "";

    private SessionMetrics() {
    }

    /**
     * One bucket of the charts: sessions created in it (and their status now), and runs that ended in it.
     */
    public record Bucket(Instant start, long created, long succeeded, long failed, Map<String, Long> byStatus) {

        public Bucket(Instant start, long created, long succeeded, long failed) {
            this(start, created, succeeded, failed, Map.of());
        }
    }

    /** What sessions consumed: the runners' usage summed, and the sessions' pod time. */
    public record Spend(Usage usage, long podMillis) {

        public static final Spend NONE = new Spend(Usage.NONE, 0);

        public Spend plus(Usage more, long morePodMillis) {
            return new Spend(usage.plus(more), podMillis + morePodMillis);
        }
    }

    /** Run durations in seconds at the 50th, 90th, 95th and 99th percentile (nearest rank); 0 without runs. */
    public record Durations(double p50, double p90, double p95, double p99) {
    }

    public record Report(long total, Map<String, Long> byStatus, Map<String, Long> byAgent, Map<String, Long> bySource,
            Map<String, Long> byTeam, double successRate, Durations durations, List<Bucket> buckets, Spend spend,
            Map<String, Spend> spendByTeam, Map<String, Spend> spendByAgent) {

        public double durationP50Seconds() {
            return durations.p50();
        }

        public double durationP95Seconds() {
            return durations.p95();
        }

        public Usage usage() {
            return spend.usage();
        }
    }

    public static Report compute(Collection<Session> sessions, Instant from, Instant to, Duration bucket, Set<String> teams) {
        return compute(sessions, from, to, bucket, teams, to);
    }

    /** As above, with the pod time of live runs counted up to {@code now}. */
    public static Report compute(Collection<Session> sessions, Instant from, Instant to, Duration bucket, Set<String> teams,
            Instant now) {
        Tally tally = new Tally(from, to, bucket);
        List<Long> durations = new ArrayList<>();
        for (Session session : sessions) {
            if (!teams.isEmpty() && (session.team() == null || !teams.contains(session.team()))) {
                continue;
            }
            if (in(session.createdAt(), from, to)) {
                tally.created(session.createdAt(), session.status().name(), session.agent(), session.source().token(), session.team(),
                        1, session.usage() == null ? Usage.NONE : session.usage(), session.podMillis(now));
            }
            boolean ended = session.status() == SessionStatus.SUCCEEDED || session.status() == SessionStatus.FAILED;
            if (ended && session.finishedAt() != null && in(session.finishedAt(), from, to)) {
                tally.ended(session.finishedAt(), session.status() == SessionStatus.SUCCEEDED, 1);
                Instant started = session.startedAt() != null ? session.startedAt() : session.createdAt();
                durations.add(Duration.between(started, session.finishedAt()).toMillis());
            }
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return tally.report(new Durations(percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 95),
                percentile(sorted, 99)));
    }

    /**
     * The report's counts and sums, added up from sessions or from groups of them (the history's aggregates): sessions
     * created in the range by bucket, status, agent, source and team with their usage; runs that ended in it by bucket.
     */
    public static final class Tally {
        private final Instant from;
        private final Duration bucket;
        private final int bucketCount;
        private final long[] created;
        private final long[] succeeded;
        private final long[] failed;
        private final List<Map<String, Long>> statusByBucket;
        private final Map<String, Long> byStatus = new TreeMap<>();
        private final Map<String, Long> byAgent = new TreeMap<>();
        private final Map<String, Long> bySource = new TreeMap<>();
        private final Map<String, Long> byTeam = new TreeMap<>();
        private final Map<String, Spend> spendByTeam = new TreeMap<>();
        private final Map<String, Spend> spendByAgent = new TreeMap<>();
        private Spend spend = Spend.NONE;
        private long total;
        private long ok;
        private long notOk;

        /** Refuses an empty range or bucket ({@link IllegalArgumentException}). */
        public Tally(Instant from, Instant to, Duration bucket) {
            this.from = from;
            this.bucket = bucket;
            this.bucketCount = bucketCount(from, to, bucket);
            this.created = new long[bucketCount];
            this.succeeded = new long[bucketCount];
            this.failed = new long[bucketCount];
            this.statusByBucket = new ArrayList<>(bucketCount);
            for (int i = 0; i < bucketCount; i++) {
                statusByBucket.add(new TreeMap<>());
            }
        }

        /** {@code count} sessions created at {@code time} (in the range), with their usage and pod time summed. */
        public void created(Instant time, String status, String agent, String source, String team, long count, Usage usage,
                long podMillis) {
            String teamName = team == null ? NO_TEAM : team;
            int index = index(time);
            total += count;
            created[index] += count;
            statusByBucket.get(index).merge(status, count, Long::sum);
            byStatus.merge(status, count, Long::sum);
            byAgent.merge(agent, count, Long::sum);
            bySource.merge(source, count, Long::sum);
            byTeam.merge(teamName, count, Long::sum);
            spend = spend.plus(usage, podMillis);
            spendByTeam.merge(teamName, Spend.NONE.plus(usage, podMillis), (a, b) -> a.plus(b.usage(), b.podMillis()));
            spendByAgent.merge(agent, Spend.NONE.plus(usage, podMillis), (a, b) -> a.plus(b.usage(), b.podMillis()));
        }

        /** {@code count} runs that ended at {@code time} (in the range), succeeded or failed. */
        public void ended(Instant time, boolean success, long count) {
            int index = index(time);
            if (success) {
                ok += count;
                succeeded[index] += count;
            } else {
                notOk += count;
                failed[index] += count;
            }
        }

        public Report report(Durations durations) {
            List<Bucket> buckets = new ArrayList<>(bucketCount);
            for (int i = 0; i < bucketCount; i++) {
                buckets.add(new Bucket(from.plus(bucket.multipliedBy(i)), created[i], succeeded[i], failed[i],
                        Map.copyOf(statusByBucket.get(i))));
            }
            return new Report(total, byStatus, byAgent, bySource, byTeam, ok + notOk == 0 ? 0 : (double) ok / (ok + notOk), durations,
                    buckets, spend, spendByTeam, spendByAgent);
        }

        private int index(Instant time) {
            return (int) Math.max(0, Math.min(bucketCount - 1, Duration.between(from, time).toMillis() / bucket.toMillis()));
        }
    }

    /** How many buckets the charts of {@code [from, to)} have (at most 10,000); refuses an empty range or bucket. */
    public static int bucketCount(Instant from, Instant to, Duration bucket) {
        if (!to.isAfter(from) || bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("the range must end after it starts, with buckets longer than zero");
        }
        return (int) Math.min(10_000, (Duration.between(from, to).toMillis() + bucket.toMillis() - 1) / bucket.toMillis());
    }

    private static boolean in(Instant time, Instant from, Instant to) {
        return !time.isBefore(from) && time.isBefore(to);
    }

    /** Nearest-rank percentile in seconds; 0 without samples. */
    private static double percentile(long[] sortedMillis, double p) {
        if (sortedMillis.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMillis.length) - 1;
        return sortedMillis[Math.max(0, rank)] / 1000.0;
    }
}
