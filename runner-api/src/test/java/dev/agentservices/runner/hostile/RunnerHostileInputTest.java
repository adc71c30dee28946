package dev.agentservices.runner.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.Hostile;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.runner.session.RunnerSessionResourceTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Tag;

/**
 * Hostile requests to the runner API: forged, foreign, expired or malformed pod tokens on every endpoint
 * (alg none, other algorithms, other keys, other audiences, issuers, subjects and runs), bodies that are not
 * what they claim, path tricks and methods. Each gets a 4xx with a JSON error and message, never a 5xx, and
 * nothing reaches the RUNNER stream.
 */
@QuarkusTest
@TestProfile(RunnerSessionResourceTestProfile.class)
@Tag("component")
class RunnerHostileInputTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The session every case aims at: a placeholder in the case, the real id at run time. */
    private static final String SESSION = "{session}";

    @Inject
    SessionStore store;

    /** One hostile request; {@code token} is computed for the session when the case runs. */
    record Case(String name, String method, String path, TokenKind token, String contentType, byte[] body) {
        @Override
        public String toString() {
            return name;
        }
    }

    enum TokenKind {
        NONE, BASIC, EMPTY_BEARER, GARBAGE, ALG_NONE, HS512, OTHER_SECRET, RS256_OTHER_KEY, EXPIRED, NOT_YET_VALID,
        OTHER_AUDIENCE, OTHER_ISSUER, NO_SUBJECT, OTHER_SESSION, NO_EXPIRY, EARLIER_RUN, LATER_RUN, VALID
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedWithAJsonMessageAndNothingStored(Case hostile) throws Exception {
        Session session = newSession();
        try (JetStreamProbe runner = new JetStreamProbe(NatsTestServer.url(), "RUNNER")) {
            long mark = runner.lastSequence();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port
                    + hostile.path().replace(SESSION, session.id())))
                    .method(hostile.method(), hostile.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(hostile.body()));
            String authorization = authorization(hostile.token(), session.id());
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            if (hostile.contentType() != null) {
                request.header("Content-Type", hostile.contentType());
            }
            Hostile.assertJsonRefusal(hostile, HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
            assertEquals(0, runner.messagesAfter(mark).size(), hostile + ": something was published");
        }
    }

    static Stream<Case> cases() {
        List<Case> cases = new ArrayList<>();
        String base = "/api/runner/sessions/" + SESSION;
        Map<String, String[]> endpoints = new LinkedHashMap<>();
        endpoints.put("context", new String[] {"GET", base, null, null});
        endpoints.put("complete", new String[] {"POST", base + "/complete", "application/json", "{\"status\":\"succeeded\",\"turn\":1,\"final_message\":\"x\"}"});
        endpoints.put("end", new String[] {"POST", base + "/end", "application/json", "{\"last_turn\":1}"});
        endpoints.put("pause", new String[] {"POST", base + "/pause", "application/json", "{\"state_key\":\"state/x.tar.gz\"}"});
        endpoints.put("next", new String[] {"GET", base + "/next?after=1&wait=0", null, null});
        endpoints.put("progress", new String[] {"POST", base + "/progress", "application/json", "{\"turn\":1,\"steps\":1}"});
        endpoints.put("typed", new String[] {"POST", base + "/typed", "application/json", "{\"after\":1,\"text\":\"x\"}"});
        endpoints.put("state", new String[] {"POST", base + "/state", "application/json", "{\"size\":10}"});
        endpoints.put("upload", new String[] {"POST", "/api/upload", "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nx\r\n--b--\r\n"});
        for (var endpoint : endpoints.entrySet()) {
            String[] e = endpoint.getValue();
            byte[] body = e[3] == null ? null : e[3].getBytes(StandardCharsets.UTF_8);
            for (TokenKind kind : TokenKind.values()) {
                if (kind == TokenKind.VALID) {
                    continue; // valid tokens are the other tests' business; every endpoint, uploads too, is bound to the run
                }
                cases.add(new Case(endpoint.getKey() + ": token " + kind.name().toLowerCase().replace('_', ' '), e[0], e[1], kind, e[2], body));
            }
        }
        // bodies that are not what they claim, with a valid token
        Map<String, byte[]> bodies = new LinkedHashMap<>();
        bodies.put("broken JSON", "{\"status\":".getBytes(StandardCharsets.UTF_8));
        bodies.put("JSON array", "[]".getBytes(StandardCharsets.UTF_8));
        bodies.put("JSON null", "null".getBytes(StandardCharsets.UTF_8));
        bodies.put("JSON string", "\"succeeded\"".getBytes(StandardCharsets.UTF_8));
        bodies.put("deep nesting", ("{\"status\":\"succeeded\",\"x\":" + "[".repeat(5000) + "]".repeat(5000) + "}").getBytes(StandardCharsets.UTF_8));
        bodies.put("huge turn", "{\"status\":\"succeeded\",\"turn\":99999999999999999999999}".getBytes(StandardCharsets.UTF_8));
        bodies.put("negative turn", "{\"status\":\"succeeded\",\"turn\":-1}".getBytes(StandardCharsets.UTF_8));
        bodies.put("unknown status", "{\"status\":\"hacked\",\"turn\":1}".getBytes(StandardCharsets.UTF_8));
        bodies.put("negative tokens", "{\"status\":\"succeeded\",\"usage\":{\"input_tokens\":-1000000}}".getBytes(StandardCharsets.UTF_8));
        bodies.put("absurd tokens in the CLI's result", ("{\"status\":\"succeeded\",\"final_message\":\"{\\\"type\\\":\\\"result\\\","
                + "\\\"result\\\":\\\"ok\\\",\\\"usage\\\":{\\\"output_tokens\\\":5000000000000}}\"}").getBytes(StandardCharsets.UTF_8));
        bodies.put("invalid UTF-8", new byte[] {'{', '"', 's', 't', 'a', 't', 'u', 's', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
        bodies.put("over 1 MiB", ("{\"status\":\"succeeded\",\"final_message\":\"" + "x".repeat(1_100_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        bodies.forEach((name, body) -> cases.add(new Case("complete: " + name, "POST", base + "/complete", TokenKind.VALID,
                "application/json", body)));
        for (String type : List.of("text/plain", "application/xml", "application/x-www-form-urlencoded")) {
            cases.add(new Case("complete: content type " + type, "POST", base + "/complete", TokenKind.VALID, type,
                    "{\"status\":\"succeeded\",\"turn\":1}".getBytes(StandardCharsets.UTF_8)));
        }
        cases.add(new Case("end: broken JSON", "POST", base + "/end", TokenKind.VALID, "application/json", "{".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("end: a state key outside the session", "POST", base + "/end", TokenKind.VALID, "application/json",
                "{\"last_turn\":1,\"state_key\":\"state/other-session/run-1.tar.gz\"}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("pause: a state key outside the session", "POST", base + "/pause", TokenKind.VALID, "application/json",
                "{\"state_key\":\"../../state/other/run-1.tar.gz\"}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("pause: no state key", "POST", base + "/pause", TokenKind.VALID, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("progress: negative steps", "POST", base + "/progress", TokenKind.VALID, "application/json",
                "{\"turn\":1,\"steps\":-3}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("typed: no text", "POST", base + "/typed", TokenKind.VALID, "application/json",
                "{\"after\":1}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("state: larger than the state limit", "POST", base + "/state", TokenKind.VALID, "application/json",
                "{\"size\":999999999999999}".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("state: completing another session's state", "POST", base + "/state/complete", TokenKind.VALID,
                "application/json", ("{\"key\":\"uploads/sessions/" + UUID.randomUUID() + "/state/run-1-0.tar.gz\",\"upload_id\":\"u\","
                        + "\"etags\":[\"e\"]}").getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("next: after not a number", "GET", base + "/next?after=x", TokenKind.VALID, null, null));
        cases.add(new Case("next: wait not a number", "GET", base + "/next?after=1&wait=forever", TokenKind.VALID, null, null));
        cases.add(new Case("upload: bad multipart", "POST", "/api/upload", TokenKind.VALID, "multipart/form-data; boundary=b",
                "--x\r\nunterminated".getBytes(StandardCharsets.UTF_8)));
        cases.add(new Case("upload: no file field", "POST", "/api/upload", TokenKind.VALID, "multipart/form-data; boundary=b",
                "--b\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n--b--\r\n".getBytes(StandardCharsets.UTF_8)));
        // paths and methods
        cases.add(new Case("path: traversal out of the session", "GET", "/api/runner/sessions/" + SESSION + "/../../../q/metrics", TokenKind.VALID, null, null));
        cases.add(new Case("path: encoded traversal", "GET", "/api/runner/sessions/%2e%2e%2f%2e%2e%2fq%2fmetrics", TokenKind.VALID, null, null));
        cases.add(new Case("path: another session with this token", "GET", "/api/runner/sessions/" + UUID.randomUUID(), TokenKind.VALID, null, null));
        cases.add(new Case("path: unknown runner path", "POST", base + "/shell", TokenKind.VALID, "application/json", "{}".getBytes(StandardCharsets.UTF_8)));
        for (String method : List.of("PUT", "DELETE", "PATCH")) {
            cases.add(new Case("method " + method + " on complete", method, base + "/complete", TokenKind.VALID, "application/json",
                    "{}".getBytes(StandardCharsets.UTF_8)));
        }
        return cases.stream();
    }

    private Session newSession() {
        SessionKey key = SessionKey.slack("buck", "C0HOSTILE", "1712345678." + UUID.randomUUID().toString().substring(0, 6));
        String id = store.open(key, newId -> Session.open(newId, key, null, "t", Origin.slack("C0HOSTILE", "1"), Instant.now()))
                .versioned().session().id();
        SessionMessage go = new SessionMessage("U0ANA", "go", List.of(), Instant.now());
        return store.update(id, s -> s.withMessage(go, "m1").withNextTurn(go, Instant.now())
                .withStatus(SessionStatus.RUNNING, "session-pod-1", Instant.now())).session();
    }

    private static String authorization(TokenKind kind, String sessionId) throws Exception {
        long now = Instant.now().getEpochSecond();
        String secret = RunnerSessionResourceTestProfile.SECRET;
        Map<String, Object> claims = new LinkedHashMap<>(Map.of("iss", "agent-services", "aud", "runner-api", "sub", sessionId,
                "agent", "buck", "run", 1, "iat", now - 60, "exp", now + 600));
        return switch (kind) {
            case NONE -> null;
            case BASIC -> "Basic " + Base64.getEncoder().encodeToString("pod:secret".getBytes(StandardCharsets.UTF_8));
            case EMPTY_BEARER -> "Bearer ";
            case GARBAGE -> "Bearer not.a.jwt";
            case ALG_NONE -> "Bearer " + Hostile.unsigned(claims);
            case HS512 -> "Bearer " + hmac("HS512", "HmacSHA512", secret, claims);
            case OTHER_SECRET -> "Bearer " + hmac("HS256", "HmacSHA256", "another-secret-of-at-least-32-bytes!!", claims);
            case RS256_OTHER_KEY -> "Bearer " + Hostile.signedByAnotherKey(claims, "attacker");
            case EXPIRED -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "exp", now - 3600));
            case NOT_YET_VALID -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "nbf", now + 3600));
            case OTHER_AUDIENCE -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "aud", "dashboard-api"));
            case OTHER_ISSUER -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "iss", "someone-else"));
            case NO_SUBJECT -> "Bearer " + hmac("HS256", "HmacSHA256", secret, without(claims, "sub"));
            case OTHER_SESSION -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "sub", UUID.randomUUID().toString()));
            case NO_EXPIRY -> "Bearer " + hmac("HS256", "HmacSHA256", secret, without(claims, "exp"));
            case EARLIER_RUN -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "run", 0));
            case LATER_RUN -> "Bearer " + hmac("HS256", "HmacSHA256", secret, with(claims, "run", 2));
            case VALID -> "Bearer " + hmac("HS256", "HmacSHA256", secret, claims);
        };
    }

    private static Map<String, Object> with(Map<String, Object> claims, String name, Object value) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        changed.put(name, value);
        return changed;
    }

    private static Map<String, Object> without(Map<String, Object> claims, String name) {
        Map<String, Object> changed = new LinkedHashMap<>(claims);
        changed.remove(name);
        return changed;
    }

    private static String hmac(String alg, String javaName, String secret, Map<String, Object> claims) throws Exception {
        String signingInput = Hostile.part(Map.of("alg", alg, "typ", "JWT")) + "." + Hostile.part(claims);
        Mac mac = Mac.getInstance(javaName);
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), javaName));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

}
