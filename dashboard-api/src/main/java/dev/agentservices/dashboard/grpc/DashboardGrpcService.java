package dev.agentservices.dashboard.grpc;

import com.google.protobuf.Message;
import dev.agentservices.dashboard.auth.CurrentUser;
import dev.agentservices.dashboard.auth.DashboardUser;
import dev.agentservices.dashboard.connect.ConnectException;
import dev.agentservices.dashboard.connect.DashboardApi;
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
 * It calls the same {@link DashboardApi} as the Connect route; Connect error codes become the gRPC
 * status codes of the same name.
 */
@GrpcService
public class DashboardGrpcService implements DashboardService {

    private final DashboardApi api;
    private final CurrentUser user;

    public DashboardGrpcService(DashboardApi api, CurrentUser user) {
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
        return call(user -> api.pause(request.getId(), user));
    }

    @Override
    public Uni<ResumeSessionResponse> resumeSession(ResumeSessionRequest request) {
        return call(user -> api.resume(request.getId(), user));
    }

    @Override
    public Uni<TerminateSessionResponse> terminateSession(TerminateSessionRequest request) {
        return call(user -> api.terminate(request.getId(), user));
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
        return call(api::listTeams);
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

    @SuppressWarnings("unchecked")
    private <T extends Message> Uni<T> call(Function<DashboardUser, Uni<Message>> method) {
        return Uni.createFrom().deferred(() -> {
            if (!user.signedIn()) {
                throw new ConnectException("unauthenticated", "Send a bearer token from the dashboard's issuer");
            }
            return method.apply(user.get());
        }).map(response -> (T) response).onFailure(ConnectException.class)
                .transform(e -> status((ConnectException) e).withDescription(e.getMessage()).asRuntimeException());
    }

    /** The gRPC status with the Connect code's name: Connect's codes are gRPC's, lower-cased ("canceled" aside). */
    static Status status(ConnectException e) {
        if ("canceled".equals(e.code())) {
            return Status.CANCELLED;
        }
        try {
            return Status.fromCode(Status.Code.valueOf(e.code().toUpperCase(java.util.Locale.ROOT)));
        } catch (IllegalArgumentException unknown) {
            return Status.UNKNOWN;
        }
    }
}
