package dev.agentservices.runner.session;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

@QuarkusTest
@TestProfile(RunnerSessionResourceTest.Profile.class)
class RunnerSessionResourceTest {

    static final String SECRET = "runner-test-secret-of-at-least-32-bytes";

    /** runner-api with a token secret and a real NATS. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runner.token-secret", SECRET);
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NatsTestResource.class));
        }
    }

    @Inject
    SessionStore store;

    @Inject
    ObjectMapper mapper;

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
            assertEquals("runner.buck." + session.id() + ".complete", stored.get(0).getSubject());
            assertEquals("runner:" + session.id() + ":1:complete", stored.get(0).getHeaders().getFirst("Nats-Msg-Id"));
            JsonNode outcome = mapper.readTree(stored.get(0).getData());
            assertEquals("SUCCEEDED", outcome.get("status").asText());
            assertEquals("Done.", outcome.get("finalMessage").asText());
            assertEquals("https://github.com/acme/api/pull/7", outcome.get("artifacts").get(0).get("url").asText());
            assertEquals(10, outcome.get("usage").get("inputTokens").asLong());
        }
    }

    @Test
    void pauseIsPublishedWithTheStateKeys() throws Exception {
        Session session = newSession();
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            given().auth().oauth2(token(session.id(), SECRET, 3600)).contentType("application/json")
                    .body("{\"state_key\":\"state/" + session.id() + "/1.tar.gz\",\"scrollback_key\":\"s/1.txt\","
                            + "\"last_assistant_message\":\"Saved.\"}")
                    .post(path(session) + "/pause").then().statusCode(202);
            MessageInfo pause = runner.messagesAfter(mark).get(0);
            assertEquals("runner.buck." + session.id() + ".pause", pause.getSubject());
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
                "m1").withNextRun("fix the flaky test")).session();
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
