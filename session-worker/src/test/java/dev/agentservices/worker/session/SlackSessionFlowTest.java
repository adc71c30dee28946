package dev.agentservices.worker.session;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.Usage;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.launch.SessionLauncher;
import dev.agentservices.worker.WorkerTestProfile;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class SlackSessionFlowTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @BeforeEach
    void slackAnswersOk() {
        ThirdPartyApis.slackAnswersOk();
    }

    private static void threadHasNoReplies() {
        ThirdPartyApis.server().stubFor(get(urlPathEqualTo("/api/conversations.replies"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"messages\":[]}")));
    }

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void mentionStartsASessionAndLaunchesItsFirstRunWithAPodToken() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> please fix the flaky test"), "Ev" + UUID.randomUUID());

        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        assertEquals(1, session.run());
        assertEquals("<@U0BUCK> please fix the flaky test", session.prompt());
        assertEquals("C0123", session.origin().slackChannel());
        assertEquals(thread, session.origin().slackThreadTs());
        Path started = runDir(session).resolve("started");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started));
        String env = Files.readString(started);
        assertTrue(env.contains("SESSION_ID=" + session.id()), env);
        assertTrue(env.contains("TOKEN_PARTS=2"), "a JWT has three dot-separated parts: " + env);
    }

    @Test
    void theRunOfAMentionGetsTheWebhooksTraceAsTraceparent() throws Exception {
        String thread = thread();
        String traceId = "0af7651916cd43dd8448eb211c80319c";
        fixtures().publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), mention(thread, thread, "<@U0BUCK> traced"),
                "00-" + traceId + "-b7ad6b7169203331-01");

        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        Path started = runDir(session).resolve("started");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(started));
        String traceparent = Files.readAllLines(started).stream().filter(line -> line.startsWith("TRACEPARENT="))
                .map(line -> line.substring("TRACEPARENT=".length())).findFirst().orElseThrow();
        assertTrue(traceparent.matches("00-" + traceId + "-[0-9a-f]{16}-0[01]") && !traceparent.contains("b7ad6b7169203331"),
                "the run continues the webhook's trace under the worker's span: " + traceparent);
    }

    @Test
    void theSameMessageDeliveredThreeTimesMakesOneSessionAndOneRun() throws Exception {
        String thread = thread();
        String body = mention(thread, thread, "<@U0BUCK> once");
        publishSlack(body, "Ev" + UUID.randomUUID());
        publishSlack(body, "Ev" + UUID.randomUUID());
        publishSlack(body.replace("app_mention", "message"), "Ev" + UUID.randomUUID());

        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        fixtures().awaitIdle();
        session = store.get(session.id()).orElseThrow().session();
        assertEquals(1, session.run());
        assertEquals(1, session.messages().size());
    }

    @Test
    void aThreadReplyWhileATurnRunsIsQueuedAndAnsweredAsTheNextTurnOfTheSameRun() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> start"), "Ev" + UUID.randomUUID());
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(runDir(session).resolve("started")));

        String replyTs = thread();
        String reply = mention(replyTs, thread, "- also update the docs").replace("app_mention", "message");
        publishSlack(reply, "Ev" + UUID.randomUUID());
        Session queued = awaitSession(key, s -> s.queued().size() == 1);
        assertEquals(1, queued.turn());
        assertEquals("- also update the docs", queued.queued().get(0).text());

        publishRunner(turn(session, 1, 1, "First answer."), null);
        Session second = awaitSession(key, s -> s.turn() == 2 && s.repliedTurn() == 1);
        assertEquals(SessionStatus.RUNNING, second.status());
        assertEquals(1, second.run());
        assertEquals("- also update the docs", second.prompt());
        publishRunner(turn(session, 1, 2, "Docs updated."), null);
        awaitSession(key, s -> s.repliedTurn() == 2);

        fixtures().awaitIdle();
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(equalToJson("{\"channel\":\"C0123\",\"thread_ts\":\"" + thread + "\",\"text\":\"First answer.\"}", true, true)));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(equalToJson("{\"channel\":\"C0123\",\"thread_ts\":\"" + thread + "\",\"text\":\"Docs updated.\"}", true, true)));
        // each turn's messages show it started (eyes) and how it ended
        for (String ts : List.of(thread, replyTs)) {
            for (String name : List.of("eyes", "white_check_mark")) {
                ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/reactions.add"))
                        .withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.BOT_TOKEN))
                        .withRequestBody(equalToJson("{\"channel\":\"C0123\",\"timestamp\":\"" + ts + "\",\"name\":\"" + name + "\"}")));
            }
        }
    }

    @Test
    void aMessageAppliedBeforeIsNotAppliedAgainEvenAfterItsSessionWasDeleted() throws Exception {
        String thread = thread();
        String mention = mention(thread, thread, "<@U0BUCK> once only");
        publishSlack(mention, "Ev" + UUID.randomUUID());
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        store.delete(session);

        // the same message again under another delivery id, as after the stream's duplicate window or a replay
        publishSlack(mention, "Ev" + UUID.randomUUID());
        fixtures().awaitIdle();
        assertTrue(store.idFor(key).isEmpty(), "the processed bucket remembers it was applied");
    }

    @Test
    void aFollowUpAfterTheRunEndedStartsANewRunAndATurnTheEndedRunNeverTookMovesToOne() throws Exception {
        Session session = withFirstTurnAnswered("<@U0BUCK> start", "First answer.");
        String thread = session.origin().slackThreadTs();
        SessionKey key = session.key();

        // the run waits for turns: a follow-up is its turn 2, but the run's idle window ended before it looked
        publishSlack(mention(thread(), thread, "one more thing").replace("app_mention", "message"), "Ev" + UUID.randomUUID());
        awaitSession(key, s -> s.turn() == 2 && s.run() == 1);
        RunEnd end = new RunEnd(RunEnd.VERSION, session.id(), 1, 1, "state/" + session.id() + "/run-1.tar.gz");
        publishRunnerMessage("end", session.id(), 1, end.dedupId(), mapper.writeValueAsBytes(end));
        Session moved = awaitSession(key, s -> s.run() == 2 && s.status() == SessionStatus.RUNNING);
        assertEquals(2, moved.turn());
        assertEquals("one more thing", moved.prompt());
        assertEquals("state/" + session.id() + "/run-1.tar.gz", moved.stateKey());

        // its turn done and the run ended, the next follow-up starts run 3
        publishRunner(turn(moved, 2, 2, "Done."), null);
        RunEnd end2 = new RunEnd(RunEnd.VERSION, session.id(), 2, 2, "state/" + session.id() + "/run-2.tar.gz");
        publishRunnerMessage("end", session.id(), 2, end2.dedupId(), mapper.writeValueAsBytes(end2));
        awaitSession(key, s -> s.runEnded() && s.run() == 2);
        publishSlack(mention(thread(), thread, "and again").replace("app_mention", "message"), "Ev" + UUID.randomUUID());
        Session third = awaitSession(key, s -> s.run() == 3 && s.status() == SessionStatus.RUNNING);
        assertEquals(3, third.turn());
        assertEquals("state/" + session.id() + "/run-2.tar.gz", third.stateKey());
    }

    @Test
    void aRunThatCouldNotSaveItsStateSaysSoInTheThreadOnceAndTheNextRunStartsWithoutIt() throws Exception {
        Session session = withFirstTurnAnswered("<@U0BUCK> start", "First answer.");
        SessionKey key = session.key();

        RunEnd end = new RunEnd(RunEnd.VERSION, session.id(), 1, 1, null, "S3 did not take part 2 of 3 of the state");
        publishRunnerMessage("end", session.id(), 1, end.dedupId(), mapper.writeValueAsBytes(end));
        publishRunnerMessage("end", session.id(), 1, "again-" + UUID.randomUUID(), mapper.writeValueAsBytes(end));
        awaitSession(key, s -> s.runEnded() && s.stateKey() == null);
        fixtures().awaitIdle();
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> ThirdPartyApis.server()
                .verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(com.github.tomakehurst.wiremock.client.WireMock
                        .containing("The run stopped after its idle time, but its workspace could not be saved (S3 did not take part 2 of 3 "
                                + "of the state). The next run starts afresh"))));
    }

    @Test
    void aPromptTypedInTheRunsTerminalBecomesTheNextTurnOfThatRunOnce() throws Exception {
        Session session = withFirstTurnAnswered("<@U0BUCK> start", "First answer.");
        String thread = session.origin().slackThreadTs();
        SessionKey key = session.key();

        var typed = new dev.agentservices.common.runner.RunTyped(dev.agentservices.common.runner.RunTyped.VERSION, session.id(), 1, 1,
                "also note the time zone");
        publishRunnerMessage("typed", session.id(), 1, typed.dedupId(), mapper.writeValueAsBytes(typed));
        publishRunnerMessage("typed", session.id(), 1, "again-" + UUID.randomUUID(), mapper.writeValueAsBytes(typed));
        Session next = awaitSession(key, s -> s.turn() == 2);
        fixtures().awaitIdle();
        next = store.get(session.id()).orElseThrow().session();
        assertEquals(2, next.turn());
        assertEquals(1, next.run(), "the run that has the TUI takes it");
        assertEquals(SessionStatus.RUNNING, next.status());
        assertEquals("also note the time zone", next.prompt());
        assertEquals(1, next.messages().stream().filter(m -> "terminal".equals(m.author())).count());

        publishRunner(turn(next, 1, 2, "Noted."), null);
        awaitSession(key, s -> s.repliedTurn() == 2);
    }

    /** A new thread's session whose first turn was answered and replied, its run waiting for the next. */
    private Session withFirstTurnAnswered(String mentionText, String answer) throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, mentionText), "Ev" + UUID.randomUUID());
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        publishRunner(turn(session, 1, 1, answer), null);
        return awaitSession(key, s -> s.repliedTurn() == 1);
    }

    private static RunOutcome turn(Session session, int run, int turn, String answer) {
        return new RunOutcome(RunOutcome.VERSION, session.id(), run, turn, SessionStatus.SUCCEEDED, answer, List.of(), null, null,
                null);
    }

    @Test
    void imagesOnTheMessageAreDownloadedWithTheBotTokenAndPassedOnThroughS3() throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 42};
        ThirdPartyApis.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/files-pri/T1-F1/shot.png"))
                .withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.BOT_TOKEN))
                .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png)));
        String thread = thread();
        String files = ",\"files\":[{\"id\":\"F1\",\"name\":\"shot.png\",\"mimetype\":\"image/png\",\"size\":9,"
                + "\"url_private_download\":\"" + ThirdPartyApis.server().baseUrl() + "/files-pri/T1-F1/shot.png\"},"
                + "{\"id\":\"F2\",\"name\":\"notes.txt\",\"mimetype\":\"text/plain\",\"size\":3,"
                + "\"url_private_download\":\"" + ThirdPartyApis.server().baseUrl() + "/files-pri/T1-F2/notes.txt\"}]";
        publishSlack(mention(thread, thread, "<@U0BUCK> what is wrong here?").replace("}}", files + "}}"), "Ev" + UUID.randomUUID());

        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        List<SessionMessage.Attachment> attachments = session.messages().get(0).attachments();
        assertEquals(1, attachments.size(), "only the image is passed on: " + attachments);
        assertEquals("shot.png", attachments.get(0).name());
        assertEquals("image/png", attachments.get(0).contentType());
        HttpResponse<byte[]> download = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(attachments.get(0).url())).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, download.statusCode());
        assertArrayEquals(png, download.body());
    }

    @Test
    void theBotTokenGoesOnlyToSlacksFileHostNeverElsewhereNorThroughARedirectAndTheSizeCapHoldsWhileReading() throws Exception {
        com.github.tomakehurst.wiremock.WireMockServer elsewhere = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        elsewhere.start();
        try {
            byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 42};
            elsewhere.stubFor(com.github.tomakehurst.wiremock.client.WireMock.any(com.github.tomakehurst.wiremock.client.WireMock.anyUrl())
                    .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png)));
            ThirdPartyApis.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/files-pri/T1-R/moved.png"))
                    .willReturn(aResponse().withStatus(302).withHeader("Location", elsewhere.baseUrl() + "/stolen.png")));
            ThirdPartyApis.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/files-pri/T1-B/big.png"))
                    .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(new byte[1024 * 1024 + 1])));
            ThirdPartyApis.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/files-pri/T1-H/hop.png"))
                    .willReturn(aResponse().withStatus(302).withHeader("Location", "/files-pri/T1-H/real.png")));
            ThirdPartyApis.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/files-pri/T1-H/real.png"))
                    .withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.BOT_TOKEN))
                    .willReturn(aResponse().withHeader("Content-Type", "image/png").withBody(png)));
            String thread = thread();
            String files = ",\"files\":["
                    + file("F1", elsewhere.baseUrl() + "/files-pri/T1-F1/shot.png") + ","
                    + file("F2", ThirdPartyApis.server().baseUrl() + "/files-pri/T1-R/moved.png") + ","
                    + file("F3", ThirdPartyApis.server().baseUrl() + "/files-pri/T1-B/big.png") + ","
                    + file("F4", ThirdPartyApis.server().baseUrl() + "/files-pri/T1-H/hop.png") + "]";
            publishSlack(mention(thread, thread, "<@U0BUCK> look").replace("}}", files + "}}"), "Ev" + UUID.randomUUID());

            Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
            List<SessionMessage.Attachment> attachments = session.messages().get(0).attachments();
            assertEquals(List.of("F4.png"), attachments.stream().map(SessionMessage.Attachment::name).toList(),
                    "only the file on Slack's host, through a redirect on that host, under the size cap");
            assertEquals(0, elsewhere.getAllServeEvents().size(), "nothing reached the other host, least of all the token");
        } finally {
            elsewhere.stop();
        }
    }

    private static String file(String id, String url) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + id + ".png\",\"mimetype\":\"image/png\",\"size\":9,"
                + "\"url_private_download\":\"" + url + "\"}";
    }

    @Test
    void aRunWhoseProcessVanishesEndsFailedWithExactlyOneReplySayingWhy() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> work on it"), "Ev" + UUID.randomUUID());
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);

        assertEquals(0, new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-session", "-t", session.podName())
                .start().waitFor());
        Session failed = awaitSession(key, s -> s.status() == SessionStatus.FAILED && s.repliedTurn() == 1);
        assertTrue(failed.error().contains("local process"), failed.error());
        assertTrue(failed.runEnded());
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> ThirdPartyApis.server().verify(1,
                postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))
                .withRequestBody(matchingJsonPath("$.text", containing("The run failed: its local process")))
                .withRequestBody(matchingJsonPath("$.text", containing(WorkerTestProfile.DASHBOARD_URL + "/#session=" + session.id()))));
    }

    @Test
    void aFailureReplyThatSlackRefusedIsPostedLaterExactlyOnce() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> fail while slack is down"), "Ev" + UUID.randomUUID());
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage")).atPriority(1)
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"fatal_error\"}")));

        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-session", "-t", session.podName()).start().waitFor();
        awaitSession(key, s -> s.status() == SessionStatus.FAILED && s.replyIntentTurn() == 1);
        ThirdPartyApis.server().removeStub(ThirdPartyApis.server().getStubMappings().stream()
                .filter(stub -> stub.getPriority() != null && stub.getPriority() == 1).findFirst().orElseThrow());

        awaitSession(key, s -> s.repliedTurn() == 1);
        // the refused post, then the one that was taken, and no more
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> ThirdPartyApis.server().verify(2,
                postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))
                        .withRequestBody(matchingJsonPath("$.text", containing("The run failed")))));
    }

    @Test
    void aRunThatStopsBetweenTurnsHasOnlyEndedAndNobodyIsTold() throws Exception {
        Session session = withFirstTurnAnswered("<@U0BUCK> quick one", "Done.");
        String thread = session.origin().slackThreadTs();
        SessionKey key = session.key();

        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-session", "-t", session.podName()).start().waitFor();
        Session ended = awaitSession(key, Session::runEnded);
        assertEquals(SessionStatus.SUCCEEDED, ended.status());
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> ThirdPartyApis.server().verify(1,
                postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))));
    }

    @Test
    void aSixtyThousandCharacterAnswerIsPostedInPiecesWithinSlacksLimit() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> write a lot"), "Ev" + UUID.randomUUID());
        SessionKey key = SessionKey.slack("buck", "C0123", thread);
        Session session = awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        String answer = ("word ".repeat(199) + "word\n\n").repeat(60).strip();
        assertTrue(answer.length() >= 60_000);

        publishRunner(turn(session, 1, 1, answer), null);
        awaitSession(key, s -> s.repliedTurn() == 1);
        var posts = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread))));
        assertEquals(2, posts.size());
        int total = 0;
        for (var post : posts) {
            int length = mapper.readTree(post.getBodyAsString()).path("text").asText().length();
            assertTrue(length <= 40_000, length + " characters");
            total += length;
        }
        assertTrue(total >= answer.length() - 10, "the whole answer, less the breaks it was cut at");
    }

    @Test
    void aLongMessageIsCutInTheRecordWithItsWholeTextLinkedAndWholeInTheTurnsPrompt() throws Exception {
        String thread = thread();
        String text = "<@U0BUCK> " + "read this ".repeat(2_000);
        publishSlack(mention(thread, thread, text), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);

        assertEquals(text, session.prompt());
        SessionMessage kept = session.messages().get(0);
        assertTrue(kept.text().length() <= Session.MESSAGE_TEXT_KEPT, kept.text().length() + " characters");
        SessionMessage.Attachment whole = kept.attachments().get(0);
        assertEquals("message.txt", whole.name());
        HttpResponse<String> download = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(whole.url())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(text, download.body());
    }

    @Test
    void aThreadReplyWhereNoSessionIsMakesNone() throws Exception {
        String thread = thread();
        publishSlack(mention(thread(), thread, "anyone?").replace("app_mention", "message"), "Ev" + UUID.randomUUID());

        fixtures().awaitIdle();
        assertTrue(store.idFor(SessionKey.slack("buck", "C0123", thread)).isEmpty());
    }

    @Test
    void completedRunIsRepliedInTheThreadExactlyOnce() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> fix it"), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);

        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Fixed the test.",
                List.of(new Artifact("pull_request", "Fix flaky test", "https://github.com/acme/api/pull/7")),
                new Usage(1200, 300, 0.02), null, null);
        publishRunner(outcome, outcome.dedupId());
        publishRunner(outcome, "redelivered-" + UUID.randomUUID());

        Session done = awaitSession(session.key(), s -> s.repliedTurn() == 1);
        assertEquals(SessionStatus.SUCCEEDED, done.status());
        assertEquals("Fixed the test.", done.lastAssistantMessage());
        fixtures().awaitIdle();
        // exactly one reply, and it stays one
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> ThirdPartyApis.server()
                .verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.BOT_TOKEN))
                .withRequestBody(equalToJson("{\"channel\":\"C0123\",\"thread_ts\":\"" + thread + "\",\"text\":"
                        + "\"Fixed the test.\\n\\n• pull_request: Fix flaky test https://github.com/acme/api/pull/7\","
                        + "\"metadata\":{\"event_type\":\"agent_services_reply\",\"event_payload\":{\"session_id\":\"" + session.id()
                        + "\",\"turn\":1,\"piece\":0}}}"))));
    }

    @Test
    void aTurnsProgressIsOneSlackMessageChangedInPlaceAndSaysHowTheTurnEnded() throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.update"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.2\"}")));
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> fix it"), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);

        progress(session, 1, "Bash: ls");
        awaitSession(session.key(), s -> s.progressOf(1).map(p -> "1.2".equals(p.slackTs())).orElse(false));
        Thread.sleep(1_100); // session.progress-every: the message changes at most once a second in tests
        progress(session, 3, "Edit: src/App.java");
        progress(session, 2, "Read: an older report");
        awaitSession(session.key(), s -> s.progressOf(1).map(p -> p.steps() == 3).orElse(false));
        fixtures().awaitIdle();
        assertEquals("Edit: src/App.java", store.get(session.id()).orElseThrow().session().progress().step(), "the older report changed nothing");

        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Fixed.", List.of(), null,
                null, null);
        publishRunner(outcome, outcome.dedupId());
        awaitSession(session.key(), s -> s.repliedTurn() == 1);
        progress(session, 9, "Bash: after the end");
        fixtures().awaitIdle();

        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(equalToJson(
                "{\"channel\":\"C0123\",\"thread_ts\":\"" + thread + "\",\"text\":\"Working… 1 step so far. Latest: Bash: ls\","
                        + "\"metadata\":{\"event_type\":\"agent_services_progress\",\"event_payload\":{\"session_id\":\"" + session.id()
                        + "\",\"run\":1,\"turn\":1}}}")));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.update")).withRequestBody(equalToJson(
                "{\"channel\":\"C0123\",\"ts\":\"1.2\",\"text\":\"Working… 3 steps so far. Latest: Edit: src/App.java\"}")));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.update")).withRequestBody(equalToJson(
                "{\"channel\":\"C0123\",\"ts\":\"1.2\",\"text\":\"Done after 3 steps.\"}")));
        ThirdPartyApis.server().verify(2, postRequestedFor(urlEqualTo("/api/chat.postMessage")));
        ThirdPartyApis.server().verify(2, postRequestedFor(urlEqualTo("/api/chat.update")));
    }

    private void progress(Session session, int steps, String step) throws Exception {
        publishRunnerMessage("progress", session.id(), 1, "runner:" + session.id() + ":1:1:progress:" + steps, mapper.writeValueAsBytes(
                new dev.agentservices.common.runner.RunProgress(dev.agentservices.common.runner.RunProgress.VERSION, session.id(), 1, 1,
                        steps, step)));
    }

    @Test
    void aWorkerThatDiedAfterRecordingItsIntentAndBeforePostingPostsOnce() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> crash me"), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        store.update(session.id(), s -> s.withReplyIntent(1)); // what the worker that died had stored

        publishRunner(turn(session, 1, 1, "After the crash."), null);
        awaitSession(session.key(), s -> s.repliedTurn() == 1);
        ThirdPartyApis.server().verify(getRequestedFor(urlPathEqualTo("/api/conversations.replies"))
                .withQueryParam("channel", equalTo("C0123")).withQueryParam("ts", equalTo(thread))
                .withQueryParam("include_all_metadata", equalTo("true")));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread))));
    }

    @Test
    void aWorkerThatDiedAfterPostingAndBeforeRecordingItDoesNotPostAgain() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> crash me later"), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        store.update(session.id(), s -> s.withReplyIntent(1));
        // the thread already holds the reply the worker posted before it died
        ThirdPartyApis.server().stubFor(get(urlPathEqualTo("/api/conversations.replies")).withQueryParam("ts", equalTo(thread))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"messages\":["
                        + "{\"ts\":\"" + thread + "\",\"text\":\"crash me later\"},{\"ts\":\"1712345999.000001\",\"text\":\"Posted.\","
                        + "\"metadata\":{\"event_type\":\"agent_services_reply\",\"event_payload\":{\"session_id\":\"" + session.id()
                        + "\",\"turn\":1,\"piece\":0}}}],\"has_more\":false}")));

        publishRunner(turn(session, 1, 1, "Posted."), null);
        awaitSession(session.key(), s -> s.repliedTurn() == 1);
        fixtures().awaitIdle();
        ThirdPartyApis.server().verify(0, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread))));
    }

    @Test
    void aSlackPostSlowerThanTheAckWaitIsNotHandedToASecondAttempt() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> slowly"), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        // Slack holds this post for longer than the consumer's ack wait (2 s in tests)
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage")).withRequestBody(matchingJsonPath("$.thread_ts",
                equalTo(thread))).willReturn(aResponse().withFixedDelay(3500).withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true}")));

        publishRunner(turn(session, 1, 1, "Slow but once."), null);
        awaitSession(session.key(), s -> s.repliedTurn() == 1);
        fixtures().awaitIdle();
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread))));
    }

    @Test
    void aFailingSlackPostIsRetriedUntilItSucceeds() throws Exception {
        ThirdPartyApis.server().resetAll();
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage")).inScenario("flaky")
                .whenScenarioStateIs(com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED).willSetStateTo("recovered")
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}")));
        threadHasNoReplies();
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage")).inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> go"), "Ev" + UUID.randomUUID());
        Session session = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);

        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.FAILED, null, List.of(), null,
                "agent exited with 2", null);
        publishRunner(outcome, outcome.dedupId());

        Session done = awaitSession(session.key(), s -> s.repliedTurn() == 1);
        assertEquals(SessionStatus.FAILED, done.status());
        ThirdPartyApis.server().verify(2, postRequestedFor(urlEqualTo("/api/chat.postMessage")));
    }

    @Test
    void aMessageThatKeepsFailingGoesToTheDeadLetterStreamAfterItsDeliveriesAndAnUnreadableOneAtOnce() throws Exception {
        // Slack's file host keeps failing: a reason that may pass, so the message is tried max-deliver times
        ThirdPartyApis.server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlEqualTo("/files-pri/T1-D/down.png"))
                .willReturn(aResponse().withStatus(503)));
        String thread = thread();
        try (JetStreamProbe deadletters = new JetStreamProbe(NatsTestServer.url(), "DEADLETTER")) {
            long mark = deadletters.lastSequence();
            publishSlack(mention(thread, thread, "<@U0BUCK> see").replace("}}", ",\"files\":["
                    + file("F9", ThirdPartyApis.server().baseUrl() + "/files-pri/T1-D/down.png") + "]}}"), "Ev" + UUID.randomUUID());
            await().atMost(Duration.ofSeconds(30)).until(() -> !deadletters.messagesAfter(mark).isEmpty());
            var dead = deadletters.messagesAfter(mark).get(0);
            assertEquals("deadletter.webhooks.buck.slack", dead.getSubject());
            assertEquals("5", dead.getHeaders().getFirst("Agent-Services-Deliveries"));
            assertTrue(dead.getHeaders().getFirst("Agent-Services-Error").contains("503"));

            long unreadable = deadletters.lastSequence();
            try (Connection nats = Nats.connect(NatsTestServer.url())) {
                nats.jetStream().publish("webhooks.buck.slack", "{not json".getBytes(),
                        PublishOptions.builder().messageId("broken-" + UUID.randomUUID()).build());
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !deadletters.messagesAfter(unreadable).isEmpty());
            var broken = deadletters.messagesAfter(unreadable).get(0);
            assertEquals("{not json", new String(broken.getData()));
            assertEquals("1", broken.getHeaders().getFirst("Agent-Services-Deliveries"), "no delivery can make it readable");
            assertFalse(broken.getHeaders().getFirst("Agent-Services-Error").isBlank());
        }
    }

    @Test
    void aFailingMessageWhoseDeadLetterCannotBeStoredYetIsKeptUntilItCanBe() throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            var jsm = nats.jetStreamManagement();
            var deadLetterStream = jsm.getStreamInfo("DEADLETTER").getConfiguration();
            jsm.deleteStream("DEADLETTER");
            String id = "broken-" + UUID.randomUUID();
            long deliveredBefore = deliveries(jsm);
            try {
                nats.jetStream().publish("webhooks.buck.slack", ("{not json " + id).getBytes(), PublishOptions.builder().messageId(id).build());
                // handed over past its last attempt (5), with nowhere to dead-letter it: it must stay
                await().atMost(Duration.ofSeconds(30)).until(() -> deliveries(jsm) - deliveredBefore >= 7);
            } finally {
                jsm.addStream(deadLetterStream);
            }
            try (JetStreamProbe deadletters = new JetStreamProbe(NatsTestServer.url(), "DEADLETTER")) {
                await().atMost(Duration.ofSeconds(20)).until(() -> deadletters.messagesAfter(0).stream()
                        .anyMatch(m -> new String(m.getData()).endsWith(id)));
            }
        }
    }

    /** How many deliveries (first ones and redeliveries) the worker's webhook consumer has made. */
    private static long deliveries(io.nats.client.JetStreamManagement jsm) throws Exception {
        return jsm.getConsumerInfo("WEBHOOKS", "session-worker-webhooks").getDelivered().getConsumerSequence();
    }

    private static Path runDir(Session session) {
        return Path.of(System.getProperty("java.io.tmpdir")).resolve("agent-services-worker-test").resolve(SessionLauncher.workDirName(session));
    }

    private void publishSlack(String body, String eventId) throws Exception {
        fixtures().publishSlackEvent("buck:slack:" + eventId, body);
    }

    private void publishRunner(RunOutcome outcome, String msgId) throws Exception {
        fixtures().publishOutcome(outcome, msgId == null ? outcome.dedupId() : msgId);
    }

    private void publishRunnerMessage(String kind, String sessionId, int run, String msgId, byte[] data) throws Exception {
        publishOn("runner.buck." + sessionId + "." + run + "." + kind, msgId, data);
    }

    private void publishOn(String subject, String msgId, byte[] data) throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            nats.jetStream().publish(subject, data, PublishOptions.builder().messageId(msgId).build());
        }
    }

    @Test
    void aRunnerMessageWhoseBodyNamesAnotherSessionRunOrAgentIsDeadLetteredAndChangesNothing() throws Exception {
        String thread = thread();
        publishSlack(mention(thread, thread, "<@U0BUCK> mine"), "Ev" + UUID.randomUUID());
        Session mine = awaitSession(SessionKey.slack("buck", "C0123", thread), s -> s.status() == SessionStatus.RUNNING);
        String other = thread();
        publishSlack(mention(other, other, "<@U0BUCK> theirs"), "Ev" + UUID.randomUUID());
        Session theirs = awaitSession(SessionKey.slack("buck", "C0123", other), s -> s.status() == SessionStatus.RUNNING);

        try (dev.agentservices.common.testing.JetStreamProbe dead = new dev.agentservices.common.testing.JetStreamProbe(
                NatsTestServer.url(), "DEADLETTER")) {
            long mark = dead.lastSequence();
            RunOutcome forged = turn(theirs, 1, 1, "Posted into their thread.");
            // on my subject, the body naming their session; on their subject with another run; as another agent
            publishOn("runner.buck." + mine.id() + ".1.complete", "forged-1", mapper.writeValueAsBytes(forged));
            publishOn("runner.buck." + theirs.id() + ".7.complete", "forged-2", mapper.writeValueAsBytes(forged));
            publishOn("runner.dolly." + theirs.id() + ".1.complete", "forged-3", mapper.writeValueAsBytes(forged));
            await().atMost(Duration.ofSeconds(10)).until(() -> dead.messagesAfter(mark).size() == 3);
        }
        assertEquals(SessionStatus.RUNNING, store.get(theirs.id()).orElseThrow().session().status());
        assertEquals(SessionStatus.RUNNING, store.get(mine.id()).orElseThrow().session().status());
        assertEquals(0, ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(other)))).size());
    }

    private Session awaitSession(SessionKey key, java.util.function.Predicate<Session> condition) {
        return fixtures().awaitSession(key, condition);
    }

    private WorkerFixtures fixtures() {
        return new WorkerFixtures(mapper, store);
    }

    private static String thread() {
        return "17123" + String.format("%05d", (int) (Math.random() * 100_000)) + "." + String.format("%06d",
                (int) (Math.random() * 1_000_000));
    }

    private static String mention(String ts, String threadTs, String text) {
        return "{\"type\":\"event_callback\",\"event_id\":\"x\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\","
                + "\"text\":\"" + text + "\",\"ts\":\"" + ts + "\",\"channel\":\"C0123\""
                + (threadTs == null ? "" : ",\"thread_ts\":\"" + threadTs + "\"") + "}}";
    }
}
