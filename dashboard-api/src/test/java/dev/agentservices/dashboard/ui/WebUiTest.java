package dev.agentservices.dashboard.ui;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.session.Usage;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.dashboard.DashboardFixtures;
import dev.agentservices.dashboard.LocalSignInTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * The web UI in headless Chromium (Debian's, driven by playwright-core; deploy/test.sh installs it):
 * local sign-in, the list, a status change from the sessions bucket arriving live, the terminal on a real
 * tmux session, a command reaching CONTROL, cost and artifacts, no console error and no teamless session for a
 * member; and, as an admin, the charts, budgets, team settings and a dead letter's replay.
 */
@QuarkusTest
@TestProfile(WebUiTest.Profile.class)
@Tag("component")
class WebUiTest {

    static final String TMUX_SOCKET = "agent-services-ui-test";
    static final Path UI = Path.of("src/test/ui");

    /** Local mode's sign-in and terminal. */
    public static class Profile extends LocalSignInTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("dashboard.terminal.mode", "local");
            config.put("dashboard.terminal.tmux-socket", TMUX_SOCKET);
            return config;
        }
    }

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Inject
    TeamStore teams;

    @Inject
    dev.agentservices.common.team.SpendLedger ledger;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void aSignedInUserFollowsASessionLiveOpensItsTerminalAndTerminatesIt() throws Exception {
        String pod = "session-ui-" + UUID.randomUUID().toString().substring(0, 8) + "-1";
        assertEquals(0, new ProcessBuilder("tmux", "-L", TMUX_SOCKET, "new-session", "-d", "-s", pod, "-x", "120", "-y", "32",
                "sh -c 'echo hello-from-tmux; exec sh'").start().waitFor());
        String title = "ui-" + UUID.randomUUID().toString().substring(0, 8);
        SessionMessage asked = new SessionMessage("U0ANA", "look at the build", List.of(), Instant.now());
        SessionKey key = SessionKey.slack("buck", "C0UI", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> Session.open(newId, key, "team-a", title, Origin.slack("C0UI", "1"), Instant.now())
                .withMessage(asked, "ui-m1").withNextTurn(asked, Instant.now())
                .withStatus(SessionStatus.RUNNING, pod, Instant.now())).versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        SessionKey teamlessKey = SessionKey.slack("buck", "C0NOBODY", "1712345679." + UUID.randomUUID().toString().substring(0, 8));
        String teamless = store.open(teamlessKey, newId -> Session.open(newId, teamlessKey, null, "teamless-" + title,
                Origin.slack("C0NOBODY", "1"), Instant.now())).versioned().session().id();
        teams.put(new TeamSettings(TeamSettings.VERSION, "team-a", List.of(), List.of(), List.of(), 0, null, null, null, 0.50));

        // npm's output goes to a file: the test JVM's own stdout is surefire's channel and must not be written to
        File npmLog = Files.createTempFile("ui-npm", ".log").toFile();
        Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund").directory(UI.toFile())
                .redirectErrorStream(true).redirectOutput(npmLog).start();
        assertTrue(npm.waitFor(5, TimeUnit.MINUTES), "npm ci did not finish");
        assertEquals(0, npm.exitValue(), Files.readString(npmLog.toPath()));
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            ProcessBuilder builder = new ProcessBuilder("node", "ui.mjs").directory(UI.toFile()).redirectErrorStream(true);
            long deadLetter = DashboardFixtures.deadLetter("{\"ui\":true}");
            builder.environment().putAll(Map.of("BASE_URL", "http://localhost:" + RestAssured.port, "SESSION_ID", id,
                    "SESSION_TITLE", title, "DEAD_LETTER", Long.toString(deadLetter), "TEAMLESS_ID", teamless, "LOCAL_SECRET", LocalSignInTestProfile.SECRET));
            Process browser = builder.start();
            StringBuilder output = new StringBuilder();
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    output.append(line).append('\n');
                    if (line.equals("waiting-for-change")) {
                        // what the worker does when the run ends: the page must show it without a reload
                        store.update(id, s -> s.withTurnOutcome(s.turn(), SessionStatus.SUCCEEDED, "Done from the worker.",
                                List.of(new Artifact("pull_request", "Fix the build", "https://github.com/acme/api/pull/7")),
                                new Usage(1200, 340, 0.75), null, null, "ui-test-" + UUID.randomUUID(), Instant.now()));
                        // and what it charges to the spend ledger, which the budget panel reads
                        ledger.charge(dev.agentservices.common.team.SpendLedger.Charge.turn("team-a", id, 1, 1, 0.75, 1540, Instant.now()));
                    }
                }
            }
            assertTrue(browser.waitFor(2, TimeUnit.MINUTES), output.toString());
            assertEquals(0, browser.exitValue(), output.toString());
            for (String step : List.of("sign-in", "list", "detail", "terminal", "live status", "terminate",
                    "member without console errors", "metrics", "team settings", "dead letters")) {
                assertTrue(output.toString().contains(step + " ok"), step + " missing in:\n" + output);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> control.messagesAfter(mark).stream()
                    .anyMatch(m -> m.getSubject().equals("control.buck." + id + ".terminate")));
            assertEquals(2, teams.get("team-ui").orElseThrow().concurrencyLimit());
        }
    }
}
