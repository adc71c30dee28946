package dev.agentservices.dashboard;

import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.dashboard.auth.LocalSignInResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;

/** Local mode's sign-in, on a port chosen here so that the issuer's JWKS URL can name it. */
public class LocalSignInTestProfile implements QuarkusTestProfile {

    static final int PORT = freePort();
    /** What deploy/local/run.sh prints at each start. */
    public static final String SECRET = "local-sign-in-secret-for-tests";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "quarkus.http.test-port", Integer.toString(PORT),
                "dashboard.local-sign-in.enabled", "true",
                "dashboard.local-sign-in.secret", SECRET,
                "quarkus.oidc.auth-server-url", "http://localhost:" + PORT + "/local",
                "quarkus.oidc.discovery-enabled", "false",
                "quarkus.oidc.jwks-path", "jwks",
                "quarkus.oidc.token.issuer", LocalSignInResource.ISSUER,
                "quarkus.oidc.token.audience", "urn:agent-services:local-dashboard",
                "dashboard.client-check", "false");
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
