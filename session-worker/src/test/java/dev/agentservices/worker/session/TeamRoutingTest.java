package dev.agentservices.worker.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import dev.agentservices.common.session.SessionMessage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** New sessions belong to the team whose Slack channel, Jira project or GitHub repository they come from. */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class TeamRoutingTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Inject
    TeamStore teams;

    @Inject
    SessionService sessions;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void sessionsAreRoutedToTheirTeam() throws Exception {
        String channel = "C0T" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String project = "P" + UUID.randomUUID().toString().substring(0, 4).toUpperCase().replaceAll("[^A-Z]", "X");
        teams.put(new TeamSettings(TeamSettings.VERSION, "payments", List.of(channel), List.of(project), List.of("acme/pay"), 0,
                null, null));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);

        String ts = "1712366666." + String.format("%06d", (int) (Math.random() * 1_000_000));
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"hi\",\"ts\":\"" + ts
                        + "\",\"channel\":\"" + channel + "\"}}");
        Session slack = fixtures.awaitSession(SessionKey.slack("buck", channel, ts), s -> s.podName() != null);
        assertEquals("payments", slack.team());

        String other = "1712366667." + String.format("%06d", (int) (Math.random() * 1_000_000));
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\",\"text\":\"hi\",\"ts\":\"" + other
                        + "\",\"channel\":\"C0NOBODY\"}}");
        assertNull(fixtures.awaitSession(SessionKey.slack("buck", "C0NOBODY", other), s -> s.podName() != null).team());

        assertEquals("payments", teams.teamFor(SessionKey.jira("buck", project + "-12")).orElseThrow());
        assertEquals("payments", teams.teamFor(SessionKey.github("buck", "acme/pay", 3)).orElseThrow());
    }

    @Test
    void anAgentsDefaultTeamTakesWhatNoTeamClaims() {
        String ts = "1712366668." + String.format("%06d", (int) (Math.random() * 1_000_000));
        SessionKey key = SessionKey.slack("dolly", "C0UNCLAIMED", ts);
        sessions.apply(key, null, "hi", new SessionMessage("U0ANA", "hi", List.of(), Instant.now()), "dolly:" + ts);
        assertEquals("dolly-default", store.idFor(key).flatMap(store::get).orElseThrow().session().team());
    }
}
