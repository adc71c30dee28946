package dev.agentservices.dashboard.grpc;

import com.google.protobuf.Message;
import dev.agentservices.dashboard.auth.CurrentUser;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.api.ApiException;
import dev.agentservices.dashboard.api.DashboardCalls;
import dev.agentservices.proto.api.v1.CreateSessionRequest;
import dev.agentservices.proto.api.v1.CreateSessionResponse;
import dev.agentservices.proto.api.v1.DashboardService;
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
import io.grpc.Status;
import io.quarkus.grpc.GrpcService;
import io.smallrye.mutiny.Uni;
import java.util.function.Function;

/**
 * {@code api.v1.DashboardService} as gRPC, served by quarkus-grpc on the HTTP port (HTTP/2) and
 * authenticated like every other dashboard path (a bearer token in the {@code authorization} metadata).
 * It calls the same {@link DashboardCalls} as the Connect route; an {@link ApiException} becomes the gRPC
 * status of its code.
 */
@GrpcService
public class DashboardGrpcService implements DashboardService {

    private final DashboardCalls api;
    private final CurrentUser user;

    public DashboardGrpcService(DashboardCalls api, CurrentUser user) {
        this.api = api;
        this.user = user;
    }

    @Override
    public Uni<ListSessionsResponse> listSessions(ListSessionsRequest request) {
        return call(user -> api.listSessions(request, user));
    }

    @Override
    public Uni<GetSessionResponse> getSession(GetSessionRequest request) {
        return call(user -> api.getSession(request, user));
    }

    @Override
    public Uni<CreateSessionResponse> createSession(CreateSessionRequest request) {
        return call(user -> api.createSession(request, user));
    }

    @Override
    public Uni<DeleteSessionResponse> deleteSession(DeleteSessionRequest request) {
        return call(user -> api.deleteSession(request, user));
    }

    @Override
    public Uni<PauseSessionResponse> pauseSession(PauseSessionRequest request) {
        return call(user -> api.pauseSession(request, user));
    }

    @Override
    public Uni<ResumeSessionResponse> resumeSession(ResumeSessionRequest request) {
        return call(user -> api.resumeSession(request, user));
    }

    @Override
    public Uni<TerminateSessionResponse> terminateSession(TerminateSessionRequest request) {
        return call(user -> api.terminateSession(request, user));
    }

    @Override
    public Uni<SendMessageResponse> sendMessage(SendMessageRequest request) {
        return call(user -> api.sendMessage(request, user));
    }

    @Override
    public Uni<GetMetricsResponse> getMetrics(GetMetricsRequest request) {
        return call(user -> api.getMetrics(request, user));
    }

    @Override
    public Uni<ListTeamsResponse> listTeams(ListTeamsRequest request) {
        return call(user -> api.listTeams(request, user));
    }

    @Override
    public Uni<GetTeamSettingsResponse> getTeamSettings(GetTeamSettingsRequest request) {
        return call(user -> api.getTeamSettings(request, user));
    }

    @Override
    public Uni<UpdateTeamSettingsResponse> updateTeamSettings(UpdateTeamSettingsRequest request) {
        return call(user -> api.updateTeamSettings(request, user));
    }

    @Override
    public Uni<ListDeadLettersResponse> listDeadLetters(ListDeadLettersRequest request) {
        return call(user -> api.listDeadLetters(request, user));
    }

    @Override
    public Uni<ReplayDeadLetterResponse> replayDeadLetter(ReplayDeadLetterRequest request) {
        return call(user -> api.replayDeadLetter(request, user));
    }

    private <T extends Message> Uni<T> call(Function<DashboardUser, Uni<T>> method) {
        return Uni.createFrom().deferred(() -> {
            if (!user.signedIn()) {
                throw ApiException.unauthenticated("Send a bearer token from the dashboard's issuer");
            }
            return method.apply(user.get());
        }).onFailure(ApiException.class)
                .transform(e -> status((ApiException) e).withDescription(e.getMessage()).asRuntimeException());
    }

    /** The gRPC status of the API's code: the codes are gRPC's. */
    static Status status(ApiException e) {
        return Status.fromCode(Status.Code.valueOf(e.code().name()));
    }
}
