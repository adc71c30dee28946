package dev.agentservices.dashboard.deadletter;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.proto.api.v1.ListDeadLettersResponse;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** ListDeadLetters and ReplayDeadLetter over the DEADLETTER stream, for admins only. */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class DeadLetterApiTest {

    static final String BASE = "/api/dashboard/api.v1.DashboardService/";

    @Test
    void adminsListDeadLettersNewestFirstInPages() throws Exception {
        long older = DashboardFixtures.deadLetter("{\"n\":1}");
        long newer = DashboardFixtures.deadLetter("{\"n\":2}");
        byte[] answer = given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/proto")
                .body(new byte[0]).post(BASE + "ListDeadLetters").then().statusCode(200).extract().asByteArray();
        ListDeadLettersResponse all = ListDeadLettersResponse.parseFrom(answer);
        assertEquals(newer, all.getDeadLetters(0).getSequence());
        assertEquals(older, all.getDeadLetters(1).getSequence());
        assertEquals("webhooks.buck.slack", all.getDeadLetters(0).getOriginalSubject());
        assertEquals("IllegalStateException: boom", all.getDeadLetters(0).getError());
        assertEquals(5, all.getDeadLetters(0).getDeliveries());

        String next = given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"pageSize\":1}").post(BASE + "ListDeadLetters").then().statusCode(200)
                .body("deadLetters[0].sequence", equalTo(String.valueOf(newer))).extract().path("nextPageToken");
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"pageSize\":1,\"pageToken\":\"" + next + "\"}").post(BASE + "ListDeadLetters").then().statusCode(200)
                .body("deadLetters[0].sequence", equalTo(String.valueOf(older)));
    }

    @Test
    void replayAsksTheWorkerBesideTheDeadLetterAndPublishesNothingElse() throws Exception {
        String payload = "{\"replay\":\"" + UUID.randomUUID() + "\"}";
        long sequence = DashboardFixtures.deadLetter(payload);
        try (JetStreamProbe webhooks = new JetStreamProbe(NatsTestServer.url(), "WEBHOOKS");
                JetStreamProbe deadLetters = new JetStreamProbe(NatsTestServer.url(), "DEADLETTER")) {
            long mark = webhooks.lastSequence();
            long requests = deadLetters.lastSequence();
            given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                    .body("{\"sequence\":\"" + sequence + "\"}").post(BASE + "ReplayDeadLetter").then().statusCode(200);

            assertEquals(List.of(), webhooks.messagesAfter(mark), "the dashboard publishes no webhook: the worker replays");
            List<MessageInfo> asked = deadLetters.messagesAfter(requests);
            assertEquals(1, asked.size());
            assertEquals("deadletter.replay." + sequence, asked.get(0).getSubject());
            assertEquals("root@example.com", asked.get(0).getHeaders().getFirst(dev.agentservices.common.nats.DeadLetterHeaders.REPLAYED_BY));
            assertEquals(0, asked.get(0).getData() == null ? 0 : asked.get(0).getData().length);
        }
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"pageSize\":200}").post(BASE + "ListDeadLetters").then().statusCode(200)
                .body("deadLetters.findAll { it.sequence == '" + sequence + "' }.replayedBy", hasItem("root@example.com"))
                .body("deadLetters.originalSubject", org.hamcrest.Matchers.not(hasItem("replay." + sequence)));
    }

    @Test
    void membersMayNotSeeOrReplayDeadLettersAndUnknownOnesAreNotFound() throws Exception {
        long sequence = DashboardFixtures.deadLetter("{}");
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{}")
                .post(BASE + "ListDeadLetters").then().statusCode(403).body("code", equalTo("permission_denied"));
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"sequence\":\"" + sequence + "\"}").post(BASE + "ReplayDeadLetter").then().statusCode(403);
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"sequence\":\"999999\"}").post(BASE + "ReplayDeadLetter").then().statusCode(404)
                .body("code", equalTo("not_found"));
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"pageToken\":\"x\"}").post(BASE + "ListDeadLetters").then().statusCode(400);
    }

    /** A dead letter as the worker writes it: the original's headers plus where it came from and why it failed. */
}
