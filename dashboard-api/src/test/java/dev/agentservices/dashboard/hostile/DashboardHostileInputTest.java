package dev.agentservices.dashboard.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.common.testing.Hostile;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.dashboard.terminal.TerminalClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.jwt.build.Jwt;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/**
 * Hostile requests to the dashboard: every method of the API with another team's session or settings, or
 * as a member where only admins may; tokens that are expired, foreign, unsigned or for another audience on
 * the API, the event stream and the terminal; Connect protocol abuse. Each gets a 4xx with a JSON error
 * (the terminal's upgrade refusal aside, which has no body), never a 5xx, and nothing reaches CONTROL or
 * the team settings.
 */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class DashboardHostileInputTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String API = "/api/dashboard/api.v1.DashboardService/";
    private static final String OTHER = "{other}";
    private static final String TEAMLESS = "{teamless}";

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Inject
    TeamStore teams;

    @Inject
    Vertx vertx;

    /** One hostile request; {@code {other}} and {@code {teamless}} in path or body name sessions made for it. */
    record Case(String name, String method, String path, Caller caller, String contentType, String body, Map<String, String> headers) {
        @Override
        public String toString() {
            return name;
        }
    }

    enum Caller {
        NONE, MEMBER, GARBAGE, EXPIRED, OTHER_ISSUER, OTHER_AUDIENCE, OTHER_CLIENT, NO_CLIENT, ALG_NONE, OTHER_KEY, NOT_YET_VALID,
        NO_GROUPS
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAJsonMessageAndNothingChanged(Case hostile) throws Exception {
        DashboardFixtures fixtures = new DashboardFixtures(store, view);
        Session other = fixtures.session("team-b", SessionStatus.SUCCEEDED, "pod-b");
        Session teamless = fixtures.session(null, SessionStatus.SUCCEEDED, "pod-t");
        long teamsBefore = teams.all().size();
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            String path = hostile.path().replace(OTHER, other.id()).replace(TEAMLESS, teamless.id());
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                    .method(hostile.method(), hostile.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(hostile.body().replace(OTHER, other.id()).replace(TEAMLESS, teamless.id())));
            String token = token(hostile.caller());
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            if (hostile.contentType() != null) {
                request.header("Content-Type", hostile.contentType());
            }
            hostile.headers().forEach(request::header);
            Hostile.assertJsonRefusal(hostile, HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(0, control.messagesAfter(mark).size(), hostile + ": a command was stored");
        }
        assertEquals(teamsBefore, teams.all().size(), hostile + ": team settings changed");
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        // every method where a member of team-a reaches past their team, or where only admins may
        Map<String, String> crossTeam = new LinkedHashMap<>();
        crossTeam.put("ListSessions", "{\"teams\":[\"team-b\"]}");
        crossTeam.put("GetSession", "{\"id\":\"" + OTHER + "\"}");
        crossTeam.put("CreateSession", "{\"agent\":\"buck\",\"team\":\"team-b\",\"prompt\":\"x\"}");
        crossTeam.put("DeleteSession", "{\"id\":\"" + OTHER + "\"}");
        crossTeam.put("PauseSession", "{\"id\":\"" + OTHER + "\"}");
        crossTeam.put("ResumeSession", "{\"id\":\"" + OTHER + "\"}");
        crossTeam.put("TerminateSession", "{\"id\":\"" + OTHER + "\"}");
        crossTeam.put("SendMessage", "{\"id\":\"" + OTHER + "\",\"text\":\"rm -rf /\"}");
        crossTeam.put("GetMetrics", "{\"teams\":[\"team-b\"]}");
        crossTeam.put("GetTeamSettings", "{\"teamId\":\"team-b\"}");
        crossTeam.put("UpdateTeamSettings", "{\"settings\":{\"teamId\":\"team-evil\",\"slackChannels\":[\"C0ALL\"]}}");
        crossTeam.put("ListDeadLetters", "{}");
        crossTeam.put("ReplayDeadLetter", "{\"sequence\":1}");
        crossTeam.forEach((method, body) -> cases.add(connect(method + " as a member of another team", method, Caller.MEMBER, body)));
        for (String method : List.of("GetSession", "DeleteSession", "PauseSession", "ResumeSession", "TerminateSession", "SendMessage")) {
            cases.add(connect(method + " on a session without a team", method, Caller.MEMBER,
                    "{\"id\":\"" + TEAMLESS + "\",\"text\":\"hi\"}"));
        }
        for (String method : List.of("ListSessions", "GetMetrics", "CreateSession")) {
            cases.add(connect(method + " with no team in the token", method, Caller.NO_GROUPS, "{\"agent\":\"buck\",\"prompt\":\"x\"}"));
        }
        // tokens that must not pass, on the API, the event stream and the Connect GET form
        for (Caller caller : Caller.values()) {
            if (caller == Caller.MEMBER || caller == Caller.NO_GROUPS) {
                continue;
            }
            String name = caller.name().toLowerCase().replace('_', ' ');
            cases.add(connect("ListSessions with token " + name, "ListSessions", caller, "{}"));
            cases.add(connect("UpdateTeamSettings with token " + name, "UpdateTeamSettings", caller,
                    "{\"settings\":{\"teamId\":\"team-evil\"}}"));
            cases.add(connect("SendMessage with token " + name, "SendMessage", caller, "{\"id\":\"" + OTHER + "\",\"text\":\"x\"}"));
            cases.add(new Case("events with token " + name, "GET", "/api/sessions/" + OTHER + "/events", caller, null, null,
                    Map.of("Accept", "text/event-stream")));
            cases.add(new Case("Connect GET with token " + name, "GET", API + "GetSession?connect=v1&encoding=json&message="
                    + java.net.URLEncoder.encode("{\"id\":\"" + OTHER + "\"}", StandardCharsets.UTF_8), caller, null, null, Map.of()));
        }
        cases.add(new Case("events of another team's session", "GET", "/api/sessions/" + OTHER + "/events", Caller.MEMBER, null, null,
                Map.of("Accept", "text/event-stream")));
        cases.add(new Case("events of a session without a team", "GET", "/api/sessions/" + TEAMLESS + "/events", Caller.MEMBER, null, null,
                Map.of("Accept", "text/event-stream")));
        // the Connect protocol itself
        cases.add(connect("an unknown method", "DropAllTables", Caller.MEMBER, "{}"));
        cases.add(new Case("a method with side effects by GET", "GET", API + "TerminateSession?connect=v1&encoding=json&message=%7B%7D",
                Caller.MEMBER, null, null, Map.of()));
        cases.add(new Case("text/plain", "POST", API + "ListSessions", Caller.MEMBER, "text/plain", "{}", Map.of()));
        cases.add(new Case("no content type", "POST", API + "ListSessions", Caller.MEMBER, null, "{}", Map.of()));
        cases.add(new Case("Connect-Protocol-Version 2", "POST", API + "ListSessions", Caller.MEMBER, "application/json", "{}",
                Map.of("Connect-Protocol-Version", "2")));
        cases.add(connect("broken JSON", "GetSession", Caller.MEMBER, "{\"id\":"));
        cases.add(connect("a JSON array", "GetSession", Caller.MEMBER, "[]"));
        cases.add(connect("a page size of a million", "ListSessions", Caller.MEMBER, "{\"pageSize\":1000000}"));
        cases.add(connect("a page token never given", "ListSessions", Caller.MEMBER, "{\"pageToken\":\"../../etc/passwd\"}"));
        cases.add(connect("a huge number", "ListSessions", Caller.MEMBER, "{\"pageSize\":99999999999999999999999}"));
        cases.add(connect("deep nesting", "ListSessions", Caller.MEMBER, "{\"text\":" + "[".repeat(3000) + "]".repeat(3000) + "}"));
        cases.add(connect("an empty id", "GetSession", Caller.MEMBER, "{\"id\":\"\"}"));
        cases.add(connect("a path in the id", "GetSession", Caller.MEMBER, "{\"id\":\"../../sessions/x\"}"));
        cases.add(connect("metrics over a backward range", "GetMetrics", Caller.MEMBER,
                "{\"from\":\"2026-11-29T00:00:00Z\",\"to\":\"2026-11-01T00:00:00Z\"}"));
        cases.add(new Case("invalid base64 in a GET", "GET", API + "ListSessions?connect=v1&encoding=proto&base64=1&message=!!!!",
                Caller.MEMBER, null, null, Map.of()));
        cases.add(new Case("gzip that is not gzip", "POST", API + "ListSessions", Caller.MEMBER, "application/json", "{}",
                Map.of("Content-Encoding", "gzip")));
        cases.add(new Case("unsupported compression", "POST", API + "ListSessions", Caller.MEMBER, "application/json", "{}",
                Map.of("Content-Encoding", "br")));
        cases.add(new Case("a timeout that is no number", "POST", API + "ListSessions", Caller.MEMBER, "application/json", "{}",
                Map.of("Connect-Timeout-Ms", "soon")));
        cases.add(new Case("a path traversal", "GET", "/api/sessions/..%2F..%2Fq%2Fmetrics/events", Caller.MEMBER, null, null, Map.of()));
        return cases.stream();
    }

    /**
     * A Connect call that declares a 20 MB body, with no token or a forged one, is answered 401 before any of the body
     * is sent: the body is never read, so many of them at once cannot fill the heap.
     */
    @Test
    void aConnectBodyFromNobodyIsRefusedBeforeItIsRead() throws Exception {
        for (String authorization : new String[] {null, "Bearer " + DashboardTestProfile.token("https://evil.example.com", "api://default", 300),
                "Bearer not.a.token"}) {
            try (java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port)) {
                socket.setSoTimeout(10_000);
                String head = "POST " + API + "ListSessions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 20000000\r\n" + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
                socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                // not a byte of the body sent: an answer now means the body was not waited for
                StringBuilder answer = new StringBuilder();
                byte[] chunk = new byte[4096];
                while (!answer.toString().contains("}")) {
                    int read = socket.getInputStream().read(chunk);
                    if (read < 0) {
                        break;
                    }
                    answer.append(new String(chunk, 0, read, java.nio.charset.StandardCharsets.UTF_8));
                }
                assertTrue(answer.toString().startsWith("HTTP/1.1 401"), authorization + ": " + answer);
                assertTrue(answer.toString().contains("\"code\":\"unauthenticated\""), answer.toString());
            }
        }
    }

    /** The terminal's upgrade: refused without a token, with a foreign one, for another team, from another origin. */
    @Test
    void theTerminalRefusesStrangersForeignTokensOtherTeamsAndOtherOrigins() throws Exception {
        DashboardFixtures fixtures = new DashboardFixtures(store, view);
        Session other = fixtures.session("team-b", SessionStatus.RUNNING, "pod-tty");
        Session teamless = fixtures.session(null, SessionStatus.RUNNING, "pod-tty2");
        Session own = fixtures.session("team-a", SessionStatus.RUNNING, "pod-tty3");
        int port = RestAssured.port;
        for (Caller caller : Caller.values()) {
            if (caller == Caller.MEMBER || caller == Caller.NO_GROUPS) {
                continue;
            }
            assertEquals(401, TerminalClient.connect(vertx, port, own.id(), token(caller), null, null), caller.name());
        }
        assertEquals(403, TerminalClient.connect(vertx, port, other.id(), token(Caller.MEMBER), null, null));
        assertEquals(403, TerminalClient.connect(vertx, port, teamless.id(), token(Caller.MEMBER), null, null));
        assertEquals(403, TerminalClient.connect(vertx, port, own.id(), token(Caller.MEMBER), "https://evil.example.com", null));
    }

    private static Case connect(String name, String method, Caller caller, String body) {
        return new Case(name, "POST", API + method, caller, "application/json", body, Map.of("Connect-Protocol-Version", "1"));
    }

    private static String token(Caller caller) throws Exception {
        Instant now = Instant.now();
        return switch (caller) {
            case NONE -> null;
            case MEMBER -> DashboardTestProfile.memberToken();
            case GARBAGE -> "not.a.token";
            case EXPIRED -> DashboardTestProfile.token(DashboardTestProfile.ISSUER, DashboardTestProfile.AUDIENCE, -600);
            case OTHER_ISSUER -> DashboardTestProfile.token("https://evil.example.com/oauth2/default", DashboardTestProfile.AUDIENCE, 300);
            case OTHER_AUDIENCE -> DashboardTestProfile.token(DashboardTestProfile.ISSUER, "api://another-app", 300);
            // the organization's other apps get tokens of the same audience: only the dashboard's own clients count
            case OTHER_CLIENT -> Jwt.issuer(DashboardTestProfile.ISSUER).audience(DashboardTestProfile.AUDIENCE).subject("ana")
                    .groups("team-a").claim("cid", "0oa-another-app").issuedAt(now.minusSeconds(60)).expiresAt(now.plusSeconds(300))
                    .jws().keyId("1").sign("privateKey.jwk");
            case NO_CLIENT -> Jwt.issuer(DashboardTestProfile.ISSUER).audience(DashboardTestProfile.AUDIENCE).subject("ana")
                    .groups("team-a").issuedAt(now.minusSeconds(60)).expiresAt(now.plusSeconds(300)).jws().keyId("1").sign("privateKey.jwk");
            case NO_GROUPS -> Jwt.issuer(DashboardTestProfile.ISSUER).audience(DashboardTestProfile.AUDIENCE).subject("nobody")
                    .upn("nobody@example.com").claim("cid", DashboardTestProfile.CLIENT).issuedAt(now.minusSeconds(60)).expiresAt(now.plusSeconds(300))
                    .jws().keyId("1").sign("privateKey.jwk");
            case NOT_YET_VALID -> Jwt.issuer(DashboardTestProfile.ISSUER).audience(DashboardTestProfile.AUDIENCE).subject("ana")
                    .groups("team-a").claim("cid", DashboardTestProfile.CLIENT).issuedAt(now.plusSeconds(3600)).claim("nbf", now.plusSeconds(3600).getEpochSecond())
                    .expiresAt(now.plusSeconds(7200)).jws().keyId("1").sign("privateKey.jwk");
            case ALG_NONE -> Hostile.unsigned(claims(now));
            case OTHER_KEY -> Hostile.signedByAnotherKey(claims(now), "1");
        };
    }

    private static Map<String, Object> claims(Instant now) {
        return Map.of("iss", DashboardTestProfile.ISSUER, "aud", DashboardTestProfile.AUDIENCE, "sub", "root",
                "groups", List.of("agent-services-admins"), "iat", now.getEpochSecond() - 60, "exp", now.getEpochSecond() + 300);
    }

}
