package dev.agentservices.common.nats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.testing.TestConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StreamConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@Tag("component")
class NatsTopologyTest {

    private static NatsTestServer server;
    private static Connection connection;

    @BeforeAll
    static void startServer() throws Exception {
        server = NatsTestServer.start();
        connection = Nats.connect(server.localUrl());
    }

    @AfterAll
    static void stopServer() throws Exception {
        connection.close();
        server.close();
    }

    @Test
    void ensureCreatesEveryStreamAndBucketAndIsIdempotent() throws Exception {
        NatsTopology topology = new NatsTopology(config(Map.of()));
        topology.ensure(connection);
        topology.ensure(connection);

        JetStreamManagement jsm = connection.jetStreamManagement();
        StreamConfiguration webhooks = jsm.getStreamInfo("WEBHOOKS").getConfiguration();
        assertEquals(List.of("webhooks.>"), webhooks.getSubjects());
        assertEquals(Duration.ofHours(1), webhooks.getDuplicateWindow());
        assertEquals(List.of("deadletter.>"), jsm.getStreamInfo("DEADLETTER").getConfiguration().getSubjects());
        assertEquals(List.of("runner.>"), jsm.getStreamInfo("RUNNER").getConfiguration().getSubjects());
        assertEquals(List.of("control.>"), jsm.getStreamInfo("CONTROL").getConfiguration().getSubjects());
        assertTrue(connection.keyValueManagement().getBucketNames()
                .containsAll(List.of("sessions", "session-index", "processed", "teams")));
        assertEquals(Duration.ofDays(7), connection.keyValueManagement().getStatus("processed").getTtl());
    }

    @Test
    void changedLimitsAreAppliedToAnExistingStream() throws Exception {
        new NatsTopology(config(Map.of())).ensure(connection);
        new NatsTopology(config(Map.of("nats.streams.webhooks.duplicate-window", "2h"))).ensure(connection);
        assertEquals(Duration.ofHours(2),
                connection.jetStreamManagement().getStreamInfo("WEBHOOKS").getConfiguration().getDuplicateWindow());
        new NatsTopology(config(Map.of())).ensure(connection);
    }

    private static NatsConfig config(Map<String, String> properties) {
        return TestConfig.build(properties, NatsConfig.class).getConfigMapping(NatsConfig.class);
    }
}
