package dev.agentservices.dashboard.connect;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.proto.api.v1.GetSessionRequest;
import dev.agentservices.proto.api.v1.GetSessionResponse;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.config.DecoderConfig;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
class ConnectResourceTest {

    static final String ISSUER = DashboardTestProfile.ISSUER;
    static final String AUDIENCE = DashboardTestProfile.AUDIENCE;
    static final String BASE = "/api/dashboard/api.v1.DashboardService/";

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Inject
    dev.agentservices.common.team.TeamStore teams;

    @Inject
    dev.agentservices.common.team.SpendLedger ledger;

    @Test
    void getSessionInJsonAndInProto() throws Exception {
        Session session = newSession();
        given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/json")
                .body("{\"id\":\"" + session.id() + "\"}").post(BASE + "GetSession")
                .then().statusCode(200).contentType("application/json")
                .body("session.id", equalTo(session.id()))
                .body("session.sessionKey", equalTo(session.key().toString()))
                .body("session.status", equalTo("SESSION_STATUS_PENDING"));

        byte[] answer = given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/proto")
                .body(GetSessionRequest.newBuilder().setId(session.id()).build().toByteArray()).post(BASE + "GetSession")
                .then().statusCode(200).contentType("application/proto").extract().asByteArray();
        assertEquals(session.id(), GetSessionResponse.parseFrom(answer).getSession().getId());
    }

    @Test
    void listSessionsByGetWithQueryParametersInAnyOrder() {
        Session session = newSession();
        String message = URLEncoder.encode("{\"agents\":[\"buck\"],\"text\":\"" + session.title() + "\"}", StandardCharsets.UTF_8);
        given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).urlEncodingEnabled(false)
                .get(BASE + "ListSessions?message=" + message + "&encoding=json&connect=v1")
                .then().statusCode(200).body("sessions.id", hasItem(session.id())).body("totalSize", equalTo(1));
    }

    @Test
    void gzippedRequestBodyIsAccepted() throws Exception {
        Session session = newSession();
        ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gzipped)) {
            out.write(("{\"id\":\"" + session.id() + "\"}").getBytes(StandardCharsets.UTF_8));
        }
        given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/json").header("Content-Encoding", "gzip")
                .header("Connect-Protocol-Version", "1").body(gzipped.toByteArray()).post(BASE + "GetSession")
                .then().statusCode(200).body("session.id", equalTo(session.id()));
    }

    @Test
    void largeAnswersAreGzippedForCallersThatAcceptIt() throws Exception {
        for (int i = 0; i < 10; i++) {
            newSession();
        }
        // RestAssured unzips what it reads, so the body checks below read the decompressed JSON
        given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/json")
                .header("Accept-Encoding", "gzip").body("{}").post(BASE + "ListSessions")
                .then().statusCode(200).header("Content-Encoding", "gzip").body("sessions.size()", greaterThanOrEqualTo(10));

        given().config(RestAssured.config().decoderConfig(DecoderConfig.decoderConfig().noContentDecoders()))
                .auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/json")
                .body("{}").post(BASE + "ListSessions")
                .then().statusCode(200).header("Content-Encoding", nullValue());
        assertTrue(ConnectResource.acceptsGzip("br;q=1.0, gzip;q=0.8"));
        assertFalse(ConnectResource.acceptsGzip("gzip;q=0, identity"));
        assertFalse(ConnectResource.acceptsGzip("identity"));
    }

    @Test
    void oversizedMessagesAndGzipBombsAreRefusedAsResourceExhausted() throws Exception {
        ByteArrayOutputStream bomb = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bomb)) {
            byte[] zeros = new byte[64 * 1024];
            for (int i = 0; i < 64; i++) { // 4 MiB of zeros, a few KiB zipped
                out.write(zeros);
            }
        }
        given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/proto").header("Content-Encoding", "gzip")
                .body(bomb.toByteArray()).post(BASE + "GetSession")
                .then().statusCode(429).body("code", equalTo("resource_exhausted"));
        given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/json")
                .body("{\"text\":\"" + "x".repeat(2 * 1024 * 1024) + "\"}").post(BASE + "ListSessions")
                .then().statusCode(429).body("code", equalTo("resource_exhausted"));
    }

    @Test
    void terminateGoesToTheWorkerOverControl() throws Exception {
        Session session = newSession();
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            given().auth().oauth2(token(ISSUER, AUDIENCE, 300)).contentType("application/json")
                    .body("{\"id\":\"" + session.id() + "\"}").post(BASE + "TerminateSession").then().statusCode(200);
            assertEquals("control.buck." + session.id() + ".terminate", control.messagesAfter(mark).get(0).getSubject());
        }
    }

    @Test
    void errorsUseConnectCodesAndStatuses() {
        String token = token(ISSUER, AUDIENCE, 300);
        given().auth().oauth2(token).contentType("application/json").body("{\"id\":\"nope\"}").post(BASE + "GetSession")
                .then().statusCode(404).body("code", equalTo("not_found"));
        given().auth().oauth2(token).contentType("application/json").body("{}").post(BASE + "Fly")
                .then().statusCode(404).body("code", equalTo("unimplemented"));
        given().auth().oauth2(token).contentType("text/plain").body("{}").post(BASE + "GetSession").then().statusCode(415);
        given().auth().oauth2(token).contentType("application/json").body("{\"id\":").post(BASE + "GetSession")
                .then().statusCode(400).body("code", equalTo("invalid_argument"));
        given().auth().oauth2(token).urlEncodingEnabled(false).get(BASE + "TerminateSession?encoding=json&message=%7B%7D")
                .then().statusCode(400).body("code", equalTo("invalid_argument"));
    }

    @Test
    void everyCallNeedsAValidTokenFromTheIssuer() {
        String body = "{\"id\":\"x\"}";
        given().contentType("application/json").body(body).post(BASE + "GetSession").then().statusCode(401)
                .contentType("application/json").body("code", equalTo("unauthenticated"));
        given().auth().oauth2(token("https://evil.example.com", AUDIENCE, 300)).contentType("application/json").body(body)
                .post(BASE + "GetSession").then().statusCode(401).body("code", equalTo("unauthenticated"));
        given().auth().oauth2(token(ISSUER, "api://someone-else", 300)).contentType("application/json").body(body)
                .post(BASE + "GetSession").then().statusCode(401).body("code", equalTo("unauthenticated"));
        given().auth().oauth2(token(ISSUER, AUDIENCE, -600)).contentType("application/json").body(body)
                .post(BASE + "GetSession").then().statusCode(401).body("code", equalTo("unauthenticated"));
        given().urlEncodingEnabled(false).get(BASE + "ListTeams?encoding=json&message=%7B%7D").then().statusCode(401)
                .body("code", equalTo("unauthenticated"));
    }

    @Test
    void usersSeeAndSteerOnlyTheirTeamsSessionsAndAdminsAll() {
        Session other = newSession("team-b");
        String member = token(ISSUER, AUDIENCE, 300);
        given().auth().oauth2(member).contentType("application/json").body("{\"id\":\"" + other.id() + "\"}")
                .post(BASE + "GetSession").then().statusCode(403).body("code", equalTo("permission_denied"));
        given().auth().oauth2(member).contentType("application/json").body("{\"id\":\"" + other.id() + "\"}")
                .post(BASE + "TerminateSession").then().statusCode(403).body("code", equalTo("permission_denied"));
        given().auth().oauth2(member).contentType("application/json").body("{\"text\":\"" + other.title() + "\"}")
                .post(BASE + "ListSessions").then().statusCode(200).body("sessions", nullValue()); // proto3 JSON omits empty fields
        given().auth().oauth2(member).contentType("application/json").body("{\"teams\":[\"team-b\"]}")
                .post(BASE + "ListSessions").then().statusCode(403).body("code", equalTo("permission_denied"));

        String admin = DashboardTestProfile.adminToken();
        given().auth().oauth2(admin).contentType("application/json").body("{\"id\":\"" + other.id() + "\"}")
                .post(BASE + "GetSession").then().statusCode(200).body("session.team", equalTo("team-b"));
    }

    @Test
    void membersListAndMeasureWhileATeamlessSessionExistsWithoutSeeingIt() {
        Session teamless = newSession(null);
        String member = token(ISSUER, AUDIENCE, 300);
        given().auth().oauth2(member).contentType("application/json").body("{\"text\":\"" + teamless.title() + "\"}")
                .post(BASE + "ListSessions").then().statusCode(200).body("sessions", nullValue());
        given().auth().oauth2(member).contentType("application/json").body("{}")
                .post(BASE + "ListSessions").then().statusCode(200);
        given().auth().oauth2(member).contentType("application/json").body("{}")
                .post(BASE + "GetMetrics").then().statusCode(200);
        given().auth().oauth2(member).contentType("application/json").body("{\"id\":\"" + teamless.id() + "\"}")
                .post(BASE + "GetSession").then().statusCode(403).body("code", equalTo("permission_denied"));

        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body("{\"text\":\"" + teamless.title() + "\"}").post(BASE + "ListSessions").then().statusCode(200)
                .body("sessions.id", hasItem(teamless.id()));
    }

    @Test
    void aTurnsCostAndTokensShowInGetSessionAndSummedPerTeamAndAgentInAnAdminsMetricsWithItsBudget() {
        String team = "team-cost-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        Session session = newSession(team);
        java.time.Instant now = java.time.Instant.now();
        store.update(session.id(), s -> s.withNextTurn(new dev.agentservices.common.session.SessionMessage("U0ANA", "go",
                java.util.List.of(), now), now).withStatus(dev.agentservices.common.session.SessionStatus.RUNNING, "pod-c", now)
                .withTurnOutcome(1, dev.agentservices.common.session.SessionStatus.SUCCEEDED, "Done.", java.util.List.of(),
                        new dev.agentservices.common.session.Usage(1200, 340, 500, 7000, 0.75, 9000), null, "claude-1", "o1",
                        now.plusSeconds(30)));
        org.awaitility.Awaitility.await().until(() -> view.get(session.id()).orElseThrow().session().usage() != null);
        // the worker's charge of that turn in the spend ledger, which budgets read (not the record)
        ledger.charge(dev.agentservices.common.team.SpendLedger.Charge.turn(team, session.id(), 1, 1, 0.75, 8540, now.plusSeconds(30)));
        String admin = DashboardTestProfile.adminToken();

        given().auth().oauth2(admin).contentType("application/json").body("{\"id\":\"" + session.id() + "\"}")
                .post(BASE + "GetSession").then().statusCode(200)
                .body("session.usage.costUsd", equalTo(0.75f)).body("session.usage.inputTokens", equalTo("1200"))
                .body("session.usage.cacheReadTokens", equalTo("7000"))
                .body("session.turns[0].usage.costUsd", equalTo(0.75f)).body("session.turns[0].usage.podSeconds", equalTo(30.0f));
        given().auth().oauth2(admin).contentType("application/json").body("{\"teams\":[\"" + team + "\"]}")
                .post(BASE + "GetMetrics").then().statusCode(200)
                .body("usage.costUsd", equalTo(0.75f)).body("usageByTeam.'" + team + "'.costUsd", equalTo(0.75f))
                .body("usageByTeam.'" + team + "'.outputTokens", equalTo("340"))
                .body("usageByAgent.buck.costUsd", equalTo(0.75f));

        String settings = "{\"settings\":{\"teamId\":\"" + team + "\",\"monthlyBudgetUsd\":0.5}}";
        given().auth().oauth2(admin).contentType("application/json").body(settings).post(BASE + "UpdateTeamSettings")
                .then().statusCode(200).body("settings.monthlyBudgetUsd", equalTo(0.5f));
        given().auth().oauth2(admin).contentType("application/json").body(settings.replace("0.5", "-1"))
                .post(BASE + "UpdateTeamSettings").then().statusCode(400).body("code", equalTo("invalid_argument"));
        given().auth().oauth2(admin).contentType("application/json").body("{}").post(BASE + "GetMetrics").then().statusCode(200)
                .body("budgets.find { it.team == '" + team + "' }.spentUsd", equalTo(0.75f))
                .body("budgets.find { it.team == '" + team + "' }.exhausted", equalTo(true));
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{}")
                .post(BASE + "GetMetrics").then().statusCode(200).body("budgets.team", org.hamcrest.Matchers.not(hasItem(team)));
    }

    @Test
    void adminsManageTeamSettingsAndMembersReadTheirOwn() {
        String settings = "{\"settings\":{\"teamId\":\"team-a\",\"slackChannels\":[\"C0PAY\"],\"jiraProjects\":[\"PAY\"],"
                + "\"githubRepositories\":[\"acme/pay\"],\"concurrencyLimit\":3,\"runnerMode\":\"interactive\","
                + "\"agentPrompt\":\"Payments team: never touch prod.\"}}";
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body(settings)
                .post(BASE + "UpdateTeamSettings").then().statusCode(403).body("code", equalTo("permission_denied"));
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json").body(settings)
                .post(BASE + "UpdateTeamSettings").then().statusCode(200).body("settings.concurrencyLimit", equalTo(3))
                .body("settings.runnerMode", equalTo("interactive")).body("settings.agentPrompt", equalTo("Payments team: never touch prod."));
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body(settings.replace("Payments team: never touch prod.", "x".repeat(8_001))).post(BASE + "UpdateTeamSettings")
                .then().statusCode(400).body("message", containsString("agent_prompt is at most 8000 characters"));
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body(settings.replace("interactive", "chatty")).post(BASE + "UpdateTeamSettings").then().statusCode(400)
                .body("code", equalTo("invalid_argument"));
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json")
                .body(settings.replace("team-a", "team-z")).post(BASE + "UpdateTeamSettings").then().statusCode(200);

        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{\"teamId\":\"team-a\"}")
                .post(BASE + "GetTeamSettings").then().statusCode(200).body("settings.slackChannels[0]", equalTo("C0PAY"));
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{\"teamId\":\"team-z\"}")
                .post(BASE + "GetTeamSettings").then().statusCode(403);
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body("{}")
                .post(BASE + "ListTeams").then().statusCode(200).body("teams.id", equalTo(java.util.List.of("team-a")));
        given().auth().oauth2(DashboardTestProfile.adminToken()).contentType("application/json").body("{\"teamId\":\"nobody\"}")
                .post(BASE + "GetTeamSettings").then().statusCode(404).body("code", equalTo("not_found"));
    }

    @Test
    void teamsMapChannelsToRepositoriesAndSetTheirRunsCredentialsAndPermissions() {
        String settings = "{\"settings\":{\"teamId\":\"team-runs\",\"slackChannels\":[\"C0PAY\"],"
                + "\"repositories\":{\"C0PAY\":\"acme/pay\",\"PAY\":\"acme/pay-jobs\"},\"runnerEnvSecret\":\"pay-model-key\","
                + "\"permissionMode\":\"acceptEdits\",\"allowedTools\":\"Bash(git:*) Edit\",\"disallowedTools\":\"WebFetch\"}}";
        String admin = DashboardTestProfile.adminToken();
        given().auth().oauth2(admin).contentType("application/json").body(settings).post(BASE + "UpdateTeamSettings")
                .then().statusCode(200).body("settings.repositories.C0PAY", equalTo("acme/pay"))
                .body("settings.runnerEnvSecret", equalTo("pay-model-key")).body("settings.permissionMode", equalTo("acceptEdits"));
        var stored = teams.get("team-runs").orElseThrow();
        assertEquals("acme/pay-jobs", stored.repositoryFor("PAY").orElseThrow());
        assertEquals(new dev.agentservices.common.team.TeamSettings.Run("pay-model-key", "acceptEdits", "Bash(git:*) Edit", "WebFetch"),
                stored.run());
        given().auth().oauth2(DashboardTestProfile.memberToken()).contentType("application/json").body(settings)
                .post(BASE + "UpdateTeamSettings").then().statusCode(403);
        for (String[] bad : new String[][] {{"acme/pay-jobs", "not a repo"}, {"pay-model-key", "../other"}, {"acceptEdits", "yolo"},
                {"WebFetch", "WebFetch\\nBash"}}) {
            given().auth().oauth2(admin).contentType("application/json").body(settings.replace(bad[0], bad[1]))
                    .post(BASE + "UpdateTeamSettings").then().statusCode(400).body("code", equalTo("invalid_argument"));
        }
        assertEquals("pay-model-key", teams.get("team-runs").orElseThrow().run().envSecret());
    }

    private Session newSession() {
        return newSession("team-a");
    }

    private Session newSession(String team) {
        return new DashboardFixtures(store, view).session(team);
    }

    static String token(String issuer, String audience, long validSeconds) {
        return DashboardTestProfile.token(issuer, audience, validSeconds);
    }
}
