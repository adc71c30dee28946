package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** A team's concurrency limit: the run beyond it waits without a pod and starts when a slot frees. */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class ConcurrencyLimitTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Inject
    TeamStore teams;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void theRunBeyondTheLimitWaitsForAFreeSlot() throws Exception {
        String channel = "C0L" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        teams.put(new TeamSettings(TeamSettings.VERSION, "limited-" + channel.toLowerCase(), List.of(channel), List.of(),
                List.of(), 1, null, null));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);

        Session first = fixtures.mention(channel, "1712377777.000001");
        first = fixtures.awaitSession(first.key(), s -> s.status() == SessionStatus.RUNNING);
        Session second = fixtures.mention(channel, "1712377777.000002");
        fixtures.awaitIdle();
        String waiting = second.id();
        // several looks of the queued-run starter (every 500 ms in tests), which must leave it waiting
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> {
            Session now = store.get(waiting).orElseThrow().session();
            return now.status() == SessionStatus.PENDING && now.podName() == null;
        });

        RunOutcome done = new RunOutcome(RunOutcome.VERSION, first.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(), null, null, null);
        fixtures.publishOutcome(done, done.dedupId());
        Session started = fixtures.awaitSession(second.key(), s -> s.status() == SessionStatus.RUNNING);
        assertEquals(1, started.run());
    }

    @Test
    void aLimitedTeamStillLaunchesWhileATeamlessSessionRuns() throws Exception {
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        String unclaimed = "C0U" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        Session teamless = fixtures.mention(unclaimed, "1712377778.000001");
        teamless = fixtures.awaitSession(teamless.key(), s -> s.status() == SessionStatus.RUNNING);
        assertEquals(null, teamless.team());

        String channel = "C0L" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        teams.put(new TeamSettings(TeamSettings.VERSION, "limited-" + channel.toLowerCase(), List.of(channel), List.of(),
                List.of(), 1, null, null));
        Session limited = fixtures.mention(channel, "1712377778.000002");
        assertEquals(SessionStatus.RUNNING,
                fixtures.awaitSession(limited.key(), s -> s.status() == SessionStatus.RUNNING).status());
    }
}
