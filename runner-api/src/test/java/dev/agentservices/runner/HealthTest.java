package dev.agentservices.runner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@QuarkusTestResource(NatsTestResource.class)
@Tag("component")
class HealthTest {

    @Test
    void readyOnceConnectedToNats() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("nats"));
    }

    @Test
    void liveAndExposesMetricsOnlyToTheMetricsToken() {
        given().get("/q/health/live").then().statusCode(200);
        given().header("Authorization", "Bearer test-metrics-token").get("/q/metrics").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(401);
        given().header("Authorization", "Bearer guessed").get("/q/metrics").then().statusCode(401);
    }
}
