package dev.agentservices.dashboard.auth;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Browsers signed in by the session cookie: the same checks as a bearer token, plus the Connect CSRF rule. */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class SessionCookieTest {

    static final String BASE = "/api/dashboard/api.v1.DashboardService/";
    static final String COOKIE = "agent_services_session";

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Test
    void theCookieSignsInConnectCallsThatCarryTheProtocolHeader() {
        Session session = new DashboardFixtures(store, view).session("team-a");
        given().cookie(COOKIE, DashboardTestProfile.memberToken()).header("Connect-Protocol-Version", "1")
                .contentType("application/json").body("{\"id\":\"" + session.id() + "\"}").post(BASE + "GetSession")
                .then().statusCode(200).body("session.id", equalTo(session.id()));
        given().cookie(COOKIE, DashboardTestProfile.memberToken()).urlEncodingEnabled(false)
                .get(BASE + "GetSession?encoding=json&message=%7B%22id%22%3A%22" + session.id() + "%22%7D")
                .then().statusCode(200);
    }

    @Test
    void aCookieSignedPostWithoutTheProtocolHeaderIsRefusedAsCrossSite() {
        Session session = new DashboardFixtures(store, view).session("team-a");
        given().cookie(COOKIE, DashboardTestProfile.memberToken()).contentType("application/json")
                .body("{\"id\":\"" + session.id() + "\"}").post(BASE + "TerminateSession")
                .then().statusCode(403).body("code", equalTo("permission_denied"));
    }

    @Test
    void theCookieSignsInTheEventStreamAndABadCookieDoesNot() {
        Session session = new DashboardFixtures(store, view).session("team-a");
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                + "/api/sessions/" + session.id() + "/events")).header("Cookie", COOKIE + "=" + DashboardTestProfile.memberToken())
                .build(), HttpResponse.BodyHandlers.ofLines()).thenAccept(response -> response.body().forEach(lines::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> lines.stream().anyMatch(l -> l.contains("\"status\":\"PENDING\"")));
        given().cookie(COOKIE, DashboardTestProfile.token(DashboardTestProfile.ISSUER, DashboardTestProfile.AUDIENCE, -600))
                .get("/api/sessions/" + session.id() + "/events").then().statusCode(401);
        given().cookie(COOKIE, "not-a-token").contentType("application/json").header("Connect-Protocol-Version", "1")
                .body("{}").post(BASE + "ListTeams").then().statusCode(401).body("code", equalTo("unauthenticated"));
    }

}
