package dev.agentservices.runner.upload;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.common.testing.S3ProxyTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.build.Jwt;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** With CLOUDFRONT_DOMAIN set, an upload's URL is the permanent CloudFront one. */
@QuarkusTest
@TestProfile(CloudFrontUploadTest.Profile.class)
@Tag("component")
class CloudFrontUploadTest {

    /** runner-api with s3proxy behind a CloudFront domain. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("runner.token-secret", UploadResourceTest.SECRET, "upload.cloudfront-domain", "cdn.example.com");
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NatsTestResource.class), new TestResourceEntry(S3ProxyTestResource.class));
        }
    }

    @Inject
    SessionStore store;

    @Test
    void uploadUrlIsOnTheCloudFrontDomain() {
        SessionKey key = SessionKey.slack("buck", "C0CDN", "1712345678." + UUID.randomUUID().toString().substring(0, 6));
        // a session on its run 1, whose pod holds the token of run 1
        String id = store.open(key, newId -> Session.open(newId, key, null, "cdn", Origin.slack("C0CDN", "1"), Instant.now())
                .withNextTurn(new dev.agentservices.common.session.SessionMessage("U0ANA", "upload", List.of(), Instant.now()),
                        Instant.now())).versioned().session().id();
        String token = Jwt.issuer("agent-services").audience("runner-api").subject(id).claim("run", 1)
                .expiresAt(Instant.now().plusSeconds(600)).jws().algorithm(SignatureAlgorithm.HS256)
                .signWithSecret(UploadResourceTest.SECRET);

        String uploadKey = given().auth().oauth2(token).multiPart("file", "notes.md", "# hi".getBytes(StandardCharsets.UTF_8),
                "text/markdown").post("/api/upload").then().statusCode(201).extract().path("key");
        given().auth().oauth2(token).multiPart("file", "notes.md", "# hi".getBytes(StandardCharsets.UTF_8), "text/markdown")
                .post("/api/upload").then().statusCode(201)
                .body("url", startsWith("https://cdn.example.com/uploads/sessions/" + id + "/"));
        assertTrue(uploadKey.startsWith("uploads/sessions/" + id + "/"));
    }
}
