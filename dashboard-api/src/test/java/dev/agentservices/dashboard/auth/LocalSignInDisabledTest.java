package dev.agentservices.dashboard.auth;

import static io.restassured.RestAssured.given;

import dev.agentservices.dashboard.DashboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Outside local mode the local sign-in does not exist, and without an Okta client neither does the browser sign-in. */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class LocalSignInDisabledTest {

    @Test
    void everyLocalSignInPathIsNotFound() {
        given().get("/local/sign-in").then().statusCode(404);
        given().formParam("name", "x").post("/local/token").then().statusCode(404);
        given().get("/local/jwks").then().statusCode(404);
        given().redirects().follow(false).get("/auth/login").then().statusCode(404);
    }
}
