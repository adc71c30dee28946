package dev.agentservices.common.testing;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** Gives a {@code @QuarkusTest} a history: a new database on the tests' PostgreSQL ({@link PgTestServer}). */
public class PgTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return PgTestServer.newDatabase();
    }

    @Override
    public void stop() {
        // the shared server lives as long as the test JVM; each resource's database is dropped with it
    }
}
