package dev.agentservices.runner.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStore;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The reference runner's state goes to S3 directly, in parts, through URLs runner-api presigned: far past the upload
 * limit (64 KiB here), with parts of 5 MiB, and the next run gets it back whole.
 */
@QuarkusTest
@TestProfile(UploadResourceTest.Profile.class)
@Tag("component")
class StateSaveTest {

    private static final Path SAVE_STATE = Path.of("../deploy/runner/save-state.sh").toAbsolutePath().normalize();

    @Inject
    SessionStore store;

    @Inject
    StateStore states;

    @Test
    void aWorkspaceOfTwelveMebibytesIsSavedInThreePartsStraightToS3AndRestoredWhole() throws Exception {
        String id = newSession();
        Path work = Files.createTempDirectory("state-save-");
        byte[] big = new byte[12 * 1024 * 1024];
        new Random(7).nextBytes(big); // does not compress: the archive needs three parts
        Files.createDirectories(work.resolve("repo/.git"));
        Files.write(work.resolve("repo/blob.bin"), big);
        Files.createDirectories(work.resolve(".home"));
        Files.writeString(work.resolve(".home/.claude.json"), "{}");
        Files.createDirectories(work.resolve(".runner"));
        Files.writeString(work.resolve(".runner/prompt"), "the runner's own");

        Result saved = run(id, "save", "state/" + id + "/run-1.tar.gz", work.toString());
        assertEquals(0, saved.code(), saved.err());
        String key = saved.out().strip();
        assertTrue(key.startsWith(StateStore.prefix(id) + "run-1-") && key.endsWith(".tar.gz"), key);

        Path restored = Files.createTempDirectory("state-restored-");
        Result back = run(id, "restore-url", states.url(key).orElseThrow(), restored.toString());
        assertEquals(0, back.code(), back.err());
        assertArrayEquals(big, Files.readAllBytes(restored.resolve("repo/blob.bin")));
        assertEquals("{}", Files.readString(restored.resolve(".home/.claude.json")));
        assertTrue(Files.notExists(restored.resolve(".runner")), "the runner's own files are not state");
    }

    @Test
    void aStateIsRefusedPastItsLimitAndAnotherSessionsStateCannotBeCompleted() {
        String id = newSession();
        String token = podToken(id);
        given().auth().oauth2(token).contentType("application/json").body("{\"size\":" + (41L * 1024 * 1024) + "}")
                .post("/api/runner/sessions/" + id + "/state").then().statusCode(413).body("error", equalTo("state_too_large"));
        given().auth().oauth2(token).contentType("application/json").body("{}").post("/api/runner/sessions/" + id + "/state")
                .then().statusCode(400).body("error", equalTo("missing_size"));
        given().contentType("application/json").body("{\"size\":10}").post("/api/runner/sessions/" + id + "/state")
                .then().statusCode(401);

        String other = newSession();
        String otherKey = given().auth().oauth2(podToken(other)).contentType("application/json").body("{\"size\":10}")
                .post("/api/runner/sessions/" + other + "/state").then().statusCode(201).extract().path("key");
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("key", otherKey, "upload_id", "x", "etags", List.of("\"e\"")))
                .post("/api/runner/sessions/" + id + "/state/complete").then().statusCode(400).body("error", equalTo("invalid_state"));
        given().auth().oauth2(token).contentType("application/json")
                .body(Map.of("key", StateStore.prefix(id) + "run-1-00000000.tar.gz", "upload_id", "no-such-upload", "etags", List.of("\"e\"")))
                .post("/api/runner/sessions/" + id + "/state/complete").then().statusCode(400).body("error", equalTo("incomplete_state"));
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String sessionId, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SAVE_STATE.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("SESSION_ID", sessionId);
        builder.environment().put("RUNNER_API_URL", "http://localhost:" + RestAssured.port);
        builder.environment().put("RUNNER_TOKEN", podToken(sessionId));
        builder.environment().remove("RUNNER_STATE_DIR");
        Path out = Files.createTempFile("save-state-", ".out");
        Path err = Files.createTempFile("save-state-", ".err");
        Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String newSession() {
        SessionKey key = SessionKey.slack("buck", "C0ST", "1712345678." + UUID.randomUUID().toString().substring(0, 6));
        return store.open(key, id -> Session.open(id, key, null, "state", Origin.slack("C0ST", "1"), Instant.now())
                .withNextTurn(new SessionMessage("U0ANA", "save something", List.of(), Instant.now()), Instant.now()))
                .versioned().session().id();
    }

    private static String podToken(String sessionId) {
        return Jwt.issuer("agent-services").audience("runner-api").subject(sessionId).claim("run", 1)
                .expiresAt(Instant.now().plusSeconds(600)).jws().algorithm(SignatureAlgorithm.HS256).signWithSecret(UploadResourceTest.SECRET);
    }
}
