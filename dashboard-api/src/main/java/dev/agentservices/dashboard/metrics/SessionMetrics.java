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

        static final Spend NONE = new Spend(Usage.NONE, 0);

        Spend plus(Usage more, long morePodMillis) {
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
        if (!to.isAfter(from) || bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("the range must end after it starts, with buckets longer than zero");
        }
        int bucketCount = (int) Math.min(10_000, (Duration.between(from, to).toMillis() + bucket.toMillis() - 1) / bucket.toMillis());
        long[] created = new long[bucketCount];
        long[] succeeded = new long[bucketCount];
        long[] failed = new long[bucketCount];
        List<Map<String, Long>> statusByBucket = new ArrayList<>(bucketCount);
        for (int i = 0; i < bucketCount; i++) {
            statusByBucket.add(new TreeMap<>());
        }
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> byAgent = new TreeMap<>();
        Map<String, Long> bySource = new TreeMap<>();
        Map<String, Long> byTeam = new TreeMap<>();
        Map<String, Spend> spendByTeam = new TreeMap<>();
        Map<String, Spend> spendByAgent = new TreeMap<>();
        Spend spend = Spend.NONE;
        List<Long> durations = new ArrayList<>();
        long total = 0;
        long ok = 0;
        long notOk = 0;
        for (Session session : sessions) {
            if (!teams.isEmpty() && (session.team() == null || !teams.contains(session.team()))) {
                continue;
            }
            String team = session.team() == null ? NO_TEAM : session.team();
            if (in(session.createdAt(), from, to)) {
                total++;
                int index = index(session.createdAt(), from, bucket, bucketCount);
                byStatus.merge(session.status().name(), 1L, Long::sum);
                byAgent.merge(session.agent(), 1L, Long::sum);
                bySource.merge(session.source().token(), 1L, Long::sum);
                byTeam.merge(team, 1L, Long::sum);
                created[index]++;
                statusByBucket.get(index).merge(session.status().name(), 1L, Long::sum);
                Usage usage = session.usage() == null ? Usage.NONE : session.usage();
                long podMillis = session.podMillis(now);
                spend = spend.plus(usage, podMillis);
                spendByTeam.merge(team, Spend.NONE.plus(usage, podMillis), (a, b) -> a.plus(b.usage(), b.podMillis()));
                spendByAgent.merge(session.agent(), Spend.NONE.plus(usage, podMillis), (a, b) -> a.plus(b.usage(), b.podMillis()));
            }
            boolean ended = session.status() == SessionStatus.SUCCEEDED || session.status() == SessionStatus.FAILED;
            if (ended && session.finishedAt() != null && in(session.finishedAt(), from, to)) {
                int index = index(session.finishedAt(), from, bucket, bucketCount);
                if (session.status() == SessionStatus.SUCCEEDED) {
                    ok++;
                    succeeded[index]++;
                } else {
                    notOk++;
                    failed[index]++;
                }
                Instant started = session.startedAt() != null ? session.startedAt() : session.createdAt();
                durations.add(Duration.between(started, session.finishedAt()).toMillis());
            }
        }
        List<Bucket> buckets = new ArrayList<>(bucketCount);
        for (int i = 0; i < bucketCount; i++) {
            buckets.add(new Bucket(from.plus(bucket.multipliedBy(i)), created[i], succeeded[i], failed[i], Map.copyOf(statusByBucket.get(i))));
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        Durations percentiles = new Durations(percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 95),
                percentile(sorted, 99));
        return new Report(total, byStatus, byAgent, bySource, byTeam, ok + notOk == 0 ? 0 : (double) ok / (ok + notOk),
                percentiles, buckets, spend, spendByTeam, spendByAgent);
    }

    private static boolean in(Instant time, Instant from, Instant to) {
        return !time.isBefore(from) && time.isBefore(to);
    }

    private static int index(Instant time, Instant from, Duration bucket, int count) {
        return (int) Math.min(count - 1, Duration.between(from, time).toMillis() / bucket.toMillis());
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
