package dev.agentservices.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The packaged gateway (the jar in the build, the native executable in the native workflow) against a real
 * nats-server: ready, a signed mention stored with its envelope, a forged one refused with a JSON error.
 */
@QuarkusIntegrationTest
@TestProfile(GatewayTestProfile.class)
class GatewayPackagedIT {

    @RegisterExtension
    final WebhooksStream stream = new WebhooksStream();

    @Test
    void readyOnceNatsIsConnected() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("nats"));
    }

    @Test
    void aSignedMentionIsStoredAndAForgedOneRefused() {
        String eventId = "Ev" + UUID.randomUUID();
        String body = "{\"type\":\"event_callback\",\"api_app_id\":\"A0BUCK\",\"team_id\":\"T0TEST\",\"event_id\":\"" + eventId
                + "\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> hi\",\"channel\":\"C1\",\"ts\":\"1.1\"}}";
        long timestamp = Signing.now();
        given().contentType("application/json").header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, timestamp, body))
                .body(body).post("/webhooks/slack/events").then().statusCode(200);
        WebhooksStream.Stored stored = stream.onlyOneSinceMark();
        assertEquals("buck:slack:" + eventId, stored.envelope().get("dedupId").asText());
        assertEquals("<@U0BUCK> hi", stored.envelope().get("event").get("message").get("text").asText());

        stream.mark();
        given().contentType("application/json").header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", "v0=" + "0".repeat(64)).body(body.replace(eventId, eventId + "x"))
                .post("/webhooks/slack/events").then().statusCode(401).body("error", equalTo("bad_signature"));
        stream.assertNothingSinceMark();
    }
}
