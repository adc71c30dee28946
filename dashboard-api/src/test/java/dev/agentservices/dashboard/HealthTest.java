package dev.agentservices.dashboard;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@QuarkusTestResource(NatsTestResource.class)
@Tag("component")
class HealthTest {

    @Test
    void readyOnceConnectedToNatsAndTheViewHasReadEverySession() {
        await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("nats"))
                .body("checks.name", hasItem("session-view"));
    }

    @Test
    void liveAndExposesMetricsOnlyToTheMetricsToken() {
        given().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", "Bearer test-metrics-token").get("/q/metrics").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(401);
        given().header("Authorization", "Bearer guessed").get("/q/metrics").then().statusCode(401);
    }
}
