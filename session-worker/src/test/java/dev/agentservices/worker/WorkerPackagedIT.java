package dev.agentservices.worker;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged worker (the jar in the build, the native executable in the native workflow) against a real
 * nats-server: ready once its consumers and the topology are up. The flows themselves are the end-to-end
 * test's, which runs the packaged jars of all four services.
 */
@QuarkusIntegrationTest
@TestProfile(WorkerTestProfile.class)
class WorkerPackagedIT {

    @Test
    void readyOnceNatsIsConnectedAndTheTopologyIsSetUp() {
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().body("checks.name", hasItem("nats"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
