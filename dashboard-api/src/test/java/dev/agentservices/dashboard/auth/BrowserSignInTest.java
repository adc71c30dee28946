package dev.agentservices.dashboard.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.dashboard.DashboardTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Browser sign-in with the issuer: the authorization code flow with PKCE against quarkus-test-oidc-server. */
@QuarkusTest
@TestProfile(BrowserSignInTest.Profile.class)
@Tag("component")
class BrowserSignInTest {

    /** The dashboard with an Okta client configured. */
    public static class Profile extends DashboardTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("dashboard.sign-in.client-id", "quarkus-web-app");
            config.put("dashboard.sign-in.client-secret", "secret");
            return config;
        }
    }

    @Test
    void theCodeFlowEndsWithTheIssuersAccessTokenInAHardenedSessionCookie() {
        ExtractableResponse<Response> login = given().redirects().follow(false).queryParam("return", "/sessions/42")
                .get("/auth/login").then().statusCode(302).extract();
        URI authorize = URI.create(login.header("Location"));
        Map<String, String> query = query(authorize);
        assertEquals("code", query.get("response_type"));
        assertEquals("S256", query.get("code_challenge_method"));
        assertEquals("quarkus-web-app", query.get("client_id"));
        String loginCookie = login.cookie(BrowserSignInResource.LOGIN_COOKIE);
        assertTrue(login.header("Set-Cookie").contains("HttpOnly"));

        // the test issuer's sign-in page sends the browser back with a code
        String back = given().redirects().follow(false).queryParam("redirect_uri", query.get("redirect_uri"))
                .queryParam("state", query.get("state"))
                .get(authorize.getScheme() + "://" + authorize.getAuthority() + "/login").then().statusCode(302)
                .extract().header("Location");
        URI callback = URI.create(back);
        ExtractableResponse<Response> signedIn = given().redirects().follow(false).cookie(BrowserSignInResource.LOGIN_COOKIE, loginCookie)
                .get(callback.getPath() + "?" + callback.getRawQuery()).then().statusCode(303).extract();
        assertEquals("/sessions/42", URI.create(signedIn.header("Location")).getPath());
        String session = signedIn.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith("agent_services_session="))
                .findFirst().orElseThrow();
        assertTrue(session.contains("HttpOnly") && session.contains("Secure") && session.contains("SameSite=Strict"), session);
        String token = session.substring("agent_services_session=".length(), session.indexOf(';'));
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"iss\""), claims);
    }

    @Test
    void aCallbackWithoutItsLoginCookieOrWithAnotherStateIsRefused() {
        given().redirects().follow(false).get("/auth/callback?code=abc&state=forged").then().statusCode(400)
                .body("error", equalTo("sign_in_failed"));
        given().redirects().follow(false).cookie(BrowserSignInResource.LOGIN_COOKIE, "real.verifier.Lw")
                .get("/auth/callback?code=abc&state=forged").then().statusCode(400);
        given().redirects().follow(false).get("/auth/callback?error=access_denied&state=x").then().statusCode(401);
    }

    @Test
    void onlyPathsOfThisDashboardAreReturnedTo() {
        assertEquals("/", BrowserSignInResource.safeReturn("https://evil.example.com"));
        assertEquals("/", BrowserSignInResource.safeReturn("//evil.example.com"));
        assertEquals("/", BrowserSignInResource.safeReturn("/\\evil.example.com"));
        assertEquals("/sessions", BrowserSignInResource.safeReturn("/sessions"));
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new HashMap<>();
        for (String pair : uri.getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            values.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return values;
    }
}
