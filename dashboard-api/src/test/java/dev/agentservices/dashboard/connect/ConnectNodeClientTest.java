package dev.agentservices.dashboard.connect;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The official Connect client for Node ({@code @connectrpc/connect-node}, code generated from our proto
 * by {@code @bufbuild/protoc-gen-es}; versions pinned in src/test/connect-node/package-lock.json) calls
 * every method in the binary codec, the JSON codec and JSON with GET. Needs node and npm (deploy/test.sh
 * installs them).
 */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
class ConnectNodeClientTest {

    static final Path CLIENT = Path.of("src/test/connect-node");

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Test
    void theOfficialNodeClientCallsEveryMethodInBothCodecsAndWithGet() throws Exception {
        run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of());
        run(List.of("npm", "run", "--silent", "generate"), Map.of());

        List<String> passes = new ArrayList<>();
        for (int pass = 0; pass < 3; pass++) {
            passes.add("{\"running\":\"" + newSession(SessionStatus.RUNNING) + "\",\"paused\":\""
                    + newSession(SessionStatus.PAUSED) + "\",\"finished\":\"" + newSession(SessionStatus.SUCCEEDED)
                    + "\",\"deadLetter\":\"" + deadLetter() + "\"}");
        }
        String output = run(List.of("node", "client.mjs"), Map.of(
                "BASE_URL", "http://localhost:" + RestAssured.port + "/api/dashboard",
                "MEMBER_TOKEN", DashboardTestProfile.memberToken(),
                "ADMIN_TOKEN", DashboardTestProfile.adminToken(),
                "PASSES", "[" + String.join(",", passes) + "]"));
        assertTrue(output.contains("all calls ok"), output);
        for (String mode : List.of("binary", "json", "json+GET")) {
            for (String method : List.of("ListSessions", "GetSession", "CreateSession", "DeleteSession", "PauseSession",
                    "ResumeSession", "TerminateSession", "SendMessage", "GetMetrics", "ListTeams", "GetTeamSettings",
                    "UpdateTeamSettings", "ListDeadLetters", "ReplayDeadLetter")) {
                assertTrue(output.contains(mode + " " + method + " ok"), mode + " " + method + " missing in:\n" + output);
            }
        }
    }

    private static String run(List<String> command, Map<String, String> environment) throws Exception {
        File log = Files.createTempFile("connect-node", ".log").toFile();
        ProcessBuilder builder = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectErrorStream(true)
                .redirectOutput(log);
        builder.environment().putAll(environment);
        Process process = builder.start();
        boolean done = process.waitFor(5, TimeUnit.MINUTES);
        String output = Files.readString(log.toPath(), StandardCharsets.UTF_8);
        if (!done) {
            process.destroyForcibly();
        }
        assertTrue(done, String.join(" ", command) + " did not finish:\n" + output);
        assertEquals(0, process.exitValue(), String.join(" ", command) + " failed:\n" + output);
        return output;
    }

    private String newSession(SessionStatus status) {
        SessionKey key = SessionKey.slack("buck", "C0NODE", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> Session.open(newId, key, "team-a", "node", Origin.slack("C0NODE", "1"), Instant.now())
                .withStatus(status, "session-node-1", Instant.now())).versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        return id;
    }

    private static long deadLetter() throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            Headers headers = new Headers().put("Agent-Services-Subject", "webhooks.buck.slack")
                    .put("Agent-Services-Deliveries", "5").put("Agent-Services-Error", "IllegalStateException: node");
            return nats.jetStream().publish(NatsMessage.builder().subject("deadletter.webhooks.buck.slack").headers(headers)
                    .data("{}".getBytes(StandardCharsets.UTF_8)).build()).getSeqno();
        }
    }
}
