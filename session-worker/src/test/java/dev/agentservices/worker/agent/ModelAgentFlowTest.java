package dev.agentservices.worker.agent;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.not;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.Usage;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * Agent molly answers with a model: WireMock speaks the Anthropic Messages API (text, {@code tool_use}) and
 * each test checks the exact messages the worker sent it, what was posted in the Slack thread, and whether a
 * run started.
 */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class ModelAgentFlowTest {

    private static final String MESSAGES = "/anthropic/v1/messages";

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Inject
    TeamStore teams;

    @Inject
    io.micrometer.core.instrument.MeterRegistry registry;

    private WorkerFixtures fixtures;

    @BeforeEach
    void stubApis() {
        fixtures = new WorkerFixtures(mapper, store);
        ThirdPartyApis.server().resetAll();
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.1\"}")));
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/reactions.add")).willReturn(aResponse()
                .withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
    }

    @AfterAll
    static void stopTmux() throws Exception {
        new ProcessBuilder("tmux", "-L", WorkerTestProfile.TMUX_SOCKET, "kill-server").start().waitFor();
    }

    @Test
    void aQuestionIsAnsweredByTheModelWithoutARun() throws Exception {
        answer(containing("what is 2+2?"), "[{\"type\":\"text\",\"text\":\"4.\"}]");
        SessionKey key = mention("what is 2+2?");

        awaitPosted(key, "4.");
        Session session = fixtures.awaitSession(key, s -> s.conversation() != null && s.conversation().actedCall() == 1);
        assertEquals(0, session.run(), "no run starts for a question the model answers");
        LoggedRequest request = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(0);
        assertEquals(WorkerTestProfile.MODEL_API_KEY, request.getHeader("x-api-key"));
        assertEquals("2023-06-01", request.getHeader("anthropic-version"));
        JsonNode body = mapper.readTree(request.getBodyAsString());
        assertEquals("claude-test-model", body.get("model").asText());
        assertEquals(mapper.readTree("[{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"<<<MESSAGE TAG from <@U0ANA>\\nwhat is 2+2?\\nMESSAGE TAG>>>\"}]}]"),
                untagged(body.get("messages")));
        assertFalse(body.get("system").asText().contains("2+2"), "what people wrote is never in the system prompt");
        assertEquals(List.of("start_run", "ask", "reply", "pause", "finish"), body.get("tools").findValuesAsText("name"));
        assertTrue(body.get("system").asText().startsWith("You are molly"), body.get("system").asText());
        assertEquals(List.of(SessionMessage.AGENT), session.messages().stream().skip(1).map(SessionMessage::role).toList());
    }

    @Test
    void aTaskStartsARunWhoseOutcomeGoesBackToTheModelAndItsAnswerIsPosted() throws Exception {
        answer(not(containing("tool_result")).and(containing("fix the build")), "[{\"type\":\"text\",\"text\":\"On it.\"},"
                + "{\"type\":\"tool_use\",\"id\":\"toolu_run1\",\"name\":\"start_run\",\"input\":{\"instructions\":"
                + "\"Run mvn verify and fix the failing test.\"}}]");
        answer(containing("toolu_run1\",\"content"), "[{\"type\":\"text\",\"text\":\"The build is green again: PR #7.\"}]");
        SessionKey key = mention("fix the build");

        Session running = fixtures.awaitSession(key, s -> s.status() == SessionStatus.RUNNING);
        assertEquals("Run mvn verify and fix the failing test.", running.prompt(), "the run gets the model's instructions");
        awaitPosted(key, "On it.");

        RunOutcome outcome = new RunOutcome(RunOutcome.VERSION, running.id(), 1, 1, SessionStatus.SUCCEEDED,
                "Fixed FooTest; opened PR #7.", List.of(), new Usage(1200, 300, 0.05) /* priced by the worker: $0.0081 */, null, null);
        fixtures.publishOutcome("molly", outcome, outcome.dedupId());
        awaitPosted(key, "The build is green again: PR #7.");

        List<LoggedRequest> calls = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES)));
        assertEquals(2, calls.size());
        JsonNode second = mapper.readTree(calls.get(1).getBodyAsString()).get("messages");
        assertEquals(mapper.readTree("""
                [{"role":"user","content":[{"type":"text","text":"<<<MESSAGE TAG from <@U0ANA>\\nfix the build\\nMESSAGE TAG>>>"}]},
                 {"role":"assistant","content":[{"type":"text","text":"On it."},{"type":"tool_use","id":"toolu_run1",
                   "name":"start_run","input":{"instructions":"Run mvn verify and fix the failing test."}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_run1","content":
                   "The coding agent finished turn 1: SUCCEEDED.\\nIts final message:\\n<<<RUN TAG final message\\nFixed FooTest; opened PR #7.\\nRUN TAG>>>\\nUsage: 1200 input tokens, 300 output tokens, $0.0081."}]}]
                """), untagged(second));
        Session done = fixtures.awaitSession(key, s -> s.conversation().actedCall() == 2);
        assertEquals(List.of("person", "agent", "agent", "runner", "agent"), done.messages().stream()
                .map(m -> m.role() == null ? "person" : m.role()).toList());
        assertTrue(done.usage().inputTokens() > 1200, "the model's tokens count into the session's usage");
    }

    @Test
    void anAskIsPostedAsButtonsAndTheClickComesBackAsTheAnswer() throws Exception {
        answer(not(containing("tool_result")).and(containing("deploy it")), "[{\"type\":\"tool_use\",\"id\":\"toolu_ask1\","
                + "\"name\":\"ask\",\"input\":{\"question\":\"Where to?\",\"options\":[\"Staging\",\"Production\"]}}]");
        answer(containing("toolu_ask1\",\"content"), "[{\"type\":\"text\",\"text\":\"Staging it is.\"}]");
        SessionKey key = mention("deploy it");

        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> ThirdPartyApis.server().verify(1,
                postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(matchingJsonPath("$.thread_ts",
                        equalTo(key.conversation().split(":")[1]))).withRequestBody(matchingJsonPath("$.blocks", equalToJson(
                        "[{\"type\":\"section\",\"text\":{\"type\":\"mrkdwn\",\"text\":\"Where to?\"}},{\"type\":\"actions\","
                                + "\"elements\":[{\"type\":\"button\",\"action_id\":\"ask_0\",\"value\":\"Staging\",\"text\":"
                                + "{\"type\":\"plain_text\",\"text\":\"Staging\"}},{\"type\":\"button\",\"action_id\":\"ask_1\","
                                + "\"value\":\"Production\",\"text\":{\"type\":\"plain_text\",\"text\":\"Production\"}}]}]")))));

        String channel = key.conversation().split(":")[0];
        String thread = key.conversation().split(":")[1];
        String click = "molly:interactivity:" + UUID.randomUUID();
        fixtures.publishWebhook(WebhookSource.INTERACTIVITY, click, key, "block_actions", new ConversationEvent(false,
                Origin.slack(channel, thread), null, new SessionMessage("U0ANA", "ana chose *Staging* (action `ask_0`)",
                        List.of(), Instant.now()), click, List.of()));
        awaitPosted(key, "Staging it is.");

        JsonNode second = mapper.readTree(ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(1)
                .getBodyAsString()).get("messages");
        assertEquals(mapper.readTree("{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":\"toolu_ask1\","
                + "\"content\":\"<<<MESSAGE TAG from <@U0ANA>\\nana chose *Staging* (action `ask_0`)\\nMESSAGE TAG>>>\"}]}"),
                untagged(second.get(2)));
        assertEquals(0, fixtures.awaitSession(key, s -> true).run());
    }

    @Test
    void aRedeliveredEventDoesNotCallTheModelTwice() throws Exception {
        answer(containing("say hi once"), "[{\"type\":\"text\",\"text\":\"Hi.\"}]");
        String channel = "C" + (int) (Math.random() * 1_000_000);
        String ts = Instant.now().getEpochSecond() + "." + (int) (Math.random() * 1_000_000);
        SessionKey key = SessionKey.slack("molly", channel, ts);
        String dedupId = "molly:slack:" + UUID.randomUUID();
        ConversationEvent event = new ConversationEvent(true, Origin.slack(channel, ts), "say hi once",
                new SessionMessage("U0ANA", "say hi once", List.of(), Instant.now(), ts), dedupId, List.of());
        fixtures.publishWebhook(WebhookSource.SLACK, dedupId, key, "app_mention", event);
        awaitPosted(key, "Hi.");
        // the same event again, past the stream's duplicate window (another message id), as after a redelivery
        fixtures.publishWebhook(WebhookSource.SLACK, "again-" + dedupId, key, "app_mention", event);
        fixtures.awaitIdle();

        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo(MESSAGES)));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage")));
    }

    @Test
    void anUnavailableModelIsToldOnceAndTheEventIsAnsweredWhenItIsBack() throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing("are you there"))
                .inScenario("overloaded").whenScenarioStateIs("Started").willSetStateTo("back")
                .willReturn(aResponse().withStatus(529).withHeader("Content-Type", "application/json")
                        .withBody("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}")));
        ThirdPartyApis.server().stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing("are you there"))
                .inScenario("overloaded").whenScenarioStateIs("back").willReturn(okAnswer("[{\"type\":\"text\",\"text\":\"Yes.\"}]")));
        SessionKey key = mention("are you there");

        awaitPosted(key, "Yes.");
        ThirdPartyApis.server().verify(2, postRequestedFor(urlEqualTo(MESSAGES)));
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing("The model is unavailable right now (the model answered HTTP 529")));
        assertTrue(registry.counter(ModelMetrics.CALLS, "agent", "molly", "outcome", "unavailable").count() >= 1);
        assertTrue(registry.counter(ModelMetrics.CALLS, "agent", "molly", "outcome", "answered").count() >= 1);
    }

    @Test
    void aMessagePastItsTeamsBudgetWaitsWithOneNoticeAndIsAnsweredWhenTheBudgetIsRaised() throws Exception {
        String channel = "C" + (int) (Math.random() * 1_000_000);
        String team = "thrifty-" + UUID.randomUUID().toString().substring(0, 8);
        teams.put(new TeamSettings(TeamSettings.VERSION, team, List.of(channel), List.of(), List.of(), 0, null, null, null, 0.0005,
                "Thrifty team: be brief."));
        answer(containing("first question"), "[{\"type\":\"text\",\"text\":\"First.\"}]");
        answer(containing("second question"), "[{\"type\":\"text\",\"text\":\"Second.\"}]");
        SessionKey key = mention(channel, "first question");
        awaitPosted(key, "First.");
        fixtures.awaitSession(key, s -> s.usage() != null && s.usage().costUsd() > 0.0005);
        String system = mapper.readTree(ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES))).get(0)
                .getBodyAsString()).get("system").asText();
        assertTrue(system.endsWith("From team " + team + ":\nThrifty team: be brief."), system);

        String thread = key.conversation().split(":")[1];
        String reply = "molly:slack:" + UUID.randomUUID();
        fixtures.publishWebhook(WebhookSource.SLACK, reply, key, "message", new ConversationEvent(false, Origin.slack(channel, thread),
                null, new SessionMessage("U0ANA", "second question", List.of(), Instant.now(), thread + "1"), reply, List.of()));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> ThirdPartyApis.server().verify(1,
                postRequestedFor(urlEqualTo("/api/chat.postMessage")).withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))
                        .withRequestBody(containing("monthly budget"))));
        ThirdPartyApis.server().verify(0, postRequestedFor(urlEqualTo(MESSAGES)).withRequestBody(containing("second question")));

        teams.put(new TeamSettings(TeamSettings.VERSION, team, List.of(channel), List.of(), List.of(), 0, null, null, null, 1.0));
        awaitPosted(key, "Second.");
        ThirdPartyApis.server().verify(1, postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing("monthly budget")));
    }

    @Test
    void aSessionCreatedOnTheDashboardIsAnsweredByTheModelAndItsAnswerStaysInTheRecord() throws Exception {
        answer(containing("write a haiku about queues"), "[{\"type\":\"text\",\"text\":\"Messages wait in line.\"}]");
        String id = UUID.randomUUID().toString();
        ControlCommand create = new ControlCommand(ControlCommand.VERSION, id, ControlCommand.CREATE, "write a haiku about queues",
                "ana@example.com", Instant.now(), UUID.randomUUID().toString(),
                new ControlCommand.NewSession("molly", null, "Haiku", null));
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            nats.jetStream().publish("control.molly." + id + ".create", mapper.writeValueAsBytes(create),
                    PublishOptions.builder().messageId(create.dedupId()).build());
        }

        Session session = fixtures.awaitSession(new SessionKey("molly", SessionSource.DASHBOARD, id),
                s -> s.conversation() != null && s.conversation().actedCall() == 1);
        assertEquals(0, session.run(), "the model answered; no run started");
        assertEquals(List.of("ana@example.com", "molly"), session.messages().stream().map(SessionMessage::author).toList());
        assertEquals("Messages wait in line.", session.messages().get(1).text());
        String system = mapper.readTree(ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBody(containing("write a haiku about queues"))).get(0).getBodyAsString()).get("system").asText();
        assertTrue(system.contains("This conversation is a session started from the dashboard."), system);
        assertFalse(system.contains("Haiku"), "the title people gave is not in the system prompt: " + system);
    }

    @Test
    void aMessageThatComesWhileTheModelThinksWaitsForItsAnswerInsteadOfAskingAgain() throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(containing("slow question")
                .and(not(containing("second thought")))).willReturn(okAnswer("[{\"type\":\"text\",\"text\":\"Slow answer.\"}]")
                        .withFixedDelay(2_000)));
        answer(containing("second thought"), "[{\"type\":\"text\",\"text\":\"Noted.\"}]");
        SessionKey key = mention("slow question");
        await().atMost(Duration.ofSeconds(15)).until(() -> !ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBody(containing("slow question"))).isEmpty());
        Session asking = fixtures.awaitSession(key, s -> true);

        // a follow-up from the dashboard: another consumer, so it is applied while the first call is out
        ControlCommand message = new ControlCommand(ControlCommand.VERSION, asking.id(), ControlCommand.MESSAGE, "second thought",
                "ana@example.com", Instant.now(), UUID.randomUUID().toString(), null);
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            nats.jetStream().publish("control.molly." + asking.id() + ".message", mapper.writeValueAsBytes(message),
                    PublishOptions.builder().messageId(message.dedupId()).build());
        }
        awaitPosted(key, "Slow answer.");
        awaitPosted(key, "Noted.");

        List<LoggedRequest> calls = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo(MESSAGES))
                .withRequestBody(containing("slow question")));
        assertEquals(2, calls.size(), "one call per sealed call, none asked twice");
        JsonNode second = mapper.readTree(calls.get(1).getBodyAsString()).get("messages");
        assertEquals(3, second.size());
        assertEquals("<<<MESSAGE TAG from ana@example.com\nsecond thought\nMESSAGE TAG>>>", untag(second.get(2).at("/content/0/text").asText()));
    }

    private SessionKey mention(String text) throws Exception {
        return mention("C" + (int) (Math.random() * 1_000_000), text);
    }

    private SessionKey mention(String channel, String text) throws Exception {
        String ts = Instant.now().getEpochSecond() + "." + (int) (Math.random() * 1_000_000);
        SessionKey key = SessionKey.slack("molly", channel, ts);
        String dedupId = "molly:slack:" + UUID.randomUUID();
        fixtures.publishWebhook(WebhookSource.SLACK, dedupId, key, "app_mention", new ConversationEvent(true,
                Origin.slack(channel, ts), text, new SessionMessage("U0ANA", text, List.of(), Instant.now(), ts), dedupId,
                List.of()));
        return key;
    }

    private void answer(com.github.tomakehurst.wiremock.matching.StringValuePattern body, String content) {
        ThirdPartyApis.server().stubFor(post(urlEqualTo(MESSAGES)).withRequestBody(body).willReturn(okAnswer(content)));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder okAnswer(String content) {
        return aResponse().withHeader("Content-Type", "application/json").withBody("{\"id\":\"msg_1\",\"type\":\"message\","
                + "\"role\":\"assistant\",\"model\":\"claude-test-model\",\"content\":" + content + ",\"stop_reason\":"
                + (content.contains("tool_use") ? "\"tool_use\"" : "\"end_turn\"")
                + ",\"usage\":{\"input_tokens\":100,\"output_tokens\":20}}");
    }

    private void awaitPosted(SessionKey key, String text) {
        String thread = key.conversation().split(":")[1];
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> ThirdPartyApis.server().verify(1,
                postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                        .withHeader("Authorization", equalTo("Bearer " + WorkerTestProfile.MOLLY_BOT_TOKEN))
                        .withRequestBody(matchingJsonPath("$.thread_ts", equalTo(thread)))
                        .withRequestBody(matchingJsonPath("$.text", equalTo(text)))));
    }

    /** {@code text} with the random tags of its quotes as {@code TAG}. */
    static String untag(String text) {
        return text.replaceAll("(<<<(?:TITLE|MESSAGE|RUN) )[0-9a-f]{12}", "$1TAG").replaceAll("((?:TITLE|MESSAGE|RUN) )[0-9a-f]{12}>>>", "$1TAG>>>");
    }

    private JsonNode untagged(JsonNode node) throws Exception {
        return mapper.readTree(untag(node.toString()));
    }
}
