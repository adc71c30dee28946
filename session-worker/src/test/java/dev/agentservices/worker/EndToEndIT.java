package dev.agentservices.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.not;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import dev.agentservices.common.model.SessionKey;
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

    private static final Path ROOT = PackagedServices.ROOT;
    private static final String SIGNING_SECRET = "e2e-slack-signing-secret";
    /** Agent dolly answers with a model: the Slack stub also speaks the Anthropic Messages API under /anthropic. */
    private static final String DOLLY_SIGNING_SECRET = "e2e-dolly-slack-signing-secret";
    private static final String TOKEN_SECRET = "e2e-runner-token-secret-32-bytes-or-more";
    private static final String TMUX_SOCKET = "agent-services-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Claude Code's print mode as it behaves: never reads its terminal, takes 3 s a turn, continues conversations. */
    private static final String STAND_IN_CLAUDE = ROOT.resolve("session-worker/src/test/resources/stand-in-claude/claude").toString();

    private static NatsTestServer nats;
    private static final String LOCAL_SIGN_IN_SECRET = "e2e-" + UUID.randomUUID();
    private static final Map<String, String> NATS_PASSWORDS = Map.of(
            "webhook-gateway", "gateway-" + UUID.randomUUID(), "runner-api", "runner-" + UUID.randomUUID(),
            "dashboard-api", "dashboard-" + UUID.randomUUID(), "session-worker", "worker-" + UUID.randomUUID());
    private static final S3ProxyTestResource s3 = new S3ProxyTestResource();
    private static WireMockServer slack;
    private static final List<Process> services = new ArrayList<>();
    private static int gatewayPort;
    private static int workerPort;
    private static Process worker;
    private static Map<String, String> workerEnvironment;
    private static int dashboardPort;

    @BeforeAll
    static void startEverything() throws Exception {
        // NATS as production runs it: deploy/nats/nats-server.conf, one user per service with its permissions
        nats = NatsTestServer.start(ROOT.resolve("deploy/nats/nats-server.conf"), Map.of(
                "NATS_GATEWAY_PASSWORD", NATS_PASSWORDS.get("webhook-gateway"),
                "NATS_RUNNER_API_PASSWORD", NATS_PASSWORDS.get("runner-api"),
                "NATS_DASHBOARD_PASSWORD", NATS_PASSWORDS.get("dashboard-api"),
                "NATS_WORKER_PASSWORD", NATS_PASSWORDS.get("session-worker")));
        slack = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1")
                .extensions(new SlackThread()));
        slack.start();
        slack.stubFor(get(urlPathEqualTo("/api/conversations.replies")).willReturn(aResponse().withTransformers(SlackThread.NAME)));
        slack.stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));

        gatewayPort = freePort();
        int runnerPort = freePort();
        workerPort = freePort();
        start("webhook-gateway", gatewayPort, Map.of("SLACK_SIGNING_SECRET", SIGNING_SECRET,
                "DOLLY_SLACK_SIGNING_SECRET", DOLLY_SIGNING_SECRET));
        Map<String, String> runnerEnvironment = new java.util.HashMap<>(Map.of("RUNNER_TOKEN_SECRET", TOKEN_SECRET));
        s3.start().forEach((property, value) -> runnerEnvironment.put(
                property.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"), value));
        start("runner-api", runnerPort, runnerEnvironment);
        workerEnvironment = Map.ofEntries(
                Map.entry("SLACK_SIGNING_SECRET", SIGNING_SECRET),
                Map.entry("SLACK_BOT_TOKEN", "xoxb-e2e"),
                Map.entry("DOLLY_SLACK_SIGNING_SECRET", DOLLY_SIGNING_SECRET),
                Map.entry("DOLLY_SLACK_BOT_TOKEN", "xoxb-e2e-dolly"),
                Map.entry("DOLLY_ANTHROPIC_API_KEY", "sk-ant-e2e"),
                Map.entry("DOLLY_ANTHROPIC_BASE_URL", slack.baseUrl() + "/anthropic"),
                Map.entry("SLACK_API_URL", slack.baseUrl() + "/api"),
                Map.entry("SESSION_LAUNCHER", "local"),
                Map.entry("SESSION_LOCAL_RUNNER_COMMAND", ROOT.resolve("deploy/runner/entrypoint.sh").toString()),
                Map.entry("SESSION_LOCAL_AGENT_COMMAND", STAND_IN_CLAUDE + " -p"),
                Map.entry("SESSION_LOCAL_TMUX_SOCKET", TMUX_SOCKET),
                // what each run gets in its environment (nothing else of the worker's reaches it)
                Map.entry("SESSION_LOCAL_RUN_ENV_FILE", runEnvFile().toString()),
                Map.entry("RUNNER_API_URL", "http://127.0.0.1:" + runnerPort),
                Map.entry("WORKER_CONSUMER_ACK_WAIT", "3s"),
                Map.entry("RUNNER_TOKEN_SECRET", TOKEN_SECRET));
        worker = start("session-worker", workerPort, workerEnvironment);
        dashboardPort = freePort();
        start("dashboard-api", dashboardPort, Map.of(
                "DASHBOARD_LOCAL_SIGN_IN_ENABLED", "true",
                "DASHBOARD_LOCAL_SIGN_IN_SECRET", LOCAL_SIGN_IN_SECRET,
                "QUARKUS_OIDC_AUTH_SERVER_URL", "http://localhost:" + dashboardPort + "/local",
                "QUARKUS_OIDC_DISCOVERY_ENABLED", "false",
                "QUARKUS_OIDC_JWKS_PATH", "jwks",
                "QUARKUS_OIDC_TOKEN_ISSUER", "urn:agent-services:local-sign-in",
                "QUARKUS_OIDC_TOKEN_AUDIENCE", "urn:agent-services:local-dashboard",
                "DASHBOARD_CLIENT_CHECK", "false"));
        for (int port : List.of(gatewayPort, runnerPort, workerPort, dashboardPort)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> ready(port));
        }
    }

    /** The runs' credentials (the stand-in CLI, like the real one, needs some) and its turn length. */
    private static Path runEnvFile() throws IOException {
        Path file = Files.createTempFile("e2e-run-", ".env");
        Files.writeString(file, "ANTHROPIC_API_KEY=sk-ant-e2e-run\nSTAND_IN_CLAUDE_SECONDS=3\nRUNNER_NO_OUTPUT_TIMEOUT=8\n");
        return file;
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
    void withAModelTheAgentAnswersAQuestionItselfAndAnswersATaskWithARunWhoseOutcomeItReadsFirst() throws Exception {
        String messages = "/anthropic/v1/messages";
        slack.stubFor(post(urlEqualTo(messages)).withRequestBody(containing("what is 2+2?")).willReturn(modelAnswer(
                "[{\"type\":\"text\",\"text\":\"4.\"}]")));
        slack.stubFor(post(urlEqualTo(messages)).withRequestBody(containing("fix the build").and(not(containing("tool_result"))))
                .willReturn(modelAnswer("[{\"type\":\"tool_use\",\"id\":\"toolu_e2e_run\",\"name\":\"start_run\","
                        + "\"input\":{\"instructions\":\"Run the build, repair what fails.\"}}]")));
        slack.stubFor(post(urlEqualTo(messages)).withRequestBody(containing("\"tool_use_id\":\"toolu_e2e_run\""))
                .willReturn(modelAnswer("[{\"type\":\"text\",\"text\":\"The build passes again.\"}]")));

        String question = newTs();
        assertEquals(200, sendSlack(slackEvent("app_mention", question, null, "<@U0DOLLY> what is 2+2?"), null, DOLLY_SIGNING_SECRET));
        assertEquals(List.of("4."), awaitReplies(question, 1), "the model's answer, and no run's");

        String task = newTs();
        assertEquals(200, sendSlack(slackEvent("app_mention", task, null, "<@U0DOLLY> fix the build"), null, DOLLY_SIGNING_SECRET));
        assertEquals(List.of("The build passes again."), awaitReplies(task, 1), "the model's answer to the run's outcome");

        // the run took the model's instructions, and its outcome went back to the model as start_run's result
        var toolResult = new com.fasterxml.jackson.databind.ObjectMapper().readTree(slack.findAll(postRequestedFor(urlEqualTo(messages))
                .withRequestBody(containing("\"tool_use_id\":\"toolu_e2e_run\""))).get(0).getBodyAsString())
                .at("/messages/2/content/0");
        assertEquals("tool_result", toolResult.path("type").asText());
        String outcome = toolResult.path("content").asText();
        assertTrue(outcome.matches("(?s)The coding agent finished turn 1: SUCCEEDED\\.\nIts final message:\n<<<RUN [0-9a-f]{12} final message\n"
                + "Turn 1 of conversation .*"),
                outcome);
        assertTrue(outcome.contains("starting \"Run the build, repair what fails.\""), outcome);
        slack.verify(1, postRequestedFor(urlEqualTo(messages)).withRequestBody(containing("what is 2+2?")));
        slack.verify(postRequestedFor(urlEqualTo("/api/chat.postMessage")).withHeader("Authorization", equalTo("Bearer xoxb-e2e-dolly"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(task))));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder modelAnswer(String content) {
        return aResponse().withHeader("Content-Type", "application/json").withBody("{\"id\":\"msg_e2e\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"content\":" + content + ",\"stop_reason\":\"end_turn\","
                + "\"usage\":{\"input_tokens\":50,\"output_tokens\":10}}");
    }

    @Test
    void slackMentionIsAnsweredInItsThreadExactlyOnce() throws Exception {
        String ts = newTs();
        String body = slackEvent("app_mention", ts, null, "<@U0BUCK> please fix the flaky test and leave notes");

        assertEquals(200, sendSlack(body));
        assertEquals(200, sendSlack(body));

        List<String> replies = awaitReplies(ts, 1);
        assertTrue(replies.get(0).startsWith("Turn 1 of conversation "), replies.get(0));
        assertTrue(replies.get(0).contains("\u2022 file: notes.md " + S3ProxyTestResource.endpoint() + "/"
                + S3ProxyTestResource.BUCKET + "/uploads/sessions/"), replies.get(0));
        slack.verify(postRequestedFor(urlEqualTo("/api/chat.postMessage")).withHeader("Authorization", equalTo("Bearer xoxb-e2e"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(ts))));
    }

    @Test
    void aSlackWebhooksTraceGoesOnInTheWorkerTheRunsProcessAndRunnerApi() throws Exception {
        String ts = newTs();
        String traceId = HexFormat.of().formatHex(UUID.randomUUID().toString().replace("-", "").substring(0, 16)
                .getBytes(StandardCharsets.US_ASCII));

        assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> please show your trace"),
                "00-" + traceId + "-00f067aa0ba902b7-01"));

        List<String> replies = awaitReplies(ts, 1);
        assertTrue(replies.get(0).matches("TRACEPARENT=00-" + traceId + "-[0-9a-f]{16}-0[01]"),
                "the run's process gets the webhook's trace: " + replies.get(0));
        for (String module : List.of("session-worker", "runner-api")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(Path.of("target", "e2e-" + module + ".log"))
                    .contains("traceId=" + traceId));
        }
    }

    @Test
    void aThreadReplyWhileTheTurnRunsIsAnsweredAsTheNextTurnOfTheSameConversation() throws Exception {
        String ts = newTs();
        assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> please fix the flaky test")));
        // the reply comes while the 3-second turn runs, in a thread the worker already knows
        await().atMost(Duration.ofSeconds(20)).until(() -> sessionExists(SessionKey.slack("buck", "C0E2E", ts)));
        assertEquals(200, sendSlack(slackEvent("message", newTs(), ts, "- also update the docs")));

        List<String> replies = awaitReplies(ts, 2);
        String conversation = replies.get(0).replaceAll("(?s)^Turn 1 of conversation ([^:]+):.*", "$1");
        assertTrue(replies.get(0).startsWith("Turn 1 of conversation " + conversation + ":"), replies.toString());
        assertTrue(replies.get(1).startsWith("Turn 2 of conversation " + conversation + ": 22 characters, starting \"- also update"),
                replies.toString());
    }

    @Test
    void aTurnWhoseAgentExitsNonZeroGetsExactlyOneReplySayingItFailed() throws Exception {
        String ts = newTs();
        assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> please exit with 3")));
        List<String> replies = awaitReplies(ts, 1);
        assertTrue(replies.get(0).startsWith("The turn failed: claude exited with 3"), replies.get(0));
        // its last lines are in the reply, the run's key masked
        assertTrue(replies.get(0).contains("stand-in: exiting with 3 as asked (key [masked])"), replies.get(0));
        assertFalse(replies.get(0).contains("sk-ant-e2e-run"), replies.get(0));
    }

    @Test
    void aTurnWhoseAgentPrintsNothingIsStoppedByTheWatchdogAndRepliedAsFailed() throws Exception {
        String ts = newTs();
        assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> please hang quietly")));
        List<String> replies = awaitReplies(ts, 1);
        assertTrue(replies.get(0).startsWith("The turn failed: the agent printed nothing for 8s and was stopped"), replies.get(0));
    }

    @Test
    void theDashboardStartsASessionAndStreamsTheWorkersStatusChanges() throws Exception {
        String token = HTTP.send(HttpRequest.newBuilder(URI.create(dashboard("/local/token")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("secret=" + LOCAL_SIGN_IN_SECRET + "&name=e2e&teams=agent-services-admins,e2e")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        // a prompt that looks like a flag is text for the agent, not an option of its CLI
        String created = connect(token, "CreateSession", "{\"agent\":\"buck\",\"team\":\"e2e\",\"prompt\":\"--version\"}");
        String id = created.replaceAll("(?s).*\"id\":\"([^\"]+)\".*", "$1");
        // the worker creates the record once CONTROL delivers the command: until then GetSession answers 404
        await().atMost(Duration.ofSeconds(60)).until(() -> call(token, "GetSession", "{\"id\":\"" + id + "\"}").body()
                .contains("SESSION_STATUS_SUCCEEDED"));
        assertTrue(call(token, "GetSession", "{\"id\":\"" + id + "\"}").body().contains("starting \\\"--version\\\""));

        List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        HTTP.sendAsync(HttpRequest.newBuilder(URI.create(dashboard("/api/sessions/" + id + "/events")))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofLines())
                .thenAccept(response -> response.body().forEach(events::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(e -> e.contains("\"status\":\"SUCCEEDED\"")));

        // a 200 KB follow-up beginning with "-": CONTROL → worker → the waiting run's turn 2, streamed from the KV watch
        String longText = "- " + "x".repeat(199_998);
        connect(token, "SendMessage", "{\"id\":\"" + id + "\",\"text\":\"" + longText + "\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
                .anyMatch(e -> e.contains("\"status\":\"SUCCEEDED\"") && e.contains("\"turn\":2")));
        assertTrue(events.stream().anyMatch(e -> e.contains("\"status\":\"RUNNING\"") && e.contains("\"turn\":2")), events.toString());
        String session = call(token, "GetSession", "{\"id\":\"" + id + "\"}").body();
        assertTrue(session.contains("Turn 2 of conversation ") && session.contains(": 200000 characters, starting \\\"- xxx"), session);
        assertTrue(session.contains("\"run\":1"), "the run waiting for turns took it: " + session);
        // the worker's price for the tokens the runs reported (per turn: 1000 input, 150 output, 200 cache writes, 3000 cache
        // reads at $3, $15, $3.75 and $0.30 a million), not the cost they reported
        assertTrue(session.contains("\"costUsd\":0.0138"), "usage summed over both turns: " + session);
    }

    @Test
    void inInteractiveModeTheAgentsTuiTakesFollowUpsAndAPersonCanTypeIntoIt() throws Exception {
        putTeam("{\"v\":1,\"teamId\":\"interactive-e2e\",\"slackChannels\":[\"C0INT\"],\"concurrencyLimit\":0,"
                + "\"runnerMode\":\"interactive\"}");
        String ts = newTs();
        assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> please look at the build", "C0INT")));
        List<String> first = awaitReplies(ts, 1);
        assertTrue(first.get(0).startsWith("Turn 1 of conversation "), first.toString());
        String conversation = first.get(0).replaceAll("(?s)^Turn 1 of conversation ([^:]+):.*", "$1");

        // the follow-up is pasted into the TUI, and the Stop hook reports the answer
        assertEquals(200, sendSlack(slackEvent("message", newTs(), ts, "- also update the docs", "C0INT")));
        List<String> both = awaitReplies(ts, 2);
        assertTrue(both.get(1).startsWith("Turn 2 of conversation " + conversation + ": 22 characters, starting \"- also update"),
                both.toString());

        // the run's terminal shows the agent itself, and a person typing into it is answered there
        String id = sessionId(SessionKey.slack("buck", "C0INT", ts));
        String tmuxSession = "session-" + id.substring(0, 18) + "-1";
        assertEquals(0, new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "send-keys", "-t", tmuxSession, "-l", "--", "what now?")
                .start().waitFor());
        assertEquals(0, new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "send-keys", "-t", tmuxSession, "Enter").start().waitFor());
        await().atMost(Duration.ofSeconds(30)).until(() -> pane(tmuxSession).contains("Turn 3 of conversation " + conversation));
        assertTrue(pane(tmuxSession).contains("Claude Code stand-in: conversation " + conversation), pane(tmuxSession));

        // paused, the pane's scrollback is saved; resumed, the new run shows it before the agent's new output
        String token = localToken();
        connect(token, "PauseSession", "{\"id\":\"" + id + "\"}");
        await().atMost(Duration.ofSeconds(60)).until(() -> call(token, "GetSession", "{\"id\":\"" + id + "\"}").body()
                .contains("SESSION_STATUS_PAUSED"));
        connect(token, "ResumeSession", "{\"id\":\"" + id + "\"}");
        String resumed = "session-" + id.substring(0, 18) + "-2";
        await().atMost(Duration.ofSeconds(60)).until(() -> pane(resumed).contains("Turn 4 of conversation " + conversation));
        String screen = pane(resumed);
        assertTrue(screen.indexOf("Turn 3 of conversation " + conversation) < screen.indexOf("--- resumed")
                && screen.indexOf("--- resumed") < screen.indexOf("Turn 4 of conversation"), screen);
    }

    private static String localToken() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(dashboard("/local/token")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("secret=" + LOCAL_SIGN_IN_SECRET + "&name=e2e&teams=agent-services-admins,e2e")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void aWorkerKilledWhileSlackHoldsItsPostLeavesExactlyOneReplyAfterItRestarts() throws Exception {
        String ts = newTs();
        // Slack takes the post at once but answers only after 8 s: the worker dies before it hears back
        slack.stubFor(post(urlEqualTo("/api/chat.postMessage")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(ts)))
                .willReturn(aResponse().withFixedDelay(8000).withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        assertEquals(200, sendSlack(slackEvent("app_mention", ts, null, "<@U0BUCK> please answer once")));
        await().atMost(Duration.ofSeconds(60)).until(() -> replies(ts).size() == 1);

        worker.destroyForcibly().waitFor(); // SIGKILL, mid-request
        services.remove(worker);
        worker = start("session-worker", workerPort, workerEnvironment);
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(workerPort));

        // the restarted worker takes the outcome again, finds the reply in the thread, and records it
        await().atMost(Duration.ofSeconds(60)).until(() -> session(SessionKey.slack("buck", "C0E2E", ts)).path("repliedTurn").asInt() == 1);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> replies(ts).size() == 1);
    }

    private static com.fasterxml.jackson.databind.JsonNode session(SessionKey key) throws Exception {
        try (io.nats.client.Connection connection = probe()) {
            var id = connection.keyValue("session-index").get(key.kvKey());
            var entry = id == null ? null : connection.keyValue("sessions").get(id.getValueAsString());
            return entry == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance()
                    : new com.fasterxml.jackson.databind.ObjectMapper().readTree(entry.getValue());
        }
    }

    /**
     * Slack's {@code conversations.replies} as Slack answers it: the thread's messages that Slack received (the
     * WireMock request journal), with the metadata they were posted with.
     */
    public static final class SlackThread implements com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2 {
        static final String NAME = "slack-thread";

        @Override
        public com.github.tomakehurst.wiremock.http.ResponseDefinition transform(
                com.github.tomakehurst.wiremock.stubbing.ServeEvent serveEvent) {
            String thread = serveEvent.getRequest().queryParameter("ts").firstValue();
            var mapper = new com.fasterxml.jackson.databind.ObjectMapper();
            var messages = mapper.createArrayNode();
            for (var posted : slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                    .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread))))) {
                try {
                    var body = mapper.readTree(posted.getBodyAsString());
                    var message = messages.addObject().put("ts", "1712399999." + messages.size()).put("text", body.path("text").asText());
                    if (body.has("metadata")) {
                        message.set("metadata", body.get("metadata"));
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
            return com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder.responseDefinition().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(mapper.createObjectNode().put("ok", true).<com.fasterxml.jackson.databind.node.ObjectNode>set(
                            "messages", messages).toString()).build();
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return NAME;
        }
    }

    private static String pane(String tmuxSession) throws Exception {
        Process capture = new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "capture-pane", "-p", "-J", "-t", tmuxSession)
                .redirectErrorStream(true).start();
        String text = new String(capture.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        capture.waitFor();
        return text;
    }

    private static void putTeam(String json) throws Exception {
        try (io.nats.client.Connection connection = probe()) {
            String teamId = json.replaceAll(".*\"teamId\":\"([^\"]+)\".*", "$1");
            connection.keyValue("teams").put(teamId, json.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String sessionId(SessionKey key) throws Exception {
        try (io.nats.client.Connection connection = probe()) {
            return connection.keyValue("session-index").get(key.kvKey()).getValueAsString();
        }
    }

    private static List<String> awaitReplies(String threadTs, int count) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> replies(threadTs).size() >= count);
        // and no further reply follows (a duplicate delivery must not post again)
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> replies(threadTs).size() == count);
        return replies(threadTs);
    }

    private static List<String> replies(String threadTs) throws Exception {
        List<String> texts = new ArrayList<>();
        for (var request : slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(threadTs))))) {
            texts.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(request.getBodyAsString()).path("text").asText());
        }
        return texts;
    }

    private static boolean sessionExists(SessionKey key) throws Exception {
        try (io.nats.client.Connection connection = probe()) {
            return connection.keyValue("session-index").get(key.kvKey()) != null;
        }
    }

    /** A connection for the test's own looks into NATS, as the worker (the one user that reads every bucket). */
    private static io.nats.client.Connection probe() throws Exception {
        return io.nats.client.Nats.connect(io.nats.client.Options.builder().server(nats.localUrl())
                .userInfo("session-worker", NATS_PASSWORDS.get("session-worker")).inboxPrefix("_INBOX_session-worker").build());
    }

    @Test
    void everyServiceRunsWithItsOwnNatsUserAndNoLogLineHoldsAPassword() throws Exception {
        String serverLog = nats.log();
        for (String module : NATS_PASSWORDS.keySet()) {
            String log = Files.readString(Path.of("target", "e2e-" + module + ".log"));
            assertTrue(log.contains("NATS connected"), module + " did not connect:\n" + log);
            for (String password : NATS_PASSWORDS.values()) {
                assertFalse(log.contains(password), module + "'s log holds a NATS password");
            }
        }
        assertFalse(serverLog.contains("Violation"), "a service did something its NATS user may not:\n" + serverLog);
    }

    private static String newTs() {
        return "1712345678." + String.format("%06d", (int) (Math.random() * 1_000_000));
    }

    private static String slackEvent(String type, String ts, String threadTs, String text) {
        return slackEvent(type, ts, threadTs, text, "C0E2E");
    }

    private static String slackEvent(String type, String ts, String threadTs, String text, String channel) {
        return "{\"type\":\"event_callback\",\"api_app_id\":\"A0E2E\",\"event_id\":\"Ev" + UUID.randomUUID() + "\","
                + "\"event\":{\"type\":\"" + type + "\",\"user\":\"U0ANA\",\"text\":\"" + text + "\",\"ts\":\"" + ts + "\","
                + (threadTs == null ? "" : "\"thread_ts\":\"" + threadTs + "\",") + "\"channel\":\"" + channel + "\"}}";
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
        return sendSlack(body, null);
    }

    private static int sendSlack(String body, String traceparent) throws Exception {
        return sendSlack(body, traceparent, SIGNING_SECRET);
    }

    /** Sends a Slack event signed with {@code secret}, with a W3C {@code traceparent} header unless it is null. */
    private static int sendSlack(String body, String traceparent, String secret) throws Exception {
        HttpRequest.Builder request = PackagedServices.signedSlackEvent(gatewayPort, secret, body);
        if (traceparent != null) {
            request.header("traceparent", traceparent);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static Process start(String module, int port, Map<String, String> environment) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(environment);
        all.put("NATS_URL", nats.localUrl());
        all.put("NATS_USER", module);
        all.put("NATS_PASSWORD", NATS_PASSWORDS.get(module));
        // the worker owns the streams and buckets; the others may not create them
        all.put("NATS_MANAGE_TOPOLOGY", Boolean.toString(module.equals("session-worker")));
        all.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        Process process = PackagedServices.start(module, "e2e", all);
        services.add(process);
        return process;
    }

    private static boolean ready(int port) {
        return PackagedServices.ready(port);
    }

    private static int freePort() throws IOException {
        return PackagedServices.freePort();
    }
}
