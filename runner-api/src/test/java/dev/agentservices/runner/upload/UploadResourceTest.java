package dev.agentservices.runner.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.common.testing.S3ProxyTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.restassured.response.ExtractableResponse;
import io.restassured.response.Response;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(UploadResourceTest.Profile.class)
@Tag("component")
class UploadResourceTest {

    static final String SECRET = "upload-test-secret-of-at-least-32-bytes";
    static final String AUDIENCE = "agent-services-upload";

    /** runner-api with NATS, s3proxy, and GitHub Actions OIDC tokens checked against a WireMock JWKS. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "runner.token-secret", SECRET,
                    "upload.github-oidc.audience", AUDIENCE,
                    "upload.github-oidc.allowed-repositories", "acme/api",
                    "upload.github-oidc.jwks-url", "${keycloak.url}/realms/quarkus/protocol/openid-connect/certs",
                    "upload.max-size", "64K",
                    "upload.state-part-size", "5M",
                    "upload.state-max-size", "40M");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NatsTestResource.class), new TestResourceEntry(S3ProxyTestResource.class),
                    new TestResourceEntry(OidcWiremockTestResource.class));
        }
    }

    @Inject
    SessionStore store;

    @Test
    void theTokenIsCheckedBeforeTheBodyAndABadMultipartBodyIs400() throws Exception {
        String id = newSession();
        byte[] garbage = "--not-the-boundary\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nunterminated".getBytes(StandardCharsets.UTF_8);
        given().contentType("multipart/form-data; boundary=xyz").body(garbage).post("/api/upload").then().statusCode(401)
                .body("error", equalTo("missing_token"));
        given().auth().oauth2("not-a-token").contentType("multipart/form-data; boundary=xyz").body(garbage).post("/api/upload")
                .then().statusCode(401).body("error", equalTo("invalid_token"));
        given().auth().oauth2(podToken(id)).contentType("multipart/form-data; boundary=xyz").body(garbage).post("/api/upload")
                .then().statusCode(400).body("error", org.hamcrest.Matchers.notNullValue());
        given().auth().oauth2(podToken(id)).contentType("multipart/form-data").body(garbage).post("/api/upload")
                .then().statusCode(400);
        // declared larger than the upload limit: refused before a byte of it is read
        HttpResponse<String> huge = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port + "/api/upload"))
                .header("Authorization", "Bearer " + podToken(id)).header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[512 * 1024])).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(413, huge.statusCode(), huge.body());
    }

    @Test
    void podUploadIsStoredUnderItsSessionAndServedByPresignedUrl() throws Exception {
        String id = newSession();
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        ExtractableResponse<Response> response = given().auth().oauth2(podToken(id))
                .multiPart("file", "../../etc/screen shot.png", png, "image/png")
                .post("/api/upload").then().statusCode(201)
                .body("key", startsWith("uploads/sessions/" + id + "/"))
                .body("content_type", equalTo("image/png"))
                .body("size", equalTo(png.length))
                .extract();
        String key = response.path("key");
        assertTrue(key.endsWith("/screen_shot.png"), key);
        String url = response.path("url");
        assertTrue(url.startsWith(S3ProxyTestResource.endpoint() + "/" + S3ProxyTestResource.BUCKET + "/" + key), url);
        assertTrue(url.contains("X-Amz-Expires=604800"), "valid 7 days: " + url);

        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertArrayEquals(png, download.body());
    }

    @Test
    void stateUploadedBeforeAPauseIsOfferedToTheNextRunAsADownload() throws Exception {
        String id = newSession();
        byte[] state = "tarball".getBytes(StandardCharsets.UTF_8);
        String key = given().auth().oauth2(podToken(id)).multiPart("file", "run-1.tar.gz", state, "application/gzip")
                .post("/api/upload").then().statusCode(201).extract().path("key");
        store.update(id, s -> s.withPause(key, null, "Saved.", "pause-1", Instant.now()));

        String stateUrl = given().auth().oauth2(podToken(id)).get("/api/runner/sessions/" + id)
                .then().statusCode(200).body("state_key", equalTo(key)).extract().path("state_url");
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(stateUrl)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertArrayEquals(state, download.body());
    }

    @Test
    void stateKeyOutsideTheSessionsPrefixGetsNoUrl() {
        String id = newSession();
        store.update(id, s -> s.withPause("uploads/sessions/someone-else/x.tar.gz", null, null, "pause-1", Instant.now()));
        given().auth().oauth2(podToken(id)).get("/api/runner/sessions/" + id)
                .then().statusCode(200).body("state_url", nullValue());
    }

    @Test
    void githubActionsUploadFromAnAllowedRepositoryIsStoredUnderIt() {
        given().auth().oauth2(githubToken("acme/api", AUDIENCE))
                .multiPart("file", "report.txt", "all green".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/upload").then().statusCode(201)
                .body("key", startsWith("uploads/github/acme/api/"));
    }

    @Test
    void githubTokenOfAnotherRepositoryIs403() {
        given().auth().oauth2(githubToken("evil/fork", AUDIENCE))
                .multiPart("file", "x.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/upload").then().statusCode(403).body("error", equalTo("repository_not_allowed"));
    }

    @Test
    void githubTokenForAnotherAudienceIs401() {
        given().auth().oauth2(githubToken("acme/api", "someone-else"))
                .multiPart("file", "x.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/upload").then().statusCode(401).body("error", equalTo("invalid_token"));
    }

    @Test
    void missingTokenIs401() {
        given().multiPart("file", "x.txt", "x".getBytes(StandardCharsets.UTF_8), "text/plain")
                .post("/api/upload").then().statusCode(401).body("error", equalTo("missing_token"));
    }

    @Test
    void fileOverTheLimitIs413() {
        given().auth().oauth2(podToken(newSession()))
                .multiPart("file", "big.bin", new byte[70_000], "application/octet-stream")
                .post("/api/upload").then().statusCode(413).body("error", equalTo("file_too_large"));
    }

    @Test
    void disallowedTypeIs415() {
        given().auth().oauth2(podToken(newSession()))
                .multiPart("file", "page.html", "<script>".getBytes(StandardCharsets.UTF_8), "text/html")
                .post("/api/upload").then().statusCode(415).body("error", equalTo("unsupported_file_type"));
    }

    @Test
    void requestWithoutFileIs400() {
        given().auth().oauth2(podToken(newSession())).multiPart("other", "x")
                .post("/api/upload").then().statusCode(400).body("error", equalTo("missing_file"));
    }

    @Test
    void fileNamesCannotLeaveThePrefix() {
        assertEquals("passwd", UploadResource.safeName("../../etc/passwd"));
        assertEquals("evil.sh", UploadResource.safeName("..\\..\\evil.sh"));
        assertEquals("file", UploadResource.safeName("..."));
        assertEquals("a_b_.txt", UploadResource.safeName("a b?.txt"));
    }

    private String newSession() {
        SessionKey key = SessionKey.slack("buck", "C0UP", "1712345678." + UUID.randomUUID().toString().substring(0, 6));
        // a session on its run 1, whose pod holds the token of run 1
        return store.open(key, id -> Session.open(id, key, null, "upload", Origin.slack("C0UP", "1"), Instant.now())
                .withNextTurn(new SessionMessage("U0ANA", "upload something", List.of(), Instant.now()), Instant.now()))
                .versioned().session().id();
    }

    private static String podToken(String sessionId) {
        return Jwt.issuer("agent-services").audience("runner-api").subject(sessionId).claim("run", 1)
                .expiresAt(Instant.now().plusSeconds(600)).jws().algorithm(SignatureAlgorithm.HS256).signWithSecret(SECRET);
    }

    private static String githubToken(String repository, String audience) {
        return Jwt.issuer("https://token.actions.githubusercontent.com").audience(audience)
                .subject("repo:" + repository + ":ref:refs/heads/main").claim("repository", repository)
                .expiresAt(Instant.now().plusSeconds(600)).jws().keyId("1").sign("privateKey.jwk");
    }
}
