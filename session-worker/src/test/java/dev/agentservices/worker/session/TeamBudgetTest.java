package dev.agentservices.worker.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.Usage;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import dev.agentservices.common.nats.NatsConnection;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** A team's monthly budget: past it, a new run waits with one reply in its thread, and starts once the budget allows. */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class TeamBudgetTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Inject
    TeamStore teams;

    @Inject
    SpendLedger ledger;

    @Inject
    NatsConnection nats;

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void aTeamPastItsBudgetGetsAReplyInsteadOfARunUntilTheBudgetIsRaised() throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.2\"}")));
        String channel = "C0B" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String team = "budgeted-" + channel.toLowerCase();
        teams.put(budget(team, channel, 1.00));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);

        Session first = fixtures.mention(channel, "1712388888.000001");
        first = fixtures.awaitSession(first.key(), s -> s.status() == SessionStatus.RUNNING);
        RunOutcome costly = new RunOutcome(RunOutcome.VERSION, first.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                // $1.25 at the default prices ($3 and $15 a million); what the run says it cost does not count
                new Usage(250_000, 33_334, -1000), null, null);
        fixtures.publishOutcome(costly, costly.dedupId());
        fixtures.awaitSession(first.key(), s -> s.status() == SessionStatus.SUCCEEDED);

        String thread = "1712388888.000002";
        Session second = fixtures.mention(channel, thread);
        Session waiting = fixtures.awaitSession(second.key(), s -> Session.WAITING_FOR_BUDGET.equals(s.waitingFor()));
        // several looks of the queued-run starter (every 500 ms in tests) leave it waiting, and say so once
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> {
            Session now = store.get(waiting.id()).orElseThrow().session();
            return now.status() == SessionStatus.PENDING && now.podName() == null;
        });
        var notices = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread))));
        assertEquals(1, notices.size());
        var notice = mapper.readTree(notices.get(0).getBodyAsString());
        assertEquals("agent_services_notice", notice.path("metadata").path("event_type").asText());
        String text = notice.path("text").asText();
        assertTrue(text.contains("Team " + team + " has spent $1.25 of its $1.00 monthly budget"), text);

        teams.put(budget(team, channel, 10.00));
        Session started = fixtures.awaitSession(second.key(), s -> s.status() == SessionStatus.RUNNING);
        assertEquals(null, started.waitingFor());
    }

    @Test
    void sessionsWithoutATeamShareTheDefaultMonthlyBudget() throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.2\"}")));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        String channel = "C0NT" + UUID.randomUUID().toString().substring(0, 6).toUpperCase(); // no team claims it
        Session first = fixtures.awaitSession(fixtures.mention(channel, "1712399999.000001").key(),
                s -> s.status() == SessionStatus.RUNNING);
        String firstId = first.id();
        assertEquals(null, first.team());
        try {
            // $60 at the default prices, past the default $50 of the sessions without a team
            RunOutcome costly = new RunOutcome(RunOutcome.VERSION, first.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                    new Usage(20_000_000, 0, 0), null, null);
            fixtures.publishOutcome(costly, costly.dedupId());
            fixtures.awaitSession(first.key(), s -> s.status() == SessionStatus.SUCCEEDED);

            String thread = "1712399999.000002";
            Session second = fixtures.mention(channel, thread);
            fixtures.awaitSession(second.key(), s -> Session.WAITING_FOR_BUDGET.equals(s.waitingFor()));
            String notice = mapper.readTree(ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                    .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))).get(0).getBodyAsString()).path("text").asText();
            // $60, and what other tests' sessions without a team spent this month (cents)
            assertTrue(notice.matches("Sessions without a team have spent \\$60\\.\\d\\d of their \\$50\\.00 monthly budget, so this "
                    + "request waits\\..*"), notice);

            // the spend is the ledger's: deleting the session that spent it gives nothing back
            store.delete(store.get(first.id()).orElseThrow().session());
            Session third = fixtures.mention(channel, "1712399999.000003");
            fixtures.awaitSession(third.key(), s -> Session.WAITING_FOR_BUDGET.equals(s.waitingFor()));

            // the charge taken back: the waiting runs without a team start, as a team's would
            purge(firstId);
            fixtures.awaitSession(second.key(), s -> s.status() == SessionStatus.RUNNING);
        } finally {
            purge(firstId); // so later tests' teamless sessions start
        }
    }

    /** An operator's correction: the session's charges purged from the ledger, once every reader stops counting them. */
    private void purge(String sessionId) throws Exception {
        KeyValue spend = nats.connection().keyValue("spend");
        for (String key : spend.keys()) {
            if (key.contains("." + sessionId + ".")) {
                spend.purge(key);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> ledger.monthToDate(null, Instant.now()).costUsd() < 50);
    }

    @Test
    void aFollowUpToALiveRunWaitsWhenTheTeamHasSpentItsBudgetAndGoesToTheNextRun() throws Exception {
        String channel = "C0L" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String team = "live-" + channel.toLowerCase();
        String thread = "1712377777.000001";
        Session held = followUpHeldForTheBudget(team, channel, thread);
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        fixtures.awaitIdle();
        held = store.get(held.id()).orElseThrow().session();
        assertEquals(1, held.turn(), "no turn was given to the live run");
        assertEquals(SessionStatus.SUCCEEDED, held.status());
        await().atMost(Duration.ofSeconds(5)).until(() -> ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))).stream()
                .anyMatch(r -> r.getBodyAsString().contains("Team " + team + " has spent $1.25 of its $1.00 monthly budget")));

        // the run ends after its idle time: the follow-up is the next run's turn, which waits for the budget
        fixtures.publishEnd(new RunEnd(RunEnd.VERSION, held.id(), 1, 1, null));
        Session waiting = fixtures.awaitSession(held.key(), s -> s.run() == 2 && Session.WAITING_FOR_BUDGET.equals(s.waitingFor()));
        assertEquals(2, waiting.turn());
        assertTrue(waiting.prompt().contains("one more thing"), waiting.prompt());
        teams.put(budget(team, channel, 10.00));
        fixtures.awaitSession(held.key(), s -> s.run() == 2 && s.status() == SessionStatus.RUNNING);
    }

    @Test
    void aFollowUpHeldForTheBudgetGoesToTheLiveRunOnceTheBudgetIsRaised() throws Exception {
        String channel = "C0H" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String team = "held-" + channel.toLowerCase();
        Session held = followUpHeldForTheBudget(team, channel, "1712377778.000001");

        teams.put(budget(team, channel, 10.00));
        Session next = new WorkerFixtures(mapper, store).awaitSession(held.key(), s -> s.turn() == 2 && s.status() == SessionStatus.RUNNING);
        assertEquals(1, next.run(), "the live run takes it: no new run");
        assertTrue(next.prompt().contains("one more thing"), next.prompt());
    }

    /**
     * A session of a new team with a $1 budget whose first turn cost $1.25, its run still live, and a reply in its thread
     * since: the reply held on the session.
     */
    private Session followUpHeldForTheBudget(String team, String channel, String thread) throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.2\"}")));
        teams.put(budget(team, channel, 1.00));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        Session first = fixtures.awaitSession(fixtures.mention(channel, thread).key(), s -> s.status() == SessionStatus.RUNNING);
        RunOutcome costly = new RunOutcome(RunOutcome.VERSION, first.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                new Usage(250_000, 33_334, 0), null, null);
        fixtures.publishOutcome(costly, costly.dedupId());
        fixtures.awaitSession(first.key(), s -> s.status() == SessionStatus.SUCCEEDED && s.runLive());
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":"
                + "\"message\",\"user\":\"U0ANA\",\"text\":\"one more thing\",\"ts\":\"" + thread.replace(".000001", ".000002")
                + "\",\"thread_ts\":\"" + thread + "\",\"channel\":\"" + channel + "\"}}");
        return fixtures.awaitSession(first.key(), s -> s.queued().size() == 1);
    }

    private static TeamSettings budget(String team, String channel, double usd) {
        return new TeamSettings(TeamSettings.VERSION, team, List.of(channel), List.of(), List.of(), 0, null, null, null, usd);
    }
}
