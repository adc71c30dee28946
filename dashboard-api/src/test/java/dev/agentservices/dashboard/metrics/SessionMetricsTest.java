package dev.agentservices.dashboard.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SessionMetricsTest {

    private static final Instant T0 = Instant.parse("2026-11-28T00:00:00Z");

    @Test
    void countsRatesDurationsBucketsAndUsageOverTheRange() {
        List<Session> sessions = List.of(
                ended("buck", "a", SessionStatus.SUCCEEDED, T0.plusSeconds(60), 120, new Usage(100, 10, 0.5)),
                ended("buck", "a", SessionStatus.SUCCEEDED, T0.plusSeconds(3700), 300, new Usage(200, 20, 1.0)),
                ended("dolly", "b", SessionStatus.FAILED, T0.plusSeconds(3800), 60, null),
                running("dolly", "b", T0.plusSeconds(7000)),
                running("pearl", "a", T0.minusSeconds(10)));

        SessionMetrics.Report report = SessionMetrics.compute(sessions, T0, T0.plus(Duration.ofHours(2)), Duration.ofHours(1), Set.of());

        assertEquals(4, report.total());
        assertEquals(Map.of("SUCCEEDED", 2L, "FAILED", 1L, "RUNNING", 1L), report.byStatus());
        assertEquals(Map.of("buck", 2L, "dolly", 2L), report.byAgent());
        assertEquals(Map.of("a", 2L, "b", 2L), report.byTeam());
        assertEquals(2.0 / 3, report.successRate(), 1e-9);
        assertEquals(120, report.durationP50Seconds(), 1e-9);
        assertEquals(300, report.durationP95Seconds(), 1e-9);
        assertEquals(List.of(new SessionMetrics.Bucket(T0, 1, 1, 0, Map.of("SUCCEEDED", 1L)),
                new SessionMetrics.Bucket(T0.plusSeconds(3600), 3, 1, 1, Map.of("SUCCEEDED", 1L, "FAILED", 1L, "RUNNING", 1L))),
                report.buckets());
        assertEquals(new Usage(300, 30, 1.5), report.usage());
        assertEquals(new Usage(300, 30, 1.5), report.spendByTeam().get("a").usage());
        assertEquals(Usage.NONE, report.spendByTeam().get("b").usage());
        assertEquals(new Usage(300, 30, 1.5), report.spendByAgent().get("buck").usage());
        assertEquals(300, report.durations().p99(), 1e-9);
    }

    @Test
    void teamFilterKeepsOnlyThoseTeams() {
        List<Session> sessions = List.of(running("buck", "a", T0.plusSeconds(1)), running("buck", "b", T0.plusSeconds(2)));
        assertEquals(1, SessionMetrics.compute(sessions, T0, T0.plusSeconds(60), Duration.ofSeconds(60), Set.of("b")).total());
    }

    @Test
    void teamlessSessionsCountOnlyWhenNoTeamIsAskedFor() {
        List<Session> sessions = List.of(running("buck", null, T0.plusSeconds(1)), running("buck", "b", T0.plusSeconds(2)));
        assertEquals(1, SessionMetrics.compute(sessions, T0, T0.plusSeconds(60), Duration.ofSeconds(60), Set.of("b")).total());
        assertEquals(2, SessionMetrics.compute(sessions, T0, T0.plusSeconds(60), Duration.ofSeconds(60), Set.of()).total());
    }

    @Test
    void emptyOrBackwardRangesAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SessionMetrics.compute(List.of(), T0, T0, Duration.ofHours(1), Set.of()));
    }

    private static Session running(String agent, String team, Instant created) {
        SessionKey key = SessionKey.jira(agent, "OPS-" + created.getEpochSecond());
        Session open = Session.open(key.toString(), key, team, "t", Origin.jira("OPS-1"), created);
        return open.withNextTurn(new SessionMessage("U0ANA", "p", List.of(), created), created).withStatus(SessionStatus.RUNNING, "pod", created);
    }

    private static Session ended(String agent, String team, SessionStatus status, Instant created, long seconds, Usage usage) {
        return running(agent, team, created).withTurnOutcome(1, status, "done", List.of(), usage, null, null, "outcome",
                created.plusSeconds(seconds));
    }
}
