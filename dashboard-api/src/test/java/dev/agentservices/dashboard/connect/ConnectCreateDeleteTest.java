package dev.agentservices.dashboard.connect;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** CreateSession and DeleteSession: checked here, then handed to the worker over CONTROL. */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class ConnectCreateDeleteTest {

    static final String BASE = ConnectResourceTest.BASE;

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Inject
    ObjectMapper mapper;

    @Test
    void createPublishesACreateCommandAndAnswersWithThePendingSession() throws Exception {
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            String id = given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                    .body("{\"agent\":\"buck\",\"prompt\":\"write the release notes\\nfor 1.2\",\"instructions\":\"Be brief.\"}")
                    .post(BASE + "CreateSession").then().statusCode(200)
                    .body("session.status", equalTo("SESSION_STATUS_PENDING"))
                    .body("session.team", equalTo("team-a"))
                    .body("session.source", equalTo("SESSION_SOURCE_DASHBOARD"))
                    .body("session.title", equalTo("write the release notes"))
                    .extract().path("session.id");

            List<MessageInfo> published = control.messagesAfter(mark);
            assertEquals(1, published.size());
            assertEquals("control.buck." + id + ".create", published.get(0).getSubject());
            ControlCommand command = mapper.readValue(published.get(0).getData(), ControlCommand.class);
            assertEquals(new ControlCommand.NewSession("buck", "team-a", "write the release notes", "Be brief."), command.create());
            assertEquals("write the release notes\nfor 1.2", command.text());
            assertEquals("ana@example.com", command.requestedBy());
        }
    }

    @Test
    void createRejectsAnUnknownAgentAnEmptyPromptAndAForeignTeam() throws Exception {
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            String member = DashboardTestProfile.memberToken();
            given().auth().oauth2(member).contentType("application/json").body("{\"agent\":\"zelda\",\"prompt\":\"hi\"}")
                    .post(BASE + "CreateSession").then().statusCode(400).body("code", equalTo("invalid_argument"))
                    .body("message", org.hamcrest.Matchers.containsString("Unknown agent 'zelda'"));
            given().auth().oauth2(member).contentType("application/json").body("{\"agent\":\"buck\",\"prompt\":\"  \"}")
                    .post(BASE + "CreateSession").then().statusCode(400).body("code", equalTo("invalid_argument"));
            given().auth().oauth2(member).contentType("application/json")
                    .body("{\"agent\":\"buck\",\"prompt\":\"hi\",\"team\":\"team-b\"}")
                    .post(BASE + "CreateSession").then().statusCode(403).body("code", equalTo("permission_denied"));
            given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                    .body("{\"agent\":\"buck\",\"prompt\":\"hi\"}")
                    .post(BASE + "CreateSession").then().statusCode(400).body("message", org.hamcrest.Matchers.containsString("team"));
            assertEquals(List.of(), control.messagesAfter(mark));
        }
    }

    @Test
    void deleteOfARunningSessionAsksToTerminateFirstAndOfAFinishedOneGoesToTheWorker() throws Exception {
        Session session = new DashboardFixtures(store, view).session("team-a");
        String member = DashboardTestProfile.memberToken();
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            given().auth().oauth2(member).contentType("application/json").body("{\"id\":\"" + session.id() + "\"}")
                    .post(BASE + "DeleteSession").then().statusCode(400).body("code", equalTo("failed_precondition"))
                    .body("message", org.hamcrest.Matchers.containsString("terminate it first"));
            assertEquals(List.of(), control.messagesAfter(mark));

            store.update(session.id(), s -> s.withStatus(SessionStatus.SUCCEEDED, null, Instant.now()));
            await().atMost(Duration.ofSeconds(10)).until(() -> view.get(session.id()).orElseThrow().session().status()
                    == SessionStatus.SUCCEEDED);
            given().auth().oauth2(member).contentType("application/json").body("{\"id\":\"" + session.id() + "\"}")
                    .post(BASE + "DeleteSession").then().statusCode(200);
            assertEquals("control.buck." + session.id() + ".delete", control.messagesAfter(mark).get(0).getSubject());
        }
    }

}
