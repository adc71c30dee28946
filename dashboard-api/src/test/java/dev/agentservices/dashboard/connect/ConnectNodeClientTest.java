package dev.agentservices.dashboard.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The official Connect client for Node ({@code @connectrpc/connect-node}, code generated from our proto
 * by {@code @bufbuild/protoc-gen-es}; versions pinned in src/test/connect-node/package-lock.json) calls
 * every method in the binary codec, the JSON codec and JSON with GET. Needs node and npm (deploy/test.sh
 * installs them).
 */
@QuarkusTest
@TestProfile(DashboardTestProfile.class)
@Tag("component")
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
            passes.add("{\"running\":\"" + session(SessionStatus.RUNNING) + "\",\"paused\":\""
                    + session(SessionStatus.PAUSED) + "\",\"finished\":\"" + session(SessionStatus.SUCCEEDED)
                    + "\",\"deadLetter\":\"" + DashboardFixtures.deadLetter("{}") + "\"}");
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

    private String session(SessionStatus status) {
        return new DashboardFixtures(store, view).session("team-a", status, "session-node-1").id();
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

}
