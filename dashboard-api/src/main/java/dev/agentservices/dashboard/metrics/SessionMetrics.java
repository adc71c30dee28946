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
 * source and team; the success rate of the finished ones; run duration percentiles (start to finish);
 * time buckets for the chart; usage and cost totals where pods reported them. Computed from the
 * in-memory view, never from KV.
 */
public final class SessionMetrics {

    private SessionMetrics() {
    }

    /** One bucket of the chart: sessions created in it, and runs that ended in it. */
    public record Bucket(Instant start, long created, long succeeded, long failed) {
    }

    public record Report(long total, Map<String, Long> byStatus, Map<String, Long> byAgent, Map<String, Long> bySource,
            Map<String, Long> byTeam, double successRate, double durationP50Seconds, double durationP95Seconds,
            List<Bucket> buckets, Usage usage) {
    }

    public static Report compute(Collection<Session> sessions, Instant from, Instant to, Duration bucket, Set<String> teams) {
        if (!to.isAfter(from) || bucket.isZero() || bucket.isNegative()) {
            throw new IllegalArgumentException("the range must end after it starts, with buckets longer than zero");
        }
        int bucketCount = (int) Math.min(10_000, (Duration.between(from, to).toMillis() + bucket.toMillis() - 1) / bucket.toMillis());
        long[] created = new long[bucketCount];
        long[] succeeded = new long[bucketCount];
        long[] failed = new long[bucketCount];
        Map<String, Long> byStatus = new TreeMap<>();
        Map<String, Long> byAgent = new TreeMap<>();
        Map<String, Long> bySource = new TreeMap<>();
        Map<String, Long> byTeam = new TreeMap<>();
        List<Long> durations = new ArrayList<>();
        long total = 0;
        long inputTokens = 0;
        long outputTokens = 0;
        double cost = 0;
        long ok = 0;
        long notOk = 0;
        for (Session session : sessions) {
            if (!teams.isEmpty() && (session.team() == null || !teams.contains(session.team()))) {
                continue;
            }
            if (in(session.createdAt(), from, to)) {
                total++;
                byStatus.merge(session.status().name(), 1L, Long::sum);
                byAgent.merge(session.agent(), 1L, Long::sum);
                bySource.merge(session.source().token(), 1L, Long::sum);
                byTeam.merge(session.team() == null ? "" : session.team(), 1L, Long::sum);
                created[index(session.createdAt(), from, bucket, bucketCount)]++;
                if (session.usage() != null) {
                    inputTokens += session.usage().inputTokens();
                    outputTokens += session.usage().outputTokens();
                    cost += session.usage().costUsd();
                }
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
            buckets.add(new Bucket(from.plus(bucket.multipliedBy(i)), created[i], succeeded[i], failed[i]));
        }
        long[] sorted = durations.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Report(total, byStatus, byAgent, bySource, byTeam, ok + notOk == 0 ? 0 : (double) ok / (ok + notOk),
                percentile(sorted, 50), percentile(sorted, 95), buckets, new Usage(inputTokens, outputTokens, cost));
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
