package dev.agentservices.dashboard.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.dashboard.LocalSignInTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Local mode's sign-in: the dashboard is its own issuer, and its tokens work as cookie and as bearer. */
@QuarkusTest
@TestProfile(LocalSignInTestProfile.class)
@Tag("component")
class LocalSignInTest {

    @Test
    void theSignInPageSaysItIsLocalOnly() {
        given().get("/local/sign-in").then().statusCode(200).body(containsString("LOCAL SIGN-IN"));
    }

    @Test
    void signingInSetsAHardenedCookieThatTheApiAccepts() {
        var response = given().redirects().follow(false).formParam("secret", LocalSignInTestProfile.SECRET).formParam("name", "dev@localhost").formParam("teams", "team-a")
                .post("/local/sign-in").then().statusCode(200).extract();
        String setCookie = response.header("Set-Cookie");
        assertTrue(setCookie.contains("HttpOnly") && setCookie.contains("Secure") && setCookie.contains("SameSite=Strict"),
                setCookie);
        String token = response.cookie("agent_services_session");
        given().cookie("agent_services_session", token).header("Connect-Protocol-Version", "1").contentType("application/json")
                .body("{}").post("/api/dashboard/api.v1.DashboardService/ListTeams").then().statusCode(200);
    }

    @Test
    void withoutTheLocalSecretNobodySignsIn() {
        for (String secret : new String[] {null, "", "wrong", LocalSignInTestProfile.SECRET + "x", LocalSignInTestProfile.SECRET.substring(1)}) {
            var request = given().formParam("name", "mallory").formParam("teams", "agent-services-admins");
            if (secret != null) {
                request = request.formParam("secret", secret);
            }
            request.post("/local/token").then().statusCode(401).body("error", equalTo("bad_secret"));
            var form = given().redirects().follow(false).formParam("name", "mallory").formParam("teams", "agent-services-admins");
            if (secret != null) {
                form = form.formParam("secret", secret);
            }
            form.post("/local/sign-in").then().statusCode(401).header("Set-Cookie", org.hamcrest.Matchers.nullValue());
        }
    }

    @Test
    void scriptsGetATokenForTheAuthorizationHeader() {
        String token = given().formParam("secret", LocalSignInTestProfile.SECRET).formParam("name", "ci-bot").formParam("teams", "agent-services-admins").post("/local/token")
                .then().statusCode(200).extract().asString();
        given().auth().oauth2(token).contentType("application/json").body("{\"agent\":\"zelda\",\"prompt\":\"x\",\"team\":\"t\"}")
                .post("/api/dashboard/api.v1.DashboardService/CreateSession").then().statusCode(400)
                .body("code", equalTo("invalid_argument"));
        given().auth().oauth2(token + "x").contentType("application/json").body("{}")
                .post("/api/dashboard/api.v1.DashboardService/ListTeams").then().statusCode(401);
    }
}
