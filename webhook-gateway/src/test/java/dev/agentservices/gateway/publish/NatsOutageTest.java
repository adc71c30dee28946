package dev.agentservices.gateway.publish;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.gateway.GatewayTestProfile;
import dev.agentservices.gateway.Signing;
import dev.agentservices.gateway.WebhooksStream;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ValidatableResponse;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** What the gateway does while NATS cannot store a webhook: 503, so that the sender retries. */
@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class NatsOutageTest {

    private NatsTestServer server;

    @BeforeEach
    void needsOwnServer() {
        Assumptions.assumeTrue(NatsTestServer.controllable(), "NATS_URL points at a server these tests must not stop");
        server = NatsTestServer.shared();
    }

    @AfterEach
    void restoreServer() {
        if (server != null) {
            server.thaw();
            server.resume();
            awaitReady();
        }
    }

    @Test
    void stoppedNatsGives503AndTheGatewayRecoversWithoutRestart() throws Exception {
        String body = slackMention("Ev" + UUID.randomUUID());
        server.stop();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(503));

        send(body).statusCode(503).header("Retry-After", notNullValue()).body("error", equalTo("nats_unavailable"));

        server.resume();
        awaitReady();
        try (WebhooksStream stream = new WebhooksStream().mark()) {
            send(body).statusCode(200);
            stream.onlyOneSinceMark();
        }
    }

    @Test
    void missingAckGives503AndTheRetryIsStoredOnce() throws Exception {
        String body = slackMention("Ev" + UUID.randomUUID());
        WebhooksStream stream = new WebhooksStream().mark();
        server.freeze();

        send(body).statusCode(503).body("error", equalTo("nats_unavailable"));

        server.thaw();
        awaitReady();
        send(body).statusCode(200);
        // the first publish may have reached the stream after the 503; the retry then dedups against it
        stream.onlyOneSinceMark();
        stream.close();
    }

    private static void awaitReady() {
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
    }

    private static ValidatableResponse send(String body) {
        long timestamp = Signing.now();
        return given().contentType("application/json")
                .header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, timestamp, body))
                .body(body).post("/webhooks/slack/events").then();
    }

    private static String slackMention(String eventId) {
        return "{\"type\":\"event_callback\",\"api_app_id\":\"A0BUCK\",\"event_id\":\"" + eventId + "\","
                + "\"event\":{\"type\":\"app_mention\",\"channel\":\"C1\",\"ts\":\"1712345678.000100\",\"user\":\"U1\",\"text\":\"hi\"}}";
    }
}
