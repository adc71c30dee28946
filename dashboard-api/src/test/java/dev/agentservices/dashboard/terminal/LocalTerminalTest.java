package dev.agentservices.dashboard.terminal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The terminal WebSocket in local mode, attached to a real tmux session. */
@QuarkusTest
@TestProfile(LocalTerminalTestProfile.class)
@Tag("component")
class LocalTerminalTest {

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Inject
    Vertx vertx;

    @AfterAll
    static void stopTmux() throws Exception {
        tmux("kill-server");
    }

    @Test
    void keystrokesReachTmuxAndItsOutputComesBackAndResizeResizes() throws Exception {
        Session session = runningSession("team-a");
        try (TerminalClient terminal = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            String marker = "m" + UUID.randomUUID().toString().substring(0, 8);
            terminal.type("echo hello-$((40+2))-" + marker + "\r");
            await().atMost(Duration.ofSeconds(10)).until(() -> terminal.output().contains("hello-42-" + marker));

            terminal.control("{\"type\":\"resize\",\"cols\":101,\"rows\":33}");
            await().atMost(Duration.ofSeconds(10)).until(() -> tmuxOutput("list-clients", "-t", session.podName(), "-F",
                    "#{client_width}x#{client_height}").contains("101x33"));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tmuxOutput("list-clients", "-t", session.podName()).isBlank());
        assertEquals(0, tmux("has-session", "-t", session.podName()), "detaching leaves the tmux session running");
    }

    @Test
    void aReconnectLandsInTheSameTmuxSessionWithWhatItShowed() throws Exception {
        Session session = runningSession("team-a");
        String marker = "r" + UUID.randomUUID().toString().substring(0, 8);
        try (TerminalClient first = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            first.type("echo before-" + marker + "\r");
            await().atMost(Duration.ofSeconds(10)).until(() -> first.output().contains("before-" + marker));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> tmuxOutput("list-clients", "-t", session.podName()).isBlank());
        try (TerminalClient second = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            // tmux redraws the screen for the new client, the earlier output included
            await().atMost(Duration.ofSeconds(10)).until(() -> second.output().contains("before-" + marker));
        }
    }

    @Test
    void theSocketClosesWithAReasonWhenTheTmuxSessionEnds() throws Exception {
        Session session = runningSession("team-a");
        try (TerminalClient terminal = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !tmuxOutput("list-clients", "-t", session.podName()).isBlank());
            tmux("kill-session", "-t", session.podName());
            String closed = terminal.closed.get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("1000 "), closed);
        }
    }

    @Test
    void aBrowserMaySendItsTokenAsTheSubprotocol() throws Exception {
        Session session = runningSession("team-a");
        String carrier = URLEncoder.encode("quarkus-http-upgrade#Authorization#Bearer " + DashboardTestProfile.memberToken(),
                StandardCharsets.UTF_8).replace("+", "%20");
        Object result = TerminalClient.connect(vertx, RestAssured.port, session.id(), null, "https://dashboard.example.com",
                List.of("bearer-token-carrier", carrier));
        assertTrue(result instanceof TerminalClient, "upgrade rejected with " + result);
        ((TerminalClient) result).close();
    }

    @Test
    void upgradesAreRefusedForForeignOriginsStrangersOtherTeamsAndUnknownSessions() throws Exception {
        Session session = runningSession("team-a");
        Session other = runningSession("team-b");
        String member = DashboardTestProfile.memberToken();
        assertEquals(403, TerminalClient.connect(vertx, RestAssured.port, session.id(), member, "https://evil.example.com", null));
        assertEquals(401, TerminalClient.connect(vertx, RestAssured.port, session.id(), null, null, null));
        assertEquals(401, TerminalClient.connect(vertx, RestAssured.port, session.id(), DashboardTestProfile.token(
                DashboardTestProfile.ISSUER, DashboardTestProfile.AUDIENCE, -600), null, null));
        assertEquals(403, TerminalClient.connect(vertx, RestAssured.port, other.id(), member, null, null));
        assertEquals(404, TerminalClient.connect(vertx, RestAssured.port, "no-such-session", member, null, null));
    }

    @Test
    void aControlMessageThatIsNotAResizeClosesTheSocketSayingWhatToSend() throws Exception {
        Session session = runningSession("team-a");
        try (TerminalClient terminal = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            terminal.control("{\"type\":\"resize\",\"cols\":0,\"rows\":40}");
            String closed = terminal.closed.get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("4400 ") && closed.contains("resize"), closed);
        }
        assertEquals(0, tmux("has-session", "-t", session.podName()), "a bad message leaves the run alone");
    }

    @Test
    void aSessionWithoutARunningTerminalClosesTheSocketWithTheReason() throws Exception {
        Session session = runningSession("team-a");
        tmux("kill-session", "-t", session.podName());
        try (TerminalClient terminal = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            String closed = terminal.closed.get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("4404 ") && closed.contains("no running terminal"), closed);
        }
    }

    /** A session whose run is a real tmux session on the test socket, running a shell. */
    private Session runningSession(String team) throws Exception {
        String podName = "session-" + UUID.randomUUID().toString().substring(0, 8) + "-1";
        assertEquals(0, tmux("new-session", "-d", "-s", podName, "-x", "80", "-y", "24", "sh"));
        SessionKey key = SessionKey.slack("buck", "C0TTY", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> Session.open(newId, key, team, "terminal", Origin.slack("C0TTY", "1"), Instant.now())
                .withStatus(SessionStatus.RUNNING, podName, Instant.now())).versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        return view.get(id).orElseThrow().session();
    }

    private static int tmux(String... args) throws Exception {
        return command(args).start().waitFor();
    }

    private static String tmuxOutput(String... args) throws Exception {
        Process process = command(args).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }

    private static ProcessBuilder command(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("tmux", "-L", LocalTerminalTestProfile.TMUX_SOCKET));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }
}
