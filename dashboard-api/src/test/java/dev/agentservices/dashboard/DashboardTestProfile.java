package dev.agentservices.dashboard;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.oidc.server.OidcWiremockTestResource;
import io.smallrye.jwt.build.Jwt;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** dashboard-api against a real NATS, its tokens checked against quarkus-test-oidc-server's JWKS. */
public class DashboardTestProfile implements QuarkusTestProfile {

    public static final String ISSUER = "https://issuer.example.com/oauth2/default";
    /** What Okta's default authorization server puts in its access tokens. */
    public static final String AUDIENCE = "api://default";
    /** The Okta app the tokens were issued to ({@code cid}), the dashboard's own. */
    public static final String CLIENT = "0oa-dashboard-test";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.oidc.auth-server-url", "${keycloak.url}/realms/quarkus",
                "quarkus.oidc.token.issuer", ISSUER,
                "quarkus.oidc.token.audience", AUDIENCE,
                "dashboard.api-client-ids", CLIENT);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class), new TestResourceEntry(OidcWiremockTestResource.class));
    }

    /** A member of team-a, signed with the test issuer's key. */
    public static String token(String issuer, String audience, long validSeconds) {
        return Jwt.issuer(issuer).audience(audience).subject("ana").upn("ana@example.com").groups("team-a").claim("cid", CLIENT)
                .issuedAt(Instant.now().minusSeconds(700)).expiresAt(Instant.now().plusSeconds(validSeconds))
                .jws().keyId("1").sign("privateKey.jwk");
    }

    /** A member of the admin group, who sees and manages every team. */
    public static String adminToken() {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("root").upn("root@example.com").groups("agent-services-admins")
                .claim("cid", CLIENT)
                .issuedAt(Instant.now().minusSeconds(700)).expiresAt(Instant.now().plusSeconds(300))
                .jws().keyId("1").sign("privateKey.jwk");
    }

    public static String memberToken() {
        return token(ISSUER, AUDIENCE, 300);
    }
}
