package dev.agentservices.worker.consume;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.nats.DeadLetterHeaders;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import dev.agentservices.worker.WorkerFixtures;
import dev.agentservices.worker.WorkerTestProfile;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/**
 * A dead letter's replay, as the dashboard asks for it ({@code deadletter.replay.{sequence}}): the worker applies the
 * dead-lettered message through its stream's handler and marks the replay beside it; nobody republishes a webhook.
 */
@QuarkusTest
@TestProfile(WorkerTestProfile.class)
@Tag("component")
class DeadLetterReplayTest {

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionStore store;

    @Test
    void aReplayedWebhookIsAppliedByTheWorkerAndMarkedWithWhoAskedForIt() throws Exception {
        String channel = "C0R" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        String ts = "1712366666.000001";
        SessionKey key = SessionKey.slack("buck", channel, ts);
        String dedupId = "buck:slack:Ev" + UUID.randomUUID();
        ConversationEvent mention = new ConversationEvent(true, Origin.slack(channel, ts), "replayed work",
                new SessionMessage("U0ANA", "<@U0BUCK> replayed work", List.of(), Instant.now(), ts), "slack:buck:" + channel + ":" + ts,
                List.of());
        byte[] envelope = mapper.writeValueAsBytes(new WebhookEnvelope(WebhookEnvelope.VERSION, "buck", WebhookSource.SLACK, dedupId,
                key, "app_mention", Instant.now(), Map.of(), mention));
        try (Connection nats = Nats.connect(NatsTestServer.url());
                JetStreamProbe deadLetters = new JetStreamProbe(NatsTestServer.url(), "DEADLETTER")) {
            long mark = deadLetters.lastSequence();
            long sequence = nats.jetStream().publish(NatsMessage.builder().subject("deadletter.webhooks.buck.slack")
                    .headers(new Headers().put(DeadLetterHeaders.STREAM, "WEBHOOKS").put(DeadLetterHeaders.SUBJECT, "webhooks.buck.slack")
                            .put(DeadLetterHeaders.DELIVERIES, "5").put(DeadLetterHeaders.ERROR, "IllegalStateException: Slack was down"))
                    .data(envelope).build()).getSeqno();

            nats.jetStream().publish(NatsMessage.builder().subject("deadletter.replay." + sequence)
                    .headers(new Headers().put(DeadLetterHeaders.REPLAYED_BY, "root@example.com")).data(new byte[0]).build(),
                    PublishOptions.builder().messageId("replay:" + UUID.randomUUID()).build());

            new WorkerFixtures(mapper, store).awaitSession(key, session -> session.run() == 1);
            await().atMost(Duration.ofSeconds(15)).until(() -> deadLetters.messagesAfter(mark).stream()
                    .anyMatch(message -> message.getSubject().equals("deadletter.replayed." + sequence)));
            var marker = deadLetters.messagesAfter(mark).stream()
                    .filter(message -> message.getSubject().equals("deadletter.replayed." + sequence)).findFirst().orElseThrow();
            assertEquals("root@example.com", marker.getHeaders().getFirst(DeadLetterHeaders.REPLAYED_BY));
            assertTrue(deadLetters.messagesAfter(mark).stream().noneMatch(message -> message.getSubject().startsWith("deadletter.deadletter")),
                    "the replay itself did not fail");
        }
    }

    @Test
    void aReplayOfADeadLetterGoneSinceDoesNothing() throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url());
                JetStreamProbe deadLetters = new JetStreamProbe(NatsTestServer.url(), "DEADLETTER")) {
            long mark = deadLetters.lastSequence();
            nats.jetStream().publish(NatsMessage.builder().subject("deadletter.replay.999999")
                    .headers(new Headers().put(DeadLetterHeaders.REPLAYED_BY, "root@example.com")).data(new byte[0]).build(),
                    PublishOptions.builder().messageId("replay:" + UUID.randomUUID()).build());
            new WorkerFixtures(mapper, store).awaitIdle();
            await().atMost(Duration.ofSeconds(10)).until(() -> nats.jetStreamManagement()
                    .getConsumerInfo("DEADLETTER", "session-worker-replays").getNumAckPending() == 0);
            assertEquals(List.of("deadletter.replay.999999"), deadLetters.messagesAfter(mark).stream()
                    .map(message -> message.getSubject()).toList(), "no mark, no dead letter of the request");
        }
    }
}
