package dev.agentservices.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Points a {@code @QuarkusTest} at a real JetStream server: {@code NATS_URL} or one the tests start. */
public class NatsTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of("nats.url", NatsTestServer.url());
    }

    @Override
    public void stop() {
        // the shared server lives as long as the test JVM, so that every test class can use it
    }
}
