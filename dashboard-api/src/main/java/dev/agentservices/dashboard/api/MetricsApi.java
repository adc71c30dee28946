package dev.agentservices.dashboard.api;

import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionView;
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

    private final SessionView view;

    public MetricsApi(SessionView view) {
        this.view = view;
    }

    public Uni<GetMetricsResponse> get(GetMetricsRequest request, DashboardUser user) {
        Instant to = request.hasTo() ? ProtoSessions.instant(request.getTo()) : Instant.now();
        Instant from = request.hasFrom() ? ProtoSessions.instant(request.getFrom()) : to.minus(Duration.ofDays(7));
        Duration bucket = Duration.ofSeconds(request.getBucketSeconds() > 0 ? request.getBucketSeconds() : 3600);
        SessionQuery visible = new SessionQuery(Set.of(), Set.of(), Set.of(),
                AccessRules.visibleTeams(Set.copyOf(request.getTeamsList()), user), null, null, null);
        return Calls.onWorker(() -> {
            SessionMetrics.Report report;
            try {
                report = SessionMetrics.compute(view.matching(visible), from, to, bucket, Set.of());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalidArgument(e.getMessage());
            }
            GetMetricsResponse.Builder response = GetMetricsResponse.newBuilder()
                    .setTotal(report.total()).putAllByStatus(report.byStatus()).putAllByAgent(report.byAgent())
                    .putAllBySource(report.bySource()).putAllByTeam(report.byTeam()).setSuccessRate(report.successRate())
                    .setDurationP50Seconds(report.durationP50Seconds()).setDurationP95Seconds(report.durationP95Seconds())
                    .setUsage(Usage.newBuilder().setInputTokens(report.usage().inputTokens())
                            .setOutputTokens(report.usage().outputTokens()).setCostUsd(report.usage().costUsd()));
            report.buckets().forEach(b -> response.addBuckets(MetricsBucket.newBuilder().setStart(ProtoSessions.timestamp(b.start()))
                    .setCreated(b.created()).setSucceeded(b.succeeded()).setFailed(b.failed())));
            return response.build();
        });
    }
}
