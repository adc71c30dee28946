package dev.agentservices.dashboard.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
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
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
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
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same DashboardService as gRPC on the HTTP port, with the same tokens and team checks. */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
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
        Session session = newSession("team-a");
        var stub = stub(DashboardTestProfile.memberToken());
        assertEquals(session.id(), stub.getSession(GetSessionRequest.newBuilder().setId(session.id()).build()).getSession().getId());
        assertEquals(1, stub.listSessions(ListSessionsRequest.newBuilder().setText(session.title()).build()).getTotalSize());
    }

    @Test
    void everyMethodAnswersOverGrpc() throws Exception {
        var member = stub(DashboardTestProfile.memberToken());
        var admin = stub(DashboardTestProfile.adminToken());
        Session running = newSession("team-a", SessionStatus.RUNNING);
        Session paused = newSession("team-a", SessionStatus.PAUSED);
        Session finished = newSession("team-a", SessionStatus.SUCCEEDED);
        long deadLetter = deadLetter();
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
        Session other = newSession("team-b");
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

    private static long deadLetter() throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            Headers headers = new Headers().put("Agent-Services-Subject", "webhooks.buck.slack")
                    .put("Agent-Services-Deliveries", "5").put("Agent-Services-Error", "IllegalStateException: grpc");
            return nats.jetStream().publish(NatsMessage.builder().subject("deadletter.webhooks.buck.slack").headers(headers)
                    .data("{}".getBytes(StandardCharsets.UTF_8)).build()).getSeqno();
        }
    }

    private DashboardServiceGrpc.DashboardServiceBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return DashboardServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private Session newSession(String team) {
        return newSession(team, SessionStatus.PENDING);
    }

    private Session newSession(String team, SessionStatus status) {
        String title = "grpc-" + UUID.randomUUID();
        SessionKey key = SessionKey.slack("buck", "C0RPC", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> {
            Session open = Session.open(newId, key, team, title, Origin.slack("C0RPC", "1"), Instant.now());
            return status == SessionStatus.PENDING ? open : open.withStatus(status, "session-grpc-1", Instant.now());
        }).versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        return view.get(id).orElseThrow().session();
    }
}
