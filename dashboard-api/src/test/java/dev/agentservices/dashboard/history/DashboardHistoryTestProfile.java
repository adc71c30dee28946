package dev.agentservices.dashboard.history;

import dev.agentservices.common.testing.PgTestResource;
import dev.agentservices.dashboard.DashboardTestProfile;
import java.util.ArrayList;
import java.util.List;

/** The dashboard with a history: a database of its own on the tests' PostgreSQL, with the worker's schema. */
public class DashboardHistoryTestProfile extends DashboardTestProfile {

    @Override
    public List<TestResourceEntry> testResources() {
        List<TestResourceEntry> resources = new ArrayList<>(super.testResources());
        resources.add(new TestResourceEntry(PgTestResource.class));
        return resources;
    }
}
