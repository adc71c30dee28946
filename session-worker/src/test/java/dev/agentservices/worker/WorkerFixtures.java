package dev.agentservices.worker;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.JsonNode;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import java.util.ArrayList;
import java.util.List;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;

/** What worker tests do to the worker through NATS, as the gateway and runner-api would, and how they wait. */
public final class WorkerFixtures {

    private final ObjectMapper mapper;
    private final SessionStore store;

    public WorkerFixtures(ObjectMapper mapper, SessionStore store) {
        this.mapper = mapper;
        this.store = store;
    }

    /** Publishes a webhook envelope on {@code webhooks.{agent}.{source}}, as the gateway stores one. */
    public void publishWebhook(WebhookSource source, String dedupId, SessionKey sessionKey, String eventType,
            ConversationEvent event) throws Exception {
        publishWebhook(source, dedupId, sessionKey, eventType, event, null);
    }

    /** As above, in the trace {@code traceparent} names (a W3C header value), or none when null. */
    public void publishWebhook(WebhookSource source, String dedupId, SessionKey sessionKey, String eventType,
            ConversationEvent event, String traceparent) throws Exception {
        publishWebhook(source, dedupId, sessionKey, eventType, event, traceparent, dedupId);
    }

    /** As above, under the {@code Nats-Msg-Id} {@code msgId} (another than the dedup id: a delivery past the duplicate window). */
    public void publishWebhook(WebhookSource source, String dedupId, SessionKey sessionKey, String eventType,
            ConversationEvent event, String traceparent, String msgId) throws Exception {
        WebhookEnvelope envelope = new WebhookEnvelope(WebhookEnvelope.VERSION, sessionKey.agent(), source, dedupId, sessionKey,
                eventType, Instant.now(), Map.of(), event);
        Headers headers = new Headers();
        if (traceparent != null) {
            headers.put("traceparent", traceparent);
        }
        publish("webhooks." + sessionKey.agent() + "." + source.subjectToken(), msgId, headers, mapper.writeValueAsBytes(envelope));
    }

    /**
     * Publishes a Slack {@code app_mention} or thread reply, given as the inner event of Slack's JSON (type, user,
     * text, ts, thread_ts, channel, files), as the gateway reads it: a mention opens a session, a reply continues one.
     */
    public void publishSlackEvent(String dedupId, String slackBody) throws Exception {
        publishSlackEvent(dedupId, slackBody, null);
    }

    /** As above, in the trace {@code traceparent} names, or none when null. */
    public void publishSlackEvent(String dedupId, String slackBody, String traceparent) throws Exception {
        JsonNode event = mapper.readTree(slackBody).path("event");
        String channel = event.path("channel").asText();
        String ts = event.path("ts").asText();
        String thread = event.hasNonNull("thread_ts") ? event.path("thread_ts").asText() : ts;
        List<ConversationEvent.SlackFile> files = new ArrayList<>();
        event.path("files").forEach(file -> files.add(new ConversationEvent.SlackFile(file.path("id").asText(),
                file.path("name").asText(), file.path("mimetype").asText(), file.path("size").asLong(),
                file.path("url_private_download").asText(file.path("url_private").asText()))));
        String type = event.path("type").asText();
        ConversationEvent conversation = new ConversationEvent("app_mention".equals(type), Origin.slack(channel, thread),
                event.path("text").asText(), new SessionMessage(event.path("user").asText(null), event.path("text").asText(),
                        List.of(), Instant.now(), ts), "slack:buck:" + channel + ":" + ts, files);
        publishWebhook(WebhookSource.SLACK, dedupId, SessionKey.slack("buck", channel, thread), type, conversation, traceparent);
    }

    /** A mention of buck opening a thread of its own in {@code channel}; the session once its first run exists. */
    public Session mention(String channel, String ts) throws Exception {
        publishSlackEvent("buck:slack:Ev" + java.util.UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":"
                + "\"app_mention\",\"user\":\"U0ANA\",\"text\":\"work\",\"ts\":\"" + ts + "\",\"channel\":\"" + channel + "\"}}");
        return awaitSession(SessionKey.slack("buck", channel, ts), s -> s.run() == 1);
    }

    /** Publishes a run outcome on {@code runner.buck.{id}.{run}.complete}, as runner-api does. */
    public void publishOutcome(RunOutcome outcome, String msgId) throws Exception {
        publishOutcome("buck", outcome, msgId);
    }

    /** Publishes a run outcome of one of {@code agent}'s sessions, as runner-api does. */
    public void publishOutcome(String agent, RunOutcome outcome, String msgId) throws Exception {
        publish("runner." + agent + "." + outcome.sessionId() + "." + outcome.run() + ".complete", msgId, new Headers(),
                mapper.writeValueAsBytes(outcome));
    }

    /** Publishes that a run ended after its idle window, as runner-api does. */
    public void publishEnd(RunEnd end) throws Exception {
        publish("runner.buck." + end.sessionId() + "." + end.run() + ".end", end.dedupId(), new Headers(), mapper.writeValueAsBytes(end));
    }

    public Session awaitSession(SessionKey key, Predicate<Session> condition) {
        return await().atMost(Duration.ofSeconds(15)).until(
                () -> store.idFor(key).flatMap(store::get).map(SessionRepository.Versioned::session).orElse(null),
                s -> s != null && condition.test(s));
    }

    /** Waits until the worker's consumers have nothing pending or unacknowledged. */
    public void awaitIdle() throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                var webhooks = nats.jetStreamManagement().getConsumerInfo("WEBHOOKS", "session-worker-webhooks");
                var runner = nats.jetStreamManagement().getConsumerInfo("RUNNER", "session-worker-runner");
                var control = nats.jetStreamManagement().getConsumerInfo("CONTROL", "session-worker-control");
                return webhooks.getNumPending() == 0 && webhooks.getNumAckPending() == 0
                        && runner.getNumPending() == 0 && runner.getNumAckPending() == 0
                        && control.getNumPending() == 0 && control.getNumAckPending() == 0;
            });
        }
    }

    private static void publish(String subject, String msgId, Headers headers, byte[] data) throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            nats.jetStream().publish(subject, headers, data, PublishOptions.builder().messageId(msgId).build());
        }
    }
}
