package dev.agentservices.runner.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.api.MessageInfo;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(RunnerSessionResourceTestProfile.class)
@Tag("component")
class RunnerSessionResourceTest {

    static final String SECRET = RunnerSessionResourceTestProfile.SECRET;

    @Inject
    SessionStore store;

    @Inject
    ObjectMapper mapper;

    @Inject
    InMemorySpanExporter spans;

    @Test
    void podGetsItsContextWithItsToken() {
        Session session = newSession();
        given().auth().oauth2(token(session.id(), SECRET, 3600)).get(path(session))
                .then().statusCode(200)
                .body("session_id", equalTo(session.id()))
                .body("agent", equalTo("buck"))
                .body("run", equalTo(1))
                .body("session_key", equalTo(session.key().toString()))
                .body("prompt", equalTo("fix the flaky test"))
                .body("messages[0].text", equalTo("fix the flaky test"))
                .body("configuration.reply_to.slackChannel", equalTo("C0RUN"))
                .body("configuration.upload_path", equalTo("/api/upload"))
                .body("configuration.complete_path", equalTo("/api/runner/sessions/" + session.id() + "/complete"));
    }

    @Test
    void completeIsPublishedOnceToRunnerAndAnswered202() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        String body = "{\"status\":\"succeeded\",\"final_message\":\"Done.\",\"artifacts\":[{\"kind\":\"pull_request\","
                + "\"title\":\"Fix\",\"url\":\"https://github.com/acme/api/pull/7\"}],\"usage\":{\"input_tokens\":10,"
                + "\"output_tokens\":5,\"cost_usd\":0.01}}";
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token).contentType("application/json").body(body).post(path(session) + "/complete")
                    .then().statusCode(202);
            given().auth().oauth2(token).contentType("application/json").body(body).post(path(session) + "/complete")
                    .then().statusCode(202);

            List<MessageInfo> stored = runner.messagesAfter(mark);
            assertEquals(1, stored.size());
            assertEquals("runner.buck." + session.id() + ".1.complete", stored.get(0).getSubject());
            assertEquals("runner:" + session.id() + ":1:1:complete", stored.get(0).getHeaders().getFirst("Nats-Msg-Id"));
            assertEquals(1, mapper.readTree(stored.get(0).getData()).get("turn").asInt());
            JsonNode outcome = mapper.readTree(stored.get(0).getData());
            assertEquals("SUCCEEDED", outcome.get("status").asText());
            assertEquals("Done.", outcome.get("finalMessage").asText());
            assertEquals("https://github.com/acme/api/pull/7", outcome.get("artifacts").get(0).get("url").asText());
            assertEquals(10, outcome.get("usage").get("inputTokens").asLong());
        }
    }

    @Test
    void completeSentWithTheRunsTraceparentIsPublishedInThatTraceUnderRunnerApisSpan() throws Exception {
        Session session = newSession();
        String traceId = "5bf92f3577b34da6a3ce929d0e0e4736";
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token(session.id(), SECRET, 3600)).header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01")
                    .contentType("application/json").body("{\"status\":\"succeeded\",\"final_message\":\"Done.\"}")
                    .post(path(session) + "/complete").then().statusCode(202);

            String[] published = runner.messagesAfter(mark).get(0).getHeaders().getFirst("traceparent").split("-");
            assertEquals(traceId, published[1], "the run's trace goes on in the published outcome");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(List.of(traceId),
                    spans.getFinishedSpanItems().stream().filter(span -> span.getSpanId().equals(published[2]))
                            .map(SpanData::getTraceId).toList(), "runner-api's span of the complete call is in the run's trace"));
        }
    }

    @Test
    void claudeCodesJsonResultIsReadIntoTheReplyItsUsageAndItsSessionId() throws Exception {
        Session session = newSession();
        String result = "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":5120,"
                + "\"num_turns\":3,\"result\":\"Fixed the flaky test.\",\"session_id\":\"4f6c1d2e-claude\","
                + "\"total_cost_usd\":0.0421,\"usage\":{\"input_tokens\":1200,\"cache_creation_input_tokens\":300,"
                + "\"cache_read_input_tokens\":9000,\"output_tokens\":450}}";
        JsonNode outcome = completeWith(session, "{\"status\":\"succeeded\",\"turn\":1,\"final_message\":"
                + mapper.writeValueAsString(result + "\n") + "}");
        assertEquals("SUCCEEDED", outcome.get("status").asText());
        assertEquals("Fixed the flaky test.", outcome.get("finalMessage").asText());
        assertEquals("4f6c1d2e-claude", outcome.get("agentSessionId").asText());
        JsonNode usage = outcome.get("usage");
        assertEquals(1200, usage.get("inputTokens").asLong());
        assertEquals(450, usage.get("outputTokens").asLong());
        assertEquals(300, usage.get("cacheCreationTokens").asLong());
        assertEquals(9000, usage.get("cacheReadTokens").asLong());
        assertEquals(0, usage.get("costUsd").asDouble(), "the cost the CLI reports is not taken: the worker prices the tokens");
        assertEquals(5120, usage.get("durationMs").asLong());
    }

    @Test
    void negativeOrAbsurdTokenCountsAre400AndNothingIsPublishedAndAReportedCostIsNeverTaken() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token).contentType("application/json")
                    .body("{\"status\":\"succeeded\",\"usage\":{\"input_tokens\":-5,\"output_tokens\":10}}")
                    .post(path(session) + "/complete").then().statusCode(400).body("error", equalTo("invalid_usage"));
            String absurd = "{\"type\":\"result\",\"result\":\"ok\",\"usage\":{\"input_tokens\":99000000000000,\"output_tokens\":1}}";
            given().auth().oauth2(token).contentType("application/json")
                    .body("{\"status\":\"succeeded\",\"final_message\":" + mapper.writeValueAsString(absurd) + "}")
                    .post(path(session) + "/complete").then().statusCode(400).body("error", equalTo("invalid_usage"));
            assertEquals(List.of(), runner.messagesAfter(mark), "nothing refused was published");

            given().auth().oauth2(token).contentType("application/json")
                    .body("{\"status\":\"succeeded\",\"final_message\":\"ok\",\"usage\":{\"input_tokens\":10,\"output_tokens\":5,\"cost_usd\":-1000}}")
                    .post(path(session) + "/complete").then().statusCode(202);
            JsonNode usage = mapper.readTree(runner.messagesAfter(mark).get(0).getData()).get("usage");
            assertEquals(10, usage.get("inputTokens").asLong());
            assertEquals(0, usage.get("costUsd").asDouble(), "a reported cost is never taken");
        }
    }

    @Test
    void anErrorResultMakesTheTurnFailedWithItsText() throws Exception {
        Session session = newSession();
        String result = "{\"type\":\"result\",\"subtype\":\"error_max_turns\",\"is_error\":true,\"result\":\"Gave up.\"}";
        JsonNode outcome = completeWith(session, "{\"status\":\"succeeded\",\"final_message\":" + mapper.writeValueAsString(result) + "}");
        assertEquals("FAILED", outcome.get("status").asText());
        assertEquals("Gave up.", outcome.get("finalMessage").asText());
        assertEquals("the agent reported an error (error_max_turns)", outcome.get("error").asText());
    }

    @Test
    void plainOutputThatLooksLikeJsonButIsNoResultStaysAsItIs() throws Exception {
        Session session = newSession();
        JsonNode outcome = completeWith(session, "{\"status\":\"succeeded\",\"final_message\":\"{\\\"a\\\":1}\"}");
        assertEquals("{\"a\":1}", outcome.get("finalMessage").asText());
    }

    @Test
    void nextAnswersAsSoonAsTheWorkerGivesTheRunItsNextTurn() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        var pending = java.util.concurrent.CompletableFuture.supplyAsync(() -> given().auth().oauth2(token)
                .get(path(session) + "/next?after=1&wait=20").then().extract().response());
        // the runner is already waiting (its watch is set up) when the follow-up arrives
        await().atMost(Duration.ofSeconds(10)).until(() -> watches(session.id()) > 0);
        store.update(session.id(), s -> s.withTurnOutcome(1, SessionStatus.SUCCEEDED, "First.", List.of(), null, null, null, "o1",
                Instant.now()).withNextTurn(new SessionMessage("U0ANA", "- also the docs", List.of(), Instant.now()), Instant.now()));
        var response = pending.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertEquals(200, response.statusCode(), response.asString());
        assertEquals(2, response.jsonPath().getInt("turn"));
        assertEquals("- also the docs", response.jsonPath().getString("prompt"));

        // asked again for a turn it already has, it answers at once too
        given().auth().oauth2(token).get(path(session) + "/next?after=1&wait=5").then().statusCode(200).body("turn", equalTo(2));
    }

    @Test
    void nextIs204WhenNoTurnCameWithinTheWait() {
        Session session = newSession();
        given().auth().oauth2(token(session.id(), SECRET, 3600)).get(path(session) + "/next?after=1&wait=1").then().statusCode(204);
        given().auth().oauth2(token(session.id(), SECRET, 3600)).get(path(session) + "/next?after=1&wait=0").then().statusCode(204);
    }

    @Test
    void nextIs410OnceTheSessionMovedToAnotherRunOrWasTerminated() {
        Session session = newSession();
        store.update(session.id(), s -> s.withTurnOutcome(1, SessionStatus.SUCCEEDED, "First.", List.of(), null, null, null, "o1",
                Instant.now()).withRunEnded(null, "e1", Instant.now()).withNextTurn(new SessionMessage("U0ANA", "more", List.of(), Instant.now()),
                Instant.now()));
        given().auth().oauth2(token(session.id(), SECRET, 3600)).get(path(session) + "/next?after=1&wait=5")
                .then().statusCode(410).body("error", equalTo("run_superseded"));

        Session other = newSession();
        store.update(other.id(), s -> s.withStatus(SessionStatus.TERMINATED, null, Instant.now()));
        given().auth().oauth2(token(other.id(), SECRET, 3600)).get(path(other) + "/next?after=1&wait=5")
                .then().statusCode(410).body("error", equalTo("session_terminated"));
    }

    @Test
    void aTokenOfAnEarlierRunCannotActOnTheSessionsCurrentRun() {
        Session session = newSession();
        store.update(session.id(), s -> s.withTurnOutcome(1, SessionStatus.SUCCEEDED, "First.", List.of(), null, null, null, "o1",
                Instant.now()).withRunEnded(null, "e1", Instant.now()).withNextTurn(new SessionMessage("U0ANA", "more", List.of(), Instant.now()),
                Instant.now()));
        String runOne = token(session.id(), SECRET, 3600);
        given().auth().oauth2(runOne).get(path(session)).then().statusCode(403).body("error", equalTo("run_over"));
        given().auth().oauth2(runOne).contentType("application/json").body("{\"status\":\"succeeded\",\"turn\":2}")
                .post(path(session) + "/complete").then().statusCode(403).body("error", equalTo("run_over"));
    }

    @Test
    void whatTheRestLayerRefusesByItselfHasTheSameCodesAsTheGateways() {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        given().auth().oauth2(token).accept("text/csv").get(path(session)).then().statusCode(406)
                .body("error", equalTo("not_acceptable"));
        given().auth().oauth2(token).contentType("application/json").body("{}").put(path(session) + "/complete")
                .then().statusCode(405).body("error", equalTo("method_not_allowed"));
        given().auth().oauth2(token).contentType("text/plain").body("{}").post(path(session) + "/complete")
                .then().statusCode(415).body("error", equalTo("unsupported_media_type"));
    }

    @Test
    void nextAndEndRefuseBadParametersAndStrangers() {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        given().auth().oauth2(token).get(path(session) + "/next").then().statusCode(400).body("error", equalTo("invalid_after"));
        given().auth().oauth2(token).get(path(session) + "/next?after=1&wait=600").then().statusCode(400)
                .body("error", equalTo("invalid_wait"));
        given().get(path(session) + "/next?after=1").then().statusCode(401);
        given().auth().oauth2(token(UUID.randomUUID().toString(), SECRET, 3600)).get(path(session) + "/next?after=1")
                .then().statusCode(403);
        given().auth().oauth2(token).contentType("application/json").body("{}").post(path(session) + "/end")
                .then().statusCode(400).body("error", equalTo("invalid_last_turn"));
        given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"succeeded\",\"turn\":0}")
                .post(path(session) + "/complete").then().statusCode(400).body("error", equalTo("invalid_turn"));
    }

    @Test
    void theTokenComesBeforeTheBodyAndABodyMustDeclareItsLength() throws Exception {
        Session session = newSession();
        String big = "{\"status\":\"succeeded\",\"final_message\":\"" + "x".repeat(2_000_000) + "\"}";
        given().contentType("application/json").body(big).post(path(session) + "/complete").then().statusCode(401)
                .body("error", equalTo("missing_token"));
        given().auth().oauth2(token("another-session", SECRET, 3600)).contentType("application/json").body(big)
                .post(path(session) + "/complete").then().statusCode(403).body("error", equalTo("wrong_session"));
        given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json").body(big)
                .post(path(session) + "/complete").then().statusCode(413).body("error", equalTo("report_too_large"));
        // a chunked body cannot be capped before it is read: it must say how long it is
        java.net.http.HttpResponse<String> chunked = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + path(session) + "/complete"))
                .header("Authorization", "Bearer " + token(session.id(), SECRET, 3600)).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(
                        "{\"status\":\"succeeded\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8)))).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertEquals(411, chunked.statusCode(), chunked.body());
    }

    @Test
    void aReportOverTheLimitIs413AndNothingIsPublished() throws Exception {
        Session session = newSession();
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json")
                    .body("{\"status\":\"succeeded\",\"final_message\":\"" + "x".repeat(1_200_000) + "\"}")
                    .post(path(session) + "/complete").then().statusCode(413).body("error", equalTo("report_too_large"));
            assertEquals(0, runner.messagesAfter(mark).size());
        }
    }

    @Test
    void endIsPublishedOncePerRunWithItsLastTurnAndState() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            for (int i = 0; i < 2; i++) {
                given().auth().oauth2(token).contentType("application/json")
                        .body("{\"last_turn\":1,\"state_key\":\"state/" + session.id() + "/run-1.tar.gz\"}")
                        .post(path(session) + "/end").then().statusCode(202);
            }
            List<MessageInfo> stored = runner.messagesAfter(mark);
            assertEquals(1, stored.size());
            assertEquals("runner.buck." + session.id() + ".1.end", stored.get(0).getSubject());
            JsonNode end = mapper.readTree(stored.get(0).getData());
            assertEquals(1, end.get("lastTurn").asInt());
            assertEquals("state/" + session.id() + "/run-1.tar.gz", end.get("stateKey").asText());
        }
    }

    @Test
    void progressIsPublishedOncePerCountOfStepsWithItsStepOnOneLine() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token).contentType("application/json")
                    .body("{\"turn\":1,\"steps\":2,\"step\":\"Bash: npm test\\n\\u0007rm -rf /\"}").post(path(session) + "/progress")
                    .then().statusCode(202);
            // one report a second: the next one, at once, is dropped; a second later it is taken
            String next = "{\"turn\":1,\"steps\":3,\"step\":\"" + "x".repeat(5_000) + "\"}";
            given().auth().oauth2(token).contentType("application/json").body(next).post(path(session) + "/progress")
                    .then().statusCode(429).body("error", equalTo("too_many_reports"));
            await().atMost(Duration.ofSeconds(5)).until(() -> given().auth().oauth2(token).contentType("application/json").body(next)
                    .post(path(session) + "/progress").statusCode() == 202);
            List<MessageInfo> stored = runner.messagesAfter(mark);
            assertEquals(2, stored.size(), "the dropped report was not stored");
            assertEquals("runner.buck." + session.id() + ".1.progress", stored.get(0).getSubject());
            assertEquals("runner:" + session.id() + ":1:1:progress:2", stored.get(0).getHeaders().getFirst("Nats-Msg-Id"));
            assertEquals("Bash: npm test rm -rf /", mapper.readTree(stored.get(0).getData()).get("step").asText());
            assertEquals(dev.agentservices.common.session.Progress.STEP_KEPT,
                    mapper.readTree(stored.get(1).getData()).get("step").asText().length());

            for (String bad : List.of("{\"steps\":1}", "{\"turn\":1,\"steps\":-4}", "{\"turn\":0,\"steps\":1}", "{\"turn\":1}", "[1")) {
                given().auth().oauth2(token).contentType("application/json").body(bad).post(path(session) + "/progress")
                        .then().statusCode(400).body("message", notNullValue());
            }
            given().contentType("application/json").body("{\"turn\":1,\"steps\":9}").post(path(session) + "/progress")
                    .then().statusCode(401);
            given().auth().oauth2(token(UUID.randomUUID().toString(), SECRET, 3600)).contentType("application/json")
                    .body("{\"turn\":1,\"steps\":9}").post(path(session) + "/progress").then().statusCode(403);
            assertEquals(2, runner.messagesAfter(mark).size(), "nothing refused was published");
        }
    }

    @Test
    void oneRunMayWaitForItsNextTurnTwiceAtOnceNotMore() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpRequest wait = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:"
                + io.restassured.RestAssured.port + path(session) + "/next?after=1&wait=4")).header("Authorization", "Bearer " + token).build();
        var first = http.sendAsync(wait, java.net.http.HttpResponse.BodyHandlers.ofString());
        var second = http.sendAsync(wait, java.net.http.HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(3)).until(() -> watches(session.id()) >= 2);
        given().auth().oauth2(token).get(path(session) + "/next?after=1&wait=4").then().statusCode(429)
                .body("error", equalTo("too_many_waits"));
        assertEquals(2, watches(session.id()), "no third consumer");
        assertEquals(204, first.get().statusCode());
        assertEquals(204, second.get().statusCode());
        given().auth().oauth2(token).get(path(session) + "/next?after=1&wait=0").then().statusCode(204);
    }

    @Test
    void aPromptTypedInTheTerminalIsPublishedOnceAfterTheTurnThatEnded() throws Exception {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            for (int i = 0; i < 2; i++) {
                given().auth().oauth2(token).contentType("application/json").body("{\"after\":1,\"text\":\"also note the time zone\"}")
                        .post(path(session) + "/typed").then().statusCode(202);
            }
            for (String bad : List.of("{\"text\":\"x\"}", "{\"after\":1,\"text\":\"  \"}", "{\"after\":0,\"text\":\"x\"}")) {
                given().auth().oauth2(token).contentType("application/json").body(bad).post(path(session) + "/typed")
                        .then().statusCode(400).body("message", notNullValue());
            }
            List<MessageInfo> stored = runner.messagesAfter(mark);
            assertEquals(1, stored.size());
            assertEquals("runner.buck." + session.id() + ".1.typed", stored.get(0).getSubject());
            JsonNode typed = mapper.readTree(stored.get(0).getData());
            assertEquals(1, typed.get("after").asInt());
            assertEquals("also note the time zone", typed.get("text").asText());
        }
    }

    @Test
    void aPauseWhoseStateCouldNotBeSavedSaysWhyInOneLine() throws Exception {
        Session session = newSession();
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json")
                    .body("{\"state_key\":null,\"state_error\":\"S3 did not take part 2 of 3\\nof the state\",\"last_assistant_message\":\"x\"}")
                    .post(path(session) + "/pause").then().statusCode(202);
            JsonNode pause = mapper.readTree(runner.messagesAfter(mark).get(0).getData());
            assertTrue(pause.get("stateKey").isNull(), pause.toString());
            assertEquals("S3 did not take part 2 of 3 of the state", pause.get("stateError").asText());
        }
    }

    /** The consumers watching this one session's record (others come and go as other tests run). */
    private static long watches(String sessionId) throws Exception {
        try (io.nats.client.Connection nats = io.nats.client.Nats.connect(NatsTestServer.url())) {
            return nats.jetStreamManagement().getConsumers("KV_runs").stream()
                    .filter(consumer -> ("$KV.runs." + sessionId).equals(consumer.getConsumerConfiguration().getFilterSubject()))
                    .count();
        }
    }

    private JsonNode completeWith(Session session, String body) throws Exception {
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json").body(body)
                    .post(path(session) + "/complete").then().statusCode(202);
            return mapper.readTree(runner.messagesAfter(mark).get(0).getData());
        }
    }

    @Test
    void pauseIsPublishedWithTheStateKeys() throws Exception {
        Session session = newSession();
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json")
                    .body("{\"state_key\":\"state/" + session.id() + "/1.tar.gz\",\"scrollback_key\":\"state/" + session.id() + "/1.scrollback.txt\","
                            + "\"last_assistant_message\":\"Saved.\"}")
                    .post(path(session) + "/pause").then().statusCode(202);
            MessageInfo pause = runner.messagesAfter(mark).get(0);
            assertEquals("runner.buck." + session.id() + ".1.pause", pause.getSubject());
            assertEquals("state/" + session.id() + "/1.tar.gz", mapper.readTree(pause.getData()).get("stateKey").asText());
        }
    }

    @Test
    void missingTokenIs401() {
        given().get(path(newSession())).then().statusCode(401).body("error", equalTo("missing_token"));
    }

    @Test
    void tokenSignedWithAnotherKeyIs401() {
        Session session = newSession();
        given().auth().oauth2(token(session.id(), "another-secret-that-is-also-32-bytes-long", 3600)).get(path(session))
                .then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void unsignedAlgNoneTokenIs401() {
        Session session = newSession();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"agent-services\",\"aud\":\"runner-api\",\"sub\":\"" + session.id()
                + "\",\"run\":1,\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}").getBytes(StandardCharsets.UTF_8));
        given().auth().oauth2(header + "." + claims + ".").get(path(session))
                .then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void expiredTokenIs401() {
        Session session = newSession();
        given().auth().oauth2(token(session.id(), SECRET, -120)).get(path(session))
                .then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void anotherSessionsTokenIs403() {
        Session session = newSession();
        given().auth().oauth2(token(newSession().id(), SECRET, 3600)).get(path(session))
                .then().statusCode(403).body("error", equalTo("wrong_session"));
    }

    @Test
    void terminatedSessionIs403() {
        Session session = newSession();
        store.update(session.id(), s -> s.withStatus(SessionStatus.TERMINATED, null, Instant.now()));
        given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json")
                .body("{\"status\":\"succeeded\"}").post(path(session) + "/complete")
                .then().statusCode(403).body("error", equalTo("session_terminated"));
    }

    @Test
    void badBodiesAre400AndNothingIsPublished() {
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token).contentType("application/json").body("{\"status\":").post(path(session) + "/complete")
                    .then().statusCode(400).body("error", equalTo("malformed_json"));
            given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"great\"}")
                    .post(path(session) + "/complete").then().statusCode(400).body("error", equalTo("invalid_status"));
            given().auth().oauth2(token).contentType("application/json").body("{}").post(path(session) + "/pause")
                    .then().statusCode(400).body("error", equalTo("missing_state_key"));
            assertEquals(List.of(), runner.messagesAfter(mark));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void natsDownIs503SoThePodRetries() {
        Assumptions.assumeTrue(NatsTestServer.controllable(), "NATS_URL points at a server this test must not stop");
        Session session = newSession();
        String token = token(session.id(), SECRET, 3600);
        NatsTestServer.shared().stop();
        try {
            given().auth().oauth2(token).get(path(session))
                    .then().statusCode(503).header("Retry-After", notNullValue()).body("error", equalTo("nats_unavailable"));
            given().auth().oauth2(token).contentType("application/json").body("{\"status\":\"succeeded\"}")
                    .post(path(session) + "/complete").then().statusCode(503).body("error", equalTo("nats_unavailable"));
        } finally {
            NatsTestServer.shared().resume();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        }
    }

    @Test
    void unknownSessionIs404() {
        String id = UUID.randomUUID().toString();
        given().auth().oauth2(token(id, SECRET, 3600)).get("/api/runner/sessions/" + id)
                .then().statusCode(404).body("error", equalTo("unknown_session"));
    }

    private Session newSession() {
        SessionKey key = SessionKey.slack("buck", "C0RUN", "1712345678." + UUID.randomUUID().toString().substring(0, 6));
        String id = store.open(key, newId -> Session.open(newId, key, null, "fix", Origin.slack("C0RUN", "1"), Instant.now()))
                .versioned().session().id();
        return store.update(id, s -> s.withMessage(new SessionMessage("U0ANA", "fix the flaky test", List.of(), Instant.now()),
                "m1").withNextTurn(new SessionMessage("U0ANA", "fix the flaky test", List.of(), Instant.now()), Instant.now())
                .withStatus(SessionStatus.RUNNING, "session-pod-1", Instant.now())).session();
    }

    private static String path(Session session) {
        return "/api/runner/sessions/" + session.id();
    }

    static String token(String sessionId, String secret, long validSeconds) {
        return Jwt.issuer("agent-services").audience("runner-api").subject(sessionId).claim("agent", "buck").claim("run", 1)
                .issuedAt(Instant.now().minusSeconds(300)).expiresAt(Instant.now().plusSeconds(validSeconds))
                .jws().algorithm(SignatureAlgorithm.HS256).signWithSecret(secret);
    }
}
