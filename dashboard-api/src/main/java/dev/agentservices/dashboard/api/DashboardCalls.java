package dev.agentservices.dashboard.api;

import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.proto.api.v1.CreateSessionRequest;
import dev.agentservices.proto.api.v1.CreateSessionResponse;
import dev.agentservices.proto.api.v1.DeleteSessionRequest;
import dev.agentservices.proto.api.v1.DeleteSessionResponse;
import dev.agentservices.proto.api.v1.GetMetricsRequest;
import dev.agentservices.proto.api.v1.GetMetricsResponse;
import dev.agentservices.proto.api.v1.GetSessionRequest;
import dev.agentservices.proto.api.v1.GetSessionResponse;
import dev.agentservices.proto.api.v1.GetTeamSettingsRequest;
import dev.agentservices.proto.api.v1.GetTeamSettingsResponse;
import dev.agentservices.proto.api.v1.ListDeadLettersRequest;
import dev.agentservices.proto.api.v1.ListDeadLettersResponse;
import dev.agentservices.proto.api.v1.ListSessionsRequest;
import dev.agentservices.proto.api.v1.ListSessionsResponse;
import dev.agentservices.proto.api.v1.ListTeamsRequest;
import dev.agentservices.proto.api.v1.ListTeamsResponse;
import dev.agentservices.proto.api.v1.PauseSessionRequest;
import dev.agentservices.proto.api.v1.PauseSessionResponse;
import dev.agentservices.proto.api.v1.ReplayDeadLetterRequest;
import dev.agentservices.proto.api.v1.ReplayDeadLetterResponse;
import dev.agentservices.proto.api.v1.ResumeSessionRequest;
import dev.agentservices.proto.api.v1.ResumeSessionResponse;
import dev.agentservices.proto.api.v1.SendMessageRequest;
import dev.agentservices.proto.api.v1.SendMessageResponse;
import dev.agentservices.proto.api.v1.TerminateSessionRequest;
import dev.agentservices.proto.api.v1.TerminateSessionResponse;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsRequest;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsResponse;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;

/**
 * {@code api.v1.DashboardService}, protocol-neutral: one method per RPC, named as the RPC in lower camel
 * case, taking its request and the signed-in user and answering its response or an {@link ApiException}.
 * The gRPC service calls these methods; the Connect route finds them from the service descriptor by that
 * naming rule (hence the reflection registration), so a new RPC needs only its method here.
 */
@Singleton
@RegisterForReflection(methods = true)
public class DashboardCalls {

    private final SessionsApi sessions;
    private final MetricsApi metrics;
    private final TeamsApi teams;
    private final DeadLettersApi deadLetters;

    public DashboardCalls(SessionsApi sessions, MetricsApi metrics, TeamsApi teams, DeadLettersApi deadLetters) {
        this.sessions = sessions;
        this.metrics = metrics;
        this.teams = teams;
        this.deadLetters = deadLetters;
    }

    public Uni<ListSessionsResponse> listSessions(ListSessionsRequest request, DashboardUser user) {
        return sessions.list(request, user);
    }

    public Uni<GetSessionResponse> getSession(GetSessionRequest request, DashboardUser user) {
        return sessions.get(request, user);
    }

    public Uni<CreateSessionResponse> createSession(CreateSessionRequest request, DashboardUser user) {
        return sessions.create(request, user);
    }

    public Uni<DeleteSessionResponse> deleteSession(DeleteSessionRequest request, DashboardUser user) {
        return sessions.delete(request, user);
    }

    public Uni<PauseSessionResponse> pauseSession(PauseSessionRequest request, DashboardUser user) {
        return sessions.pause(request, user);
    }

    public Uni<ResumeSessionResponse> resumeSession(ResumeSessionRequest request, DashboardUser user) {
        return sessions.resume(request, user);
    }

    public Uni<TerminateSessionResponse> terminateSession(TerminateSessionRequest request, DashboardUser user) {
        return sessions.terminate(request, user);
    }

    public Uni<SendMessageResponse> sendMessage(SendMessageRequest request, DashboardUser user) {
        return sessions.sendMessage(request, user);
    }

    public Uni<GetMetricsResponse> getMetrics(GetMetricsRequest request, DashboardUser user) {
        return metrics.get(request, user);
    }

    public Uni<ListTeamsResponse> listTeams(ListTeamsRequest request, DashboardUser user) {
        return teams.list(request, user);
    }

    public Uni<GetTeamSettingsResponse> getTeamSettings(GetTeamSettingsRequest request, DashboardUser user) {
        return teams.get(request, user);
    }

    public Uni<UpdateTeamSettingsResponse> updateTeamSettings(UpdateTeamSettingsRequest request, DashboardUser user) {
        return teams.update(request, user);
    }

    public Uni<ListDeadLettersResponse> listDeadLetters(ListDeadLettersRequest request, DashboardUser user) {
        return deadLetters.list(request, user);
    }

    public Uni<ReplayDeadLetterResponse> replayDeadLetter(ReplayDeadLetterRequest request, DashboardUser user) {
        return deadLetters.replay(request, user);
    }
}
