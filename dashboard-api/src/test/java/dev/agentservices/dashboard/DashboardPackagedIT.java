package dev.agentservices.dashboard;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.junit.TestProfile;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The packaged dashboard-api (the jar in the build, the native executable in the native workflow) against a
 * real nats-server and a test OIDC issuer: ready, a Connect call with a member's token answered, one without
 * refused with a JSON error.
 */
@QuarkusIntegrationTest
@TestProfile(DashboardTestProfile.class)
class DashboardPackagedIT {

    private static final String LIST = "/api/dashboard/api.v1.DashboardService/ListSessions";

    @Test
    void readyOnceNatsIsConnectedAndTheViewIsLoaded() {
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/q/health/ready").then().body("checks.name", hasItem("session-view"));
    }

    @Test
    void aMemberListsSessionsOverConnectAndAStrangerIsRefused() {
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().auth().oauth2(DashboardTestProfile.token(DashboardTestProfile.ISSUER, DashboardTestProfile.AUDIENCE, 600))
                .contentType("application/json").body("{}").post(LIST).then().statusCode(200);
        given().contentType("application/json").body("{}").post(LIST).then().statusCode(401).body("message", notNullValue());
    }
}
