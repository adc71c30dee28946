package dev.agentservices.dashboard.grpc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.dashboard.view.SessionView;
import dev.agentservices.proto.api.v1.DashboardServiceGrpc;
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

    private DashboardServiceGrpc.DashboardServiceBlockingStub stub(String token) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return DashboardServiceGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                .withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private Session newSession(String team) {
        String title = "grpc-" + UUID.randomUUID();
        SessionKey key = SessionKey.slack("buck", "C0RPC", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> Session.open(newId, key, team, title, Origin.slack("C0RPC", "1"), Instant.now()))
                .versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        return view.get(id).orElseThrow().session();
    }
}
