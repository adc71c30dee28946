package dev.agentservices.dashboard.api;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.proto.api.v1.TeamBudget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import dev.agentservices.dashboard.history.HistoryMetrics;
import dev.agentservices.dashboard.history.SessionRecords;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.metrics.SessionMetrics;
import dev.agentservices.proto.api.v1.GetMetricsRequest;
import dev.agentservices.proto.api.v1.GetMetricsResponse;
import dev.agentservices.proto.api.v1.MetricsBucket;
import dev.agentservices.proto.api.v1.Usage;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;

/** The dashboard's numbers over a time range, for the sessions the user may see. */
@Singleton
public class MetricsApi {

    /** The sessions a budget may hold: live, their run not started. */
    private static final SessionQuery WAITING = new SessionQuery(Set.of(), Set.of(), Set.of(SessionStatus.PENDING), Set.of(), null,
            null, null);

    private final SessionRecords records;
    private final HistoryMetrics history;
    private final TeamStore teams;
    private final SpendLedger ledger;

    public MetricsApi(SessionRecords records, HistoryMetrics history, TeamStore teams, SpendLedger ledger) {
        this.records = records;
        this.history = history;
        this.teams = teams;
        this.ledger = ledger;
    }

    private static Usage usage(SessionMetrics.Spend spend) {
        return ProtoSessions.usage(spend.usage(), spend.podMillis());
    }

    /**
     * The budgets of the visible teams ({@code teams} empty: all) that have one, with this month's spend: from the
     * history's {@code usage_per_day} when there is one (one query for all teams), else from the ledger's bucket.
     */
    private List<TeamBudget> budgets(List<Session> sessions, Set<String> visibleTeams, Instant now) {
        List<TeamSettings> budgeted = Calls.nats(teams::all).stream().filter(team -> team.monthlyBudgetUsd() > 0
                && (visibleTeams.isEmpty() || visibleTeams.contains(team.teamId()))).toList();
        Map<String, Double> fromHistory = records.fromHistory() && !budgeted.isEmpty()
                ? history.spentThisMonth(budgeted.stream().map(TeamSettings::teamId).toList(), now) : null;
        List<TeamBudget> budgets = new ArrayList<>();
        for (TeamSettings team : budgeted) {
            double spent = fromHistory != null ? fromHistory.getOrDefault(team.teamId(), 0.0)
                    : ledger.monthToDate(team.teamId(), now).costUsd();
            int waiting = (int) sessions.stream().filter(s -> team.teamId().equals(s.team())
                    && s.status() == SessionStatus.PENDING && Session.WAITING_FOR_BUDGET.equals(s.waitingFor())).count();
            budgets.add(TeamBudget.newBuilder().setTeam(team.teamId()).setMonthlyBudgetUsd(team.monthlyBudgetUsd())
                    .setSpentUsd(spent).setExhausted(spent >= team.monthlyBudgetUsd()).setWaitingSessions(waiting).build());
        }
        budgets.sort(java.util.Comparator.comparing(TeamBudget::getTeam));
        return budgets;
    }

    public Uni<GetMetricsResponse> get(GetMetricsRequest request, DashboardUser user) {
        Instant to = request.hasTo() ? ProtoSessions.instant(request.getTo()) : Instant.now();
        Instant from = request.hasFrom() ? ProtoSessions.instant(request.getFrom()) : to.minus(Duration.ofDays(7));
        Duration bucket = Duration.ofSeconds(request.getBucketSeconds() > 0 ? request.getBucketSeconds() : 3600);
        SessionQuery visible = new SessionQuery(Set.of(), Set.of(), Set.of(),
                AccessRules.visibleTeams(Set.copyOf(request.getTeamsList()), user), null, null, null);
        Set<String> visibleTeams = visible.teams();
        return Calls.onWorker(() -> {
            Instant now = Instant.now();
            SessionMetrics.Report report;
            try {
                report = records.fromHistory() ? history.compute(visible, from, to, bucket)
                        : SessionMetrics.compute(records.live(visible), from, to, bucket, Set.of(), now);
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidArgument(e.getMessage());
            }
            GetMetricsResponse.Builder response = GetMetricsResponse.newBuilder()
                    .setTotal(report.total()).putAllByStatus(report.byStatus()).putAllByAgent(report.byAgent())
                    .putAllBySource(report.bySource()).putAllByTeam(report.byTeam()).setSuccessRate(report.successRate())
                    .setDurationP50Seconds(report.durations().p50()).setDurationP90Seconds(report.durations().p90())
                    .setDurationP95Seconds(report.durations().p95()).setDurationP99Seconds(report.durations().p99())
                    .setUsage(usage(report.spend()));
            report.spendByTeam().forEach((team, spend) -> response.putUsageByTeam(team, usage(spend)));
            report.spendByAgent().forEach((agent, spend) -> response.putUsageByAgent(agent, usage(spend)));
            report.buckets().forEach(b -> response.addBuckets(MetricsBucket.newBuilder().setStart(ProtoSessions.timestamp(b.start()))
                    .setCreated(b.created()).setSucceeded(b.succeeded()).setFailed(b.failed()).putAllByStatus(b.byStatus())));
            budgets(records.live(WAITING), visibleTeams, now).forEach(response::addBudgets);
            return response.build();
        });
    }
}
