package dev.agentservices.worker.conversation;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * What the worker does with a mention it may not act on: an outsider is told once that a member has to ask, and no
 * session opens; an envelope whose body names another agent than its subject is dead-lettered, not applied.
 */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class OutsiderMentionTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Test
    void anOutsiderIsToldOnceThatAMemberHasToAskAndNoSessionOpens() throws Exception {
        long number = ThreadLocalRandom.current().nextLong(100_000, 900_000);
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/github/repos/acme/api/issues/" + number + "/comments"))
                .willReturn(aResponse().withStatus(201).withHeader("Content-Type", "application/json").withBody("{\"id\":1}")));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        SessionKey key = SessionKey.github("buck", "acme/api", number);
        String dedupId = "buck:github:outsider:acme/api#" + number + ":mallory";

        // the same person mentions twice (two envelopes past the stream's duplicate window: same id, new message ids)
        for (int time = 0; time < 2; time++) {
            fixtures.publishWebhook(WebhookSource.GITHUB, dedupId, key, WebhookEnvelope.OUTSIDER_MENTION, mention(number, dedupId),
                    null, "outsider-" + UUID.randomUUID());
            fixtures.awaitIdle();
        }

        var comments = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/github/repos/acme/api/issues/" + number + "/comments")));
        assertEquals(1, comments.size(), "told once");
        String body = mapper.readTree(comments.get(0).getBodyAsString()).path("body").asText();
        assertTrue(body.startsWith("@mallory only members and collaborators of acme can ask @bucky for work here"), body);
        assertTrue(store.idFor(key).isEmpty(), "an outsider's mention opens no session");
    }

    @Test
    void aSlackUserOfAnotherWorkspaceIsToldInTheThreadOnceAndNoSessionOpens() throws Exception {
        ThirdPartyApis.server().stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"9.9\"}")));
        String channel = "C0O" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String thread = "1712355555.000001";
        SessionKey key = SessionKey.slack("buck", channel, thread);
        String dedupId = "buck:slack:outsider:" + channel + ":" + thread + ":U0EVE";
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        for (int time = 0; time < 2; time++) {
            fixtures.publishWebhook(WebhookSource.SLACK, dedupId, key, WebhookEnvelope.OUTSIDER_MENTION, new ConversationEvent(false,
                    Origin.slack(channel, thread), "workspace", new SessionMessage("U0EVE", "", List.of(), Instant.now(), thread), dedupId,
                    List.of()), null, "outsider-" + UUID.randomUUID());
            fixtures.awaitIdle();
        }

        var posts = ThirdPartyApis.server().findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing(channel)));
        assertEquals(1, posts.size(), "told once");
        var post = mapper.readTree(posts.get(0).getBodyAsString());
        assertEquals(thread, post.path("thread_ts").asText());
        assertTrue(post.path("text").asText().startsWith("<@U0EVE> only members of this workspace can ask me for work"),
                post.path("text").asText());
        assertTrue(store.idFor(key).isEmpty(), "an outsider's mention opens no session");
    }

    @Test
    void anEnvelopeWhoseBodyNamesAnotherAgentThanItsSubjectIsDeadLetteredAndStartsNothing() throws Exception {
        long number = ThreadLocalRandom.current().nextLong(100_000, 900_000);
        SessionKey pearls = SessionKey.github("pearl", "acme/api", number);
        String dedupId = "pearl:github:comment:" + number;
        ConversationEvent event = new ConversationEvent(true, Origin.github("acme/api", number), "acme/api#" + number,
                new SessionMessage("ana", "@pearl fix it", List.of(), Instant.now(), Long.toString(number)), dedupId, List.of());
        WebhookEnvelope envelope = new WebhookEnvelope(WebhookEnvelope.VERSION, "pearl", WebhookSource.GITHUB, dedupId, pearls,
                "issue_comment", Instant.now(), Map.of(), event);
        try (JetStreamProbe deadletters = new JetStreamProbe(NatsTestServer.url(), "DEADLETTER");
                Connection nats = Nats.connect(NatsTestServer.url())) {
            long mark = deadletters.lastSequence();
            nats.jetStream().publish("webhooks.buck.github", mapper.writeValueAsBytes(envelope),
                    PublishOptions.builder().messageId("mismatch-" + UUID.randomUUID()).build());
            await().atMost(Duration.ofSeconds(20)).until(() -> !deadletters.messagesAfter(mark).isEmpty());
            var dead = deadletters.messagesAfter(mark).get(0);
            assertEquals("deadletter.webhooks.buck.github", dead.getSubject());
            assertTrue(dead.getHeaders().getFirst("Agent-Services-Error").contains("not what its subject"),
                    dead.getHeaders().getFirst("Agent-Services-Error"));
        }
        assertTrue(store.idFor(pearls).isEmpty());
    }

    private static ConversationEvent mention(long number, String dedupId) {
        return new ConversationEvent(false, Origin.github("acme/api", number), null,
                new SessionMessage("mallory", "", List.of(), Instant.now(), Long.toString(number)), dedupId, List.of());
    }
}
