package dev.agentservices.gateway.http;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.agentservices.gateway.GatewayTestProfile;
import dev.agentservices.gateway.Signing;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(GatewayTestProfile.class)
@Tag("component")
class HealthAndMetricsTest {

    @Test
    void healthzAnswersOkWithoutAuthentication() {
        given().get("/healthz").then().statusCode(200).body("status", equalTo("ok"));
    }

    @Test
    void readinessIncludesNats() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("nats"));
    }

    @Test
    void outcomesAreCountedPerAgentSourceAndReason() {
        String body = "{\"type\":\"event_callback\",\"api_app_id\":\"A0BUCK\",\"event_id\":\"Ev" + UUID.randomUUID()
                + "\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"hi\",\"channel\":\"C1\",\"ts\":\"1.1\"}}";
        long timestamp = Signing.now();
        given().contentType("application/json").header("X-Slack-Request-Timestamp", timestamp)
                .header("X-Slack-Signature", Signing.slack(GatewayTestProfile.BUCK_SLACK_SECRET, timestamp, body))
                .body(body).post("/webhooks/slack/events").then().statusCode(200);
        given().contentType("application/json").body("{}").post("/webhooks/github").then().statusCode(401);

        given().get("/q/metrics").then().statusCode(401);
        String metrics = given().header("Authorization", "Bearer test-metrics-token").get("/q/metrics").then().statusCode(200)
                .extract().asString();
        org.hamcrest.MatcherAssert.assertThat(metrics, containsString(
                "gateway_webhooks_total{agent=\"buck\",outcome=\"accepted\",reason=\"none\",source=\"slack\"}"));
        org.hamcrest.MatcherAssert.assertThat(metrics, containsString(
                "gateway_webhooks_total{agent=\"unknown\",outcome=\"rejected\",reason=\"missing_signature\",source=\"github\"}"));
        org.hamcrest.MatcherAssert.assertThat(metrics, containsString("gateway_publish_seconds"));
    }

    @Test
    void benchmarkBaselinesAreNotServedByDefault() {
        given().body("{}").post("/bench/baseline").then().statusCode(404);
        given().body("{}").post("/bench/floor").then().statusCode(404);
    }
}
