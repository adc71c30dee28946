package dev.agentservices.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.testing.PgTestServer;
import dev.agentservices.common.testing.S3ProxyTestResource;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The history across processes, as an operator runs it: the four packaged services with a PostgreSQL
 * ({@code PGHOST}…), {@code SESSION_IDLE_TIMEOUT=3s} and {@code SESSION_LIVE_RETENTION=10s}. Twelve Slack sessions
 * that end leave the live {@code sessions} bucket within 30 s; the dashboard still lists all twelve and shows their
 * conversations, also after it restarted; and a thread reply to one of them is answered as its next turn, in the same
 * agent conversation.
 */
class HistoryEndToEndIT {

    private static final String SIGNING_SECRET = "history-e2e-slack-signing-secret";
    private static final String TOKEN_SECRET = "history-e2e-runner-token-secret-32-bytes";
    private static final String TMUX_SOCKET = "agent-services-history-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String SIGN_IN_SECRET = "history-e2e-" + UUID.randomUUID();
    private static final Map<String, String> NATS_PASSWORDS = Map.of(
            "webhook-gateway", "gateway-" + UUID.randomUUID(), "runner-api", "runner-" + UUID.randomUUID(),
            "dashboard-api", "dashboard-" + UUID.randomUUID(), "session-worker", "worker-" + UUID.randomUUID());
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final S3ProxyTestResource s3 = new S3ProxyTestResource();
    private static final List<Process> services = new ArrayList<>();
    private static NatsTestServer nats;
    private static WireMockServer slack;
    private static Map<String, String> history;
    private static int gatewayPort;
    private static int dashboardPort;
    private static Process dashboard;

    @BeforeAll
    static void startEverything() throws Exception {
        nats = NatsTestServer.start(PackagedServices.ROOT.resolve("deploy/nats/nats-server.conf"), Map.of(
                "NATS_GATEWAY_PASSWORD", NATS_PASSWORDS.get("webhook-gateway"),
                "NATS_RUNNER_API_PASSWORD", NATS_PASSWORDS.get("runner-api"),
                "NATS_DASHBOARD_PASSWORD", NATS_PASSWORDS.get("dashboard-api"),
                "NATS_WORKER_PASSWORD", NATS_PASSWORDS.get("session-worker")));
        slack = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        slack.start();
        slack.stubFor(get(urlPathEqualTo("/api/conversations.replies")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"messages\":[]}")));
        slack.stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        Map<String, String> database = PgTestServer.newDatabase();
        history = Map.of("PGHOST", database.get("history.host"), "PGPORT", database.get("history.port"),
                "PGDATABASE", database.get("history.database"), "PGUSER", database.get("history.user"), "PGSSLMODE", "disable");

        gatewayPort = PackagedServices.freePort();
        int runnerPort = PackagedServices.freePort();
        int workerPort = PackagedServices.freePort();
        dashboardPort = PackagedServices.freePort();
        start("webhook-gateway", gatewayPort, Map.of("SLACK_SIGNING_SECRET", SIGNING_SECRET));
        Map<String, String> runner = new HashMap<>(Map.of("RUNNER_TOKEN_SECRET", TOKEN_SECRET));
        s3.start().forEach((property, value) -> runner.put(property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
        start("runner-api", runnerPort, runner);
        Path runEnv = Files.createTempFile("history-e2e-run-", ".env");
        Files.writeString(runEnv, "ANTHROPIC_API_KEY=sk-ant-history-e2e\nSTAND_IN_CLAUDE_SECONDS=1\n");
        Map<String, String> worker = new HashMap<>(history);
        worker.putAll(Map.ofEntries(
                Map.entry("SLACK_SIGNING_SECRET", SIGNING_SECRET),
                Map.entry("SLACK_BOT_TOKEN", "xoxb-history-e2e"),
                Map.entry("SLACK_API_URL", slack.baseUrl() + "/api"),
                Map.entry("SESSION_LAUNCHER", "local"),
                Map.entry("SESSION_LOCAL_RUNNER_COMMAND", PackagedServices.ROOT.resolve("deploy/runner/entrypoint.sh").toString()),
                Map.entry("SESSION_LOCAL_AGENT_COMMAND", PackagedServices.ROOT
                        .resolve("session-worker/src/test/resources/stand-in-claude/claude") + " -p"),
                Map.entry("SESSION_LOCAL_TMUX_SOCKET", TMUX_SOCKET),
                Map.entry("SESSION_LOCAL_RUN_ENV_FILE", runEnv.toString()),
                Map.entry("SESSION_IDLE_TIMEOUT", "3s"),
                Map.entry("SESSION_LIVE_RETENTION", "10s"),
                Map.entry("WORKER_HISTORY_ARCHIVE_INTERVAL", "1s"),
                Map.entry("RUNNER_API_URL", "http://127.0.0.1:" + runnerPort),
                Map.entry("RUNNER_TOKEN_SECRET", TOKEN_SECRET)));
        start("session-worker", workerPort, worker);
        dashboard = startDashboard();
        for (int port : List.of(gatewayPort, runnerPort, workerPort, dashboardPort)) {
            await().atMost(Duration.ofSeconds(90)).until(() -> PackagedServices.ready(port));
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        PackagedServices.stopAll(services, TMUX_SOCKET);
        s3.stop();
        if (slack != null) {
            slack.stop();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void twelveEndedSessionsLeaveTheLiveBucketStayOnTheDashboardAndAReplyBringsOneBack() throws Exception {
        List<String> threads = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String ts = "1712500000." + String.format("%06d", i) + (int) (Math.random() * 10);
            threads.add(ts);
            assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> history task " + i)));
        }
        for (String ts : threads) {
            await().atMost(Duration.ofSeconds(90)).until(() -> replies(ts).size() == 1);
        }
        List<String> ids = new ArrayList<>();
        for (String ts : threads) {
            ids.add(sessionId(SessionKey.slack("buck", "C0HIST", ts)));
        }
        long ended = System.nanoTime();

        // they leave the live bucket: run ended (idle 3 s), 10 s of retention, archived
        await().atMost(Duration.ofSeconds(45)).until(() -> ids.stream().noneMatch(HistoryEndToEndIT::live));
        long seconds = Duration.ofNanos(System.nanoTime() - ended).toSeconds();
        assertTrue(seconds <= 30, "the sessions left the live bucket " + seconds + " s after their answers");

        long changes;
        try (io.nats.client.Connection connection = probe()) {
            changes = connection.jetStreamManagement().getStreamInfo("HISTORY").getStreamState().getMsgCount();
        }
        // a mention's life publishes what the history keeps (created, its pod, running, its answer, its run's end), not the
        // writes that alter nothing there (reply markers, progress, dedup ids): 60 for these 12 in the runs so far
        assertTrue(changes <= 12 * 6, changes + " change events for 12 mentions");
        String token = localToken();
        assertListsAndShowsAll(token, ids, threads);
        dashboard.destroy();
        dashboard.waitFor();
        services.remove(dashboard);
        dashboard = startDashboard();
        await().atMost(Duration.ofSeconds(90)).until(() -> PackagedServices.ready(dashboardPort));
        assertListsAndShowsAll(localToken(), ids, threads);

        // a reply in one thread: the session comes back from the history as its next turn, in the same conversation
        String ts = threads.get(3);
        String conversation = replies(ts).get(0).replaceAll("(?s)^Turn 1 of conversation ([^:]+):.*", "$1");
        assertEquals(200, sendSlack(slackEvent("message", "1712500100." + (int) (Math.random() * 1_000_000), ts, "- and the docs")));
        await().atMost(Duration.ofSeconds(60)).until(() -> replies(ts).size() == 2);
        assertTrue(replies(ts).get(1).startsWith("Turn 2 of conversation " + conversation + ": "), replies(ts).toString());
        assertTrue(live(ids.get(3)), "the session is live again");
        JsonNode back = JSON.readTree(connect(localToken(), "GetSession", "{\"id\":\"" + ids.get(3) + "\"}")).path("session");
        assertEquals(2, back.path("turn").asInt(), back.toString());
    }

    /** The dashboard lists every one of {@code ids} and shows each conversation with its question and answer. */
    private static void assertListsAndShowsAll(String token, List<String> ids, List<String> threads) throws Exception {
        JsonNode list = JSON.readTree(connect(token, "ListSessions", "{\"sources\":[\"SESSION_SOURCE_SLACK\"],\"pageSize\":50}"));
        List<String> listed = new ArrayList<>();
        list.path("sessions").forEach(session -> listed.add(session.path("id").asText()));
        assertTrue(listed.containsAll(ids), "listed " + listed + ", expected all of " + ids);
        for (int i = 0; i < ids.size(); i++) {
            JsonNode session = JSON.readTree(connect(token, "GetSession", "{\"id\":\"" + ids.get(i) + "\"}")).path("session");
            assertEquals("<@U0BUCK> history task " + i, session.path("messages").path(0).path("text").asText(), session.toString());
            assertTrue(session.path("lastAssistantMessage").asText().startsWith("Turn 1 of conversation "), session.toString());
            assertEquals("SESSION_STATUS_SUCCEEDED", session.path("status").asText());
        }
        JsonNode found = JSON.readTree(connect(token, "ListSessions", "{\"text\":\"history task\"}"));
        assertEquals(12, found.path("sessions").size(), "the messages are searchable: " + found);
    }

    private static boolean live(String id) {
        try (io.nats.client.Connection connection = probe()) {
            KeyValueEntry entry = connection.keyValue("sessions").get(id);
            return entry != null && entry.getOperation() == KeyValueOperation.PUT;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sessionId(SessionKey key) throws Exception {
        try (io.nats.client.Connection connection = probe()) {
            return connection.keyValue("session-index").get(key.kvKey()).getValueAsString();
        }
    }

    private static io.nats.client.Connection probe() throws Exception {
        return io.nats.client.Nats.connect(io.nats.client.Options.builder().server(nats.localUrl())
                .userInfo("session-worker", NATS_PASSWORDS.get("session-worker")).inboxPrefix("_INBOX_session-worker").build());
    }

    private static List<String> replies(String threadTs) throws Exception {
        List<String> texts = new ArrayList<>();
        for (var request : slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(threadTs))))) {
            texts.add(JSON.readTree(request.getBodyAsString()).path("text").asText());
        }
        return texts;
    }

    private static String slackEvent(String type, String ts, String threadTs, String text) {
        return "{\"type\":\"event_callback\",\"api_app_id\":\"A0HIST\",\"event_id\":\"Ev" + UUID.randomUUID() + "\","
                + "\"event\":{\"type\":\"" + type + "\",\"user\":\"U0ANA\",\"text\":\"" + text + "\",\"ts\":\"" + ts + "\","
                + (threadTs == null ? "" : "\"thread_ts\":\"" + threadTs + "\",") + "\"channel\":\"C0HIST\"}}";
    }

    private static int sendSlack(String body) throws Exception {
        return HTTP.send(PackagedServices.signedSlackEvent(gatewayPort, SIGNING_SECRET, body).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String localToken() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + dashboardPort + "/local/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("secret=" + SIGN_IN_SECRET + "&name=e2e&teams=agent-services-admins")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String connect(String token, String method, String json) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + dashboardPort
                + "/api/dashboard/api.v1.DashboardService/" + method)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), method + ": " + response.body());
        return response.body();
    }

    private static Process startDashboard() throws Exception {
        Map<String, String> environment = new HashMap<>(history);
        environment.putAll(Map.of(
                "DASHBOARD_LOCAL_SIGN_IN_ENABLED", "true",
                "DASHBOARD_LOCAL_SIGN_IN_SECRET", SIGN_IN_SECRET,
                "QUARKUS_OIDC_AUTH_SERVER_URL", "http://localhost:" + dashboardPort + "/local",
                "QUARKUS_OIDC_DISCOVERY_ENABLED", "false",
                "QUARKUS_OIDC_JWKS_PATH", "jwks",
                "QUARKUS_OIDC_TOKEN_ISSUER", "urn:agent-services:local-sign-in",
                "QUARKUS_OIDC_TOKEN_AUDIENCE", "urn:agent-services:local-dashboard",
                "DASHBOARD_CLIENT_CHECK", "false"));
        return start("dashboard-api", dashboardPort, environment);
    }

    private static Process start(String module, int port, Map<String, String> environment) throws Exception {
        Map<String, String> all = new HashMap<>(environment);
        all.put("NATS_URL", nats.localUrl());
        all.put("NATS_USER", module);
        all.put("NATS_PASSWORD", NATS_PASSWORDS.get(module));
        all.put("NATS_MANAGE_TOPOLOGY", Boolean.toString(module.equals("session-worker")));
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Process process = PackagedServices.start(module, "history-e2e", all);
        services.add(process);
        return process;
    }
}
