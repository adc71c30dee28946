package dev.agentservices.worker.session;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.runner.RunPause;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.launch.SessionLauncher;
import dev.agentservices.worker.WorkerTestProfile;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** Users' commands from CONTROL, applied to sessions running locally in tmux. */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class ControlFlowTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void messageFromTheDashboardWaitsForTheTurnGoingAndBecomesTheNext() throws Exception {
        Session session = runningSession();
        control(session, ControlCommand.MESSAGE, "please also add a test");
        Session queued = fixtures().awaitSession(session.key(), s -> s.queued().size() == 1);
        assertEquals(1, queued.turn());

        RunOutcome done = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                null, null, null);
        fixtures().publishOutcome(done, done.dedupId());
        Session next = fixtures().awaitSession(session.key(), s -> s.turn() == 2);
        assertEquals("please also add a test", next.prompt());
        assertEquals(SessionStatus.RUNNING, next.status());
        assertEquals(1, next.run());
    }

    @Test
    void pauseAsksTheRunToStopAndAPauseReportMakesItPaused() throws Exception {
        Session session = runningSession();
        control(session, ControlCommand.PAUSE, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(runDir(session).resolve("signalled")));

        RunPause pause = new RunPause(RunPause.VERSION, session.id(), 1, "state/" + session.id() + "/run-1.tar.gz", null, "Saved.");
        publish("runner.buck." + session.id() + ".1.pause", pause.dedupId(), mapper.writeValueAsBytes(pause));
        Session paused = fixtures().awaitSession(session.key(), s -> s.status() == SessionStatus.PAUSED);
        assertEquals("state/" + session.id() + "/run-1.tar.gz", paused.stateKey());
    }

    @Test
    void resumeStartsTheNextRunOfAPausedSessionWithItsState() throws Exception {
        Session session = runningSession();
        RunPause pause = new RunPause(RunPause.VERSION, session.id(), 1, "state/" + session.id() + "/run-1.tar.gz", null, null);
        publish("runner.buck." + session.id() + ".1.pause", pause.dedupId(), mapper.writeValueAsBytes(pause));
        fixtures().awaitSession(session.key(), s -> s.status() == SessionStatus.PAUSED);

        control(session, ControlCommand.RESUME, null);
        Session resumed = fixtures().awaitSession(session.key(), s -> s.run() == 2 && s.status() == SessionStatus.RUNNING);
        assertEquals("state/" + session.id() + "/run-1.tar.gz", resumed.stateKey());
        assertNotEquals(session.podName(), resumed.podName());
    }

    @Test
    void terminateStopsTheRunForGood() throws Exception {
        Session session = runningSession();
        control(session, ControlCommand.TERMINATE, null);

        fixtures().awaitSession(session.key(), s -> s.status() == SessionStatus.TERMINATED);
        await().atMost(Duration.ofSeconds(10)).until(() -> new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET,
                "has-session", "-t", session.podName()).start().waitFor() != 0);

        fixtures().publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"user\":\"U0ANA\",\"text\":\"still there?\",\"ts\":\""
                        + thread() + "\",\"thread_ts\":\"" + session.origin().slackThreadTs() + "\",\"channel\":\"C0CTL\"}}");
        fixtures().awaitIdle();
        Session after = store.get(session.id()).orElseThrow().session();
        assertEquals(SessionStatus.TERMINATED, after.status());
        assertEquals(1, after.run());
    }

    @Test
    void createStartsADashboardSessionUnderTheChosenIdInItsTeam() throws Exception {
        String id = UUID.randomUUID().toString();
        ControlCommand create = new ControlCommand(ControlCommand.VERSION, id, ControlCommand.CREATE, "write the release notes",
                "ana@example.com", Instant.now(), UUID.randomUUID().toString(),
                new ControlCommand.NewSession("buck", "team-a", "Release notes", "Be brief."));
        publish("control.buck." + id + ".create", create.dedupId(), mapper.writeValueAsBytes(create));
        publish("control.buck." + id + ".create", "again-" + create.dedupId(), mapper.writeValueAsBytes(create));

        Session session = fixtures().awaitSession(new SessionKey("buck", SessionSource.DASHBOARD, id),
                s -> s.status() == SessionStatus.RUNNING);
        assertEquals(id, session.id());
        assertEquals("team-a", session.team());
        assertEquals("Be brief.", session.instructions());
        assertEquals("write the release notes", session.prompt());
        fixtures().awaitIdle();
        assertEquals(1, store.get(id).orElseThrow().session().run());
        assertEquals(1, store.get(id).orElseThrow().session().messages().size());
    }

    @Test
    void deleteRemovesAFinishedSessionButNotARunningOne() throws Exception {
        Session session = runningSession();
        control(session, ControlCommand.DELETE, null);
        fixtures().awaitIdle();
        assertTrue(store.get(session.id()).isPresent(), "a running session is not deleted");

        control(session, ControlCommand.TERMINATE, null);
        fixtures().awaitSession(session.key(), s -> s.status() == SessionStatus.TERMINATED);
        control(session, ControlCommand.DELETE, null);
        await().atMost(Duration.ofSeconds(10)).until(() -> store.get(session.id()).isEmpty());
        assertTrue(store.idFor(session.key()).isEmpty());
    }

    private Session runningSession() throws Exception {
        String thread = thread();
        fixtures().publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"work\",\"ts\":\""
                        + thread + "\",\"channel\":\"C0CTL\"}}");
        Session session = fixtures().awaitSession(SessionKey.slack("buck", "C0CTL", thread), s -> s.status() == SessionStatus.RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(runDir(session).resolve("started")));
        return session;
    }

    private void control(Session session, String command, String text) throws Exception {
        ControlCommand control = new ControlCommand(ControlCommand.VERSION, session.id(), command, text, "ana@example.com",
                Instant.now(), UUID.randomUUID().toString(), null);
        publish("control.buck." + session.id() + "." + command, control.dedupId(), mapper.writeValueAsBytes(control));
    }

    private static void publish(String subject, String msgId, byte[] data) throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            nats.jetStream().publish(subject, data, PublishOptions.builder().messageId(msgId).build());
        }
    }

    private WorkerFixtures fixtures() {
        return new WorkerFixtures(mapper, store);
    }

    private static Path runDir(Session session) {
        return Path.of(System.getProperty("java.io.tmpdir")).resolve("agent-services-worker-test").resolve(SessionLauncher.workDirName(session));
    }

    private static String thread() {
        return "17124" + String.format("%05d", (int) (Math.random() * 100_000)) + "." + String.format("%06d",
                (int) (Math.random() * 1_000_000));
    }
}
