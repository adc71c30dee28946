package dev.agentservices.dashboard.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.proto.api.v1.CreateSessionRequest;
import dev.agentservices.proto.api.v1.DashboardServiceGrpc;
import dev.agentservices.proto.api.v1.DeleteSessionRequest;
import dev.agentservices.proto.api.v1.GetMetricsRequest;
import dev.agentservices.proto.api.v1.GetTeamSettingsRequest;
import dev.agentservices.proto.api.v1.ListDeadLettersRequest;
import dev.agentservices.proto.api.v1.PauseSessionRequest;
import dev.agentservices.proto.api.v1.ReplayDeadLetterRequest;
import dev.agentservices.proto.api.v1.ResumeSessionRequest;
import dev.agentservices.proto.api.v1.SendMessageRequest;
import dev.agentservices.proto.api.v1.TeamSettings;
import dev.agentservices.proto.api.v1.TerminateSessionRequest;
import dev.agentservices.proto.api.v1.UpdateTeamSettingsRequest;
import java.util.List;
import dev.agentservices.proto.api.v1.GetSessionRequest;
import dev.agentservices.proto.api.v1.ListSessionsRequest;
import dev.agentservices.proto.api.v1.ListTeamsRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The same DashboardService as gRPC on the HTTP port, with the same tokens and team checks. */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class DashboardGrpcServiceTest {

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    ManagedChannel channel;

    @BeforeEach
    void connect() {
        channel = ManagedChannelBuilder.forAddress("localhost", RestAssured.port).usePlaintext().build();
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void membersGetTheirTeamsSessionsOverGrpc() {
        Session session = fixtures().session("team-a");
        var stub = stub(DashboardTestProfile.memberToken());
        assertEquals(session.id(), stub.getSession(GetSessionRequest.newBuilder().setId(session.id()).build()).getSession().getId());
        assertEquals(1, stub.listSessions(ListSessionsRequest.newBuilder().setText(session.title()).build()).getTotalSize());
    }

    @Test
    void everyMethodAnswersOverGrpc() throws Exception {
        var member = stub(DashboardTestProfile.memberToken());
        var admin = stub(DashboardTestProfile.adminToken());
        Session running = fixtures().session("team-a", SessionStatus.RUNNING, "session-grpc-1");
        Session paused = fixtures().session("team-a", SessionStatus.PAUSED, "session-grpc-1");
        Session finished = fixtures().session("team-a", SessionStatus.SUCCEEDED, "session-grpc-1");
        long deadLetter = DashboardFixtures.deadLetter("{}");
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            assertEquals(dev.agentservices.proto.api.v1.SessionStatus.SESSION_STATUS_PENDING, member.createSession(CreateSessionRequest.newBuilder()
                    .setAgent("buck").setPrompt("from grpc").build()).getSession().getStatus());
            member.pauseSession(PauseSessionRequest.newBuilder().setId(running.id()).build());
            member.resumeSession(ResumeSessionRequest.newBuilder().setId(paused.id()).build());
            member.sendMessage(SendMessageRequest.newBuilder().setId(running.id()).setText("more").build());
            member.terminateSession(TerminateSessionRequest.newBuilder().setId(running.id()).build());
            member.deleteSession(DeleteSessionRequest.newBuilder().setId(finished.id()).build());
            assertEquals(List.of("create", "pause", "resume", "message", "terminate", "delete"), control.messagesAfter(mark)
                    .stream().map(m -> m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1)).toList());
        }
        assertTrue(member.getMetrics(GetMetricsRequest.getDefaultInstance()).getTotal() >= 3);
        admin.updateTeamSettings(UpdateTeamSettingsRequest.newBuilder().setSettings(TeamSettings.newBuilder()
                .setTeamId("team-a").addSlackChannels("C0RPC").setConcurrencyLimit(4)).build());
        assertEquals(4, member.getTeamSettings(GetTeamSettingsRequest.newBuilder().setTeamId("team-a").build())
                .getSettings().getConcurrencyLimit());
        assertTrue(member.listTeams(ListTeamsRequest.getDefaultInstance()).getTeamsList().stream()
                .anyMatch(team -> team.getId().equals("team-a")));
        assertTrue(admin.listDeadLetters(ListDeadLettersRequest.newBuilder().setPageSize(200).build()).getDeadLettersList()
                .stream().anyMatch(letter -> letter.getSequence() == deadLetter));
        admin.replayDeadLetter(ReplayDeadLetterRequest.newBuilder().setSequence(deadLetter).build());
        StatusRuntimeException notFinished = assertThrows(StatusRuntimeException.class,
                () -> member.deleteSession(DeleteSessionRequest.newBuilder().setId(paused.id()).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, notFinished.getStatus().getCode());
    }

    @Test
    void errorsBecomeTheGrpcStatusOfTheSameName() {
        Session other = fixtures().session("team-b");
        var member = stub(DashboardTestProfile.memberToken());
        StatusRuntimeException denied = assertThrows(StatusRuntimeException.class,
                () -> member.getSession(GetSessionRequest.newBuilder().setId(other.id()).build()));
        assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> member.getSession(GetSessionRequest.newBuilder().setId("nope").build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
    }

    @Test
    void callsWithoutAValidTokenAreUnauthenticated() {
        StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
                () -> DashboardServiceGrpc.newBlockingStub(channel).listTeams(ListTeamsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, none.getStatus().getCode());
        StatusRuntimeException expired = assertThrows(StatusRuntimeException.class, () -> stub(DashboardTestProfile.token(
                DashboardTestProfile.ISSUER, DashboardTestProfile.AUDIENCE, -600)).listTeams(ListTeamsRequest.getDefaultInstance()));
        assertEquals(Status.Code.UNAUTHENTICATED, expired.getStatus().getCode());
    }

    DashboardFixtures fixtures() {
        return new DashboardFixtures(store, view);
    }

    private DashboardServiceGrpc.DashboardServiceBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return DashboardServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

}
