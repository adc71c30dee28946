package dev.agentservices.runner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * The packaged runner-api (the jar in the build, the native executable in the native workflow) against a
 * real nats-server: ready, and a call without a pod token refused with a JSON error before the body is read.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(NatsTestResource.class)
class RunnerApiPackagedIT {

    @Test
    void readyOnceNatsIsConnected() {
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("nats"));
    }

    @Test
    void aReportWithoutAPodTokenIsRefusedWithJson() {
        given().contentType("application/json").body("{\"status\":\"succeeded\"}")
                .post("/api/runner/sessions/3f1c2e0a-0000-4000-8000-000000000001/complete")
                .then().statusCode(401).body("error", equalTo("missing_token"));
    }
}
