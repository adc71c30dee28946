package dev.agentservices.worker.history;

import dev.agentservices.common.testing.PgTestResource;
import dev.agentservices.worker.WorkerTestProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The worker's test set-up with a history: a database of its own, and finished sessions archived after 2 s. */
public class HistoryTestProfile extends WorkerTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("session.live-retention", "2s");
        overrides.put("worker.history.archive-interval", "300ms");
        return overrides;
    }

    @Override
    public List<TestResourceEntry> testResources() {
        List<TestResourceEntry> resources = new ArrayList<>(super.testResources());
        resources.add(new TestResourceEntry(PgTestResource.class));
        return resources;
    }
}
