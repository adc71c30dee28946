package dev.agentservices.runner.session;

import dev.agentservices.common.testing.NatsTestResource;
import io.quarkus.test.junit.QuarkusTestProfile;
import java.util.List;
import java.util.Map;

/** runner-api with a token secret and a real NATS. */
public class RunnerSessionResourceTestProfile implements QuarkusTestProfile {

    public static final String SECRET = "runner-test-secret-of-at-least-32-bytes";

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("runner.token-secret", SECRET);
    }

    @Override
    public List<TestResourceEntry> testResources() {
        return List.of(new TestResourceEntry(NatsTestResource.class));
    }
}
