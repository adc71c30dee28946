package dev.agentservices.common.nats;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.testing.TestConfig;
import io.nats.client.AuthenticationException;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * deploy/nats/nats-server.conf on a real nats-server: each service, connected as its own user through
 * {@link NatsConnection}, does what the contract gives it; every publish or read beyond that is refused;
 * nobody gets in without a password.
 */
@Tag("component")
class NatsPermissionsTest {

    private static final Path CONFIG = Path.of("../deploy/nats/nats-server.conf").toAbsolutePath().normalize();
    private static final Map<String, String> PASSWORDS = Map.of(
            "webhook-gateway", "gw-" + java.util.UUID.randomUUID(),
            "runner-api", "ra-" + java.util.UUID.randomUUID(),
            "dashboard-api", "da-" + java.util.UUID.randomUUID(),
            "session-worker", "sw-" + java.util.UUID.randomUUID());
    private static final JetStreamOptions FAST = JetStreamOptions.builder().requestTimeout(Duration.ofMillis(700)).build();

    private static NatsTestServer server;
    private static NatsConnection worker;
    private static NatsConnection gateway;
    private static NatsConnection runnerApi;
    private static NatsConnection dashboard;

    @BeforeAll
    static void start() throws Exception {
        server = NatsTestServer.start(CONFIG, Map.of(
                "NATS_GATEWAY_PASSWORD", PASSWORDS.get("webhook-gateway"),
                "NATS_RUNNER_API_PASSWORD", PASSWORDS.get("runner-api"),
                "NATS_DASHBOARD_PASSWORD", PASSWORDS.get("dashboard-api"),
                "NATS_WORKER_PASSWORD", PASSWORDS.get("session-worker")));
        worker = connect("session-worker", true);
        await().atMost(Duration.ofSeconds(15)).until(worker::isReady);
        gateway = connect("webhook-gateway", false);
        runnerApi = connect("runner-api", false);
        dashboard = connect("dashboard-api", false);
    }

    @AfterAll
    static void stop() throws Exception {
        for (NatsConnection connection : List.of(worker, gateway, runnerApi, dashboard)) {
            if (connection != null) {
                connection.connection().close();
            }
        }
        server.close();
    }

    private static NatsConnection connect(String service, boolean manageTopology) throws Exception {
        Map<String, String> properties = new HashMap<>(Map.of("nats.url", server.localUrl(), "nats.user", service,
                "nats.password", PASSWORDS.get(service), "nats.manage-topology", Boolean.toString(manageTopology)));
        NatsConnection connection = new NatsConnection(TestConfig.build(properties, NatsConfig.class).getConfigMapping(NatsConfig.class),
                service);
        await().atMost(Duration.ofSeconds(10)).until(connection::isConnected);
        return connection;
    }

    @Test
    void nobodyConnectsWithoutTheirPassword() {
        assertThrows(AuthenticationException.class, () -> Nats.connect(Options.builder().server(server.localUrl())
                .maxReconnects(0).build()));
        assertThrows(AuthenticationException.class, () -> Nats.connect(Options.builder().server(server.localUrl())
                .userInfo("runner-api", "guessed").maxReconnects(0).build()));
    }

    @Test
    void theGatewayStoresWebhooksAndNothingElse() throws Exception {
        assertNotNull(gateway.jetStream().publish("webhooks.buck.slack", "{}".getBytes(StandardCharsets.UTF_8)));
        long runner = messages("RUNNER");
        assertThrows(Exception.class, () -> gateway.connection().jetStream(FAST).publish("runner.buck.s1.complete", new byte[0]));
        assertThrows(Exception.class, () -> gateway.connection().jetStream(FAST).publish("control.buck.s1.terminate", new byte[0]));
        assertThrows(Exception.class, () -> sessions(gateway).get("s1"));
        assertEquals(runner, messages("RUNNER"));
    }

    @Test
    void runnerApiStoresReportsAndReadsRunViewsButNotTheWorkersRecords() throws Exception {
        bucket(worker, "runs").put("s-ra", "{\"id\":\"s-ra\"}".getBytes(StandardCharsets.UTF_8));
        KeyValueEntry entry = bucket(runnerApi, "runs").get("s-ra");
        assertEquals("{\"id\":\"s-ra\"}", new String(entry.getValue(), StandardCharsets.UTF_8));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (var watch = bucket(runnerApi, "runs").watch("s-ra", watcher(seen))) {
            bucket(worker, "runs").put("s-ra", "{\"id\":\"s-ra\",\"turn\":2}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(v -> v.contains("\"turn\":2")));
        }
        assertNotNull(runnerApi.jetStream().publish("runner.buck.s-ra.complete", "{}".getBytes(StandardCharsets.UTF_8)));

        sessions(worker).put("s-ra", "{\"id\":\"s-ra\",\"conversation\":\"the model's\"}".getBytes(StandardCharsets.UTF_8));
        assertThrows(Exception.class, () -> sessions(runnerApi).get("s-ra"), "the worker's record is not runner-api's to read");
        assertThrows(Exception.class, () -> runnerApi.connection().jetStream(FAST).publish("$KV.runs.s-ra", new byte[0]));
        assertThrows(Exception.class, () -> runnerApi.connection().jetStream(FAST).publish("$KV.sessions.s-ra", new byte[0]));
        assertThrows(Exception.class, () -> runnerApi.connection().jetStream(FAST).publish("control.buck.s-ra.terminate", new byte[0]));
        assertThrows(Exception.class, () -> runnerApi.connection().jetStream(FAST).publish("webhooks.buck.slack", new byte[0]));
        assertThrows(Exception.class, () -> bucket(runnerApi, "teams").get("team-a"));
        assertTrue(new String(bucket(worker, "runs").get("s-ra").getValue(), StandardCharsets.UTF_8).contains("\"turn\":2"));
    }

    @Test
    void theDashboardReadsSessionsSetsTeamsAndCommandsButWritesNoRecord() throws Exception {
        bucket(dashboard, "teams").put("team-perm", "{}".getBytes(StandardCharsets.UTF_8));
        assertNotNull(dashboard.jetStream().publish("control.buck.s1.pause", "{}".getBytes(StandardCharsets.UTF_8)));
        List<String> seen = new CopyOnWriteArrayList<>();
        try (var watch = sessions(dashboard).watchAll(watcher(seen))) {
            sessions(worker).put("s-da", "{\"id\":\"s-da\"}".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(5)).until(() -> seen.stream().anyMatch(v -> v.contains("s-da")));
        }
        assertNotNull(dashboard.connection().jetStreamManagement().getStreamInfo("DEADLETTER"));
        // the spend ledger: the worker charges, the dashboard reads the month and can change no charge
        bucket(worker, "spend").put("202612.team-a.s-da.turn-1-1", "{\"costUsd\":1}".getBytes(StandardCharsets.UTF_8));
        List<String> charges = new CopyOnWriteArrayList<>();
        try (var watch = bucket(dashboard, "spend").watch("202612.>", watcher(charges))) {
            await().atMost(Duration.ofSeconds(5)).until(() -> charges.stream().anyMatch(v -> v.contains("costUsd")));
        }

        assertThrows(Exception.class, () -> dashboard.connection().jetStream(FAST).publish("$KV.spend.202612.team-a.s-da.turn-1-1",
                new byte[0]));
        assertThrows(Exception.class, () -> runnerApi.connection().jetStream(FAST).publish("$KV.spend.202612.team-a.s-da.turn-1-2",
                new byte[0]));
        assertThrows(Exception.class, () -> dashboard.connection().jetStream(FAST).publish("$KV.sessions.s-da", new byte[0]));
        assertThrows(Exception.class, () -> bucket(dashboard, "processed").get("x"));
        assertThrows(Exception.class, () -> dashboard.connection().jetStreamManagement().deleteStream("WEBHOOKS"));
        // a replay is a request the worker carries out: the dashboard publishes no webhook, report, dead letter or mark
        assertNotNull(dashboard.jetStream().publish("deadletter.replay.1", new byte[0]));
        for (String subject : List.of("webhooks.buck.slack", "runner.buck.s-da.1.complete", "deadletter.replayed.1",
                "deadletter.webhooks.buck.slack")) {
            assertThrows(Exception.class, () -> dashboard.connection().jetStream(FAST).publish(subject, new byte[0]), subject);
        }
    }

    @Test
    void theWorkerPublishesNoWebhookReportOrCommandAndNobodyReadsAnothersReplies() throws Exception {
        long runner = messages("RUNNER");
        assertThrows(Exception.class, () -> worker.connection().jetStream(FAST).publish("runner.buck.s1.complete", new byte[0]));
        assertThrows(Exception.class, () -> worker.connection().jetStream(FAST).publish("webhooks.buck.slack", new byte[0]));
        assertEquals(runner, messages("RUNNER"));
        // the session changes are the worker's alone: it publishes them, nobody else may
        assertNotNull(worker.jetStream().publish("history.buck.s1", "{}".getBytes(StandardCharsets.UTF_8)));
        for (Connection other : List.of(dashboard.connection(), runnerApi.connection(), gateway.connection())) {
            assertThrows(Exception.class, () -> other.jetStream(FAST).publish("history.buck.s1", new byte[0]));
        }

        // a subscription to another service's replies is refused by the server, which closes nothing but says so
        List<String> errors = new CopyOnWriteArrayList<>();
        try (Connection snoop = Nats.connect(Options.builder().server(server.localUrl())
                .userInfo("webhook-gateway", PASSWORDS.get("webhook-gateway")).inboxPrefix("_INBOX_webhook-gateway")
                .errorListener(new io.nats.client.ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(error);
                    }
                }).build())) {
            snoop.createDispatcher(message -> errors.add("read " + message.getSubject())).subscribe("_INBOX_session-worker.>");
            await().atMost(Duration.ofSeconds(5)).until(() -> errors.stream().anyMatch(e -> e.contains("Permissions Violation")));
            sessions(worker).get("s1");
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(1))
                    .until(() -> errors.stream().noneMatch(e -> e.startsWith("read ")));
        }
    }

    @Test
    void passwordsAreNeverInALogLine() {
        assertEquals("nats://***@nats.example:4222", NatsCredentials.redact("nats://svc:s3cret@nats.example:4222"));
        assertEquals("nats://***@nats.example:4222", NatsCredentials.redact("nats://t0ken@nats.example:4222"));
        assertEquals("nats://127.0.0.1:4222", NatsCredentials.redact("nats://127.0.0.1:4222"));
        for (String password : PASSWORDS.values()) {
            assertFalse(server.log().contains(password));
        }
    }

    private static KeyValueWatcher watcher(List<String> seen) {
        return new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getValue() != null) {
                    seen.add(new String(entry.getValue(), StandardCharsets.UTF_8));
                }
            }

            @Override
            public void endOfData() {
            }
        };
    }

    private static KeyValue sessions(NatsConnection connection) throws Exception {
        return bucket(connection, "sessions");
    }

    private static KeyValue bucket(NatsConnection connection, String name) throws Exception {
        return connection.connection().keyValue(name, KeyValueOptions.builder().jetStreamOptions(FAST).build());
    }

    private static long messages(String stream) throws Exception {
        return worker.connection().jetStreamManagement().getStreamInfo(stream).getStreamState().getMsgCount();
    }
}
