package dev.agentservices.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.testing.S3ProxyTestResource;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The whole path across processes: a signed Slack event → webhook-gateway → WEBHOOKS → session-worker →
 * local launcher → the reference runner in tmux (its demo agent leaves a file, uploaded to s3proxy) →
 * runner-api → RUNNER → session-worker → exactly one reply at the Slack stub; and a session started and
 * steered from dashboard-api, whose event stream shows the worker's changes. The services run from
 * their packaged jars.
 */
class EndToEndIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final String SIGNING_SECRET = "e2e-slack-signing-secret";
    private static final String TOKEN_SECRET = "e2e-runner-token-secret-32-bytes-or-more";
    private static final String TMUX_SOCKET = "agent-services-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static NatsTestServer nats;
    private static final S3ProxyTestResource s3 = new S3ProxyTestResource();
    private static WireMockServer slack;
    private static final List<Process> services = new ArrayList<>();
    private static int gatewayPort;
    private static int dashboardPort;

    @BeforeAll
    static void startEverything() throws Exception {
        nats = NatsTestServer.start();
        slack = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        slack.start();
        slack.stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));

        gatewayPort = freePort();
        int runnerPort = freePort();
        int workerPort = freePort();
        start("webhook-gateway", gatewayPort, Map.of("SLACK_SIGNING_SECRET", SIGNING_SECRET));
        Map<String, String> runnerEnvironment = new java.util.HashMap<>(Map.of("RUNNER_TOKEN_SECRET", TOKEN_SECRET));
        s3.start().forEach((property, value) -> runnerEnvironment.put(
                property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
        start("runner-api", runnerPort, runnerEnvironment);
        start("session-worker", workerPort, Map.of(
                "SLACK_SIGNING_SECRET", SIGNING_SECRET,
                "SLACK_BOT_TOKEN", "xoxb-e2e",
                "SLACK_API_URL", slack.baseUrl() + "/api",
                "SESSION_LAUNCHER", "local",
                "SESSION_LOCAL_RUNNER_COMMAND", ROOT.resolve("deploy/runner/entrypoint.sh").toString(),
                "SESSION_LOCAL_AGENT_COMMAND", ROOT.resolve("deploy/runner/demo-agent.sh").toString(),
                "SESSION_LOCAL_TMUX_SOCKET", TMUX_SOCKET,
                "DEMO_AGENT_SECONDS", "0",
                "RUNNER_API_URL", "http://127.0.0.1:" + runnerPort,
                "RUNNER_TOKEN_SECRET", TOKEN_SECRET));
        dashboardPort = freePort();
        start("dashboard-api", dashboardPort, Map.of(
                "DASHBOARD_LOCAL_SIGN_IN_ENABLED", "true",
                "QUARKUS_OIDC_AUTH_SERVER_URL", "http://localhost:" + dashboardPort + "/local",
                "QUARKUS_OIDC_DISCOVERY_ENABLED", "false",
                "QUARKUS_OIDC_JWKS_PATH", "jwks",
                "QUARKUS_OIDC_TOKEN_ISSUER", "urn:agent-services:local-sign-in"));
        for (int port : List.of(gatewayPort, runnerPort, workerPort, dashboardPort)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ready(port));
        }
    }

    @AfterAll
    static void stopEverything() throws Exception {
        for (Process service : services) {
            service.destroy();
            service.waitFor();
        }
        new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "kill-server").start().waitFor();
        s3.stop();
        if (slack != null) {
            slack.stop();
        }
        if (nats != null) {
            nats.close();
        }
    }

    @Test
    void slackMentionIsAnsweredInItsThreadExactlyOnce() throws Exception {
        String ts = "1712345678." + String.format("%06d", (int) (Math.random() * 1_000_000));
        String body = "{\"type\":\"event_callback\",\"api_app_id\":\"A0E2E\",\"event_id\":\"Ev" + UUID.randomUUID() + "\","
                + "\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"<@U0BUCK> please fix the flaky test\","
                + "\"ts\":\"" + ts + "\",\"channel\":\"C0E2E\"}}";

        assertEquals(200, sendSlack(body));
        assertEquals(200, sendSlack(body));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))));
        // and no second reply follows (the duplicate delivery must not post again)
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))));
        slack.verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withHeader("Authorization", equalTo("Bearer xoxb-e2e"))
                .withRequestBody(matchingJsonPath("$.channel", equalTo("C0E2E")))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(ts)))
                .withRequestBody(matchingJsonPath("$.text", containing("I looked into: please fix the flaky test")))
                .withRequestBody(matchingJsonPath("$.text", containing("• file: notes.md " + S3ProxyTestResource.endpoint()
                        + "/" + S3ProxyTestResource.BUCKET + "/uploads/sessions/"))));
    }

    @Test
    void theDashboardStartsASessionAndStreamsTheWorkersStatusChanges() throws Exception {
        String token = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard("/local/token")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=e2e&teams=agent-services-admins,e2e")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String created = connect(token, "CreateSession", "{\"agent\":\"buck\",\"team\":\"e2e\",\"prompt\":\"tidy the docs\"}");
        String id = created.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        // the worker creates the record once CONTROL delivers the command: until then GetSession answers 404
        await().atMost(Duration.ofSeconds(60)).until(() -> call(token, "GetSession", "{\"id\":\"" + id + "\"}").body()
                .contains("SESSION_STATUS_SUCCEEDED"));

        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        HTTP.sendAsync(HttpRequest.newBuilder(URI.create(dashboard("/api/sessions/" + id + "/events")))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(events::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.contains("\"status\":\"SUCCEEDED\"")));

        // a follow-up from the dashboard: CONTROL → worker → a second run, each step streamed from the KV watch
        connect(token, "SendMessage", "{\"id\":\"" + id + "\",\"text\":\"and the changelog\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
                .anyMatch(e -> e.contains("\"status\":\"SUCCEEDED\"") && e.contains("\"run\":2")));
        assertTrue(events.stream().anyMatch(e -> e.contains("\"status\":\"RUNNING\"") && e.contains("\"run\":2")), events.toString());
    }

    private static String dashboard(String path) {
        return "http://localhost:" + dashboardPort + path;
    }

    private static String connect(String token, String method, String json) throws Exception {
        HttpResponse<String> response = call(token, method, json);
        assertEquals(200, response.statusCode(), method + ": " + response.body());
        return response.body();
    }

    private static HttpResponse<String> call(String token, String method, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(dashboard("/api/dashboard/api.v1.DashboardService/" + method)))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int sendSlack(String body) throws Exception {
        long timestamp = System.currentTimeMillis() / 1000;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "v0=" + HexFormat.of().formatHex(
                mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8)));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gatewayPort + "/webhooks/slack/events"))
                .header("Content-Type", "application/json")
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void start(String module, int port, Map<String, String> environment) throws IOException {
        Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build the whole project (mvn verify) first");
        }
        ProcessBuilder builder = new ProcessBuilder("java", "-Dquarkus.profile=e2e", "-jar", jar.toString())
                .directory(ROOT.toFile())
                .redirectErrorStream(true)
                .redirectOutput(Path.of("target", "e2e-" + module + ".log").toFile());
        builder.environment().putAll(environment);
        builder.environment().put("NATS_URL", nats.localUrl());
        builder.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        services.add(builder.start());
    }

    private static boolean ready(int port) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
