package dev.agentservices.common.model;

import java.time.Instant;
import java.util.Map;

/**
 * What the gateway stores on {@code webhooks.{agent}.{source}} for one verified delivery: who it is for,
 * its dedup id (also the {@code Nats-Msg-Id}), the session key when the gateway can tell it, and the raw
 * body exactly as signed, so the worker parses what the sender sent.
 *
 * @param v          shape version of this JSON, {@link #VERSION}
 * @param agent      the agent whose secret verified the request
 * @param source     which endpoint received it
 * @param dedupId    {@code {agent}:{source}:{key}}
 * @param sessionKey the human session key, or null when only the worker can decide it
 * @param eventType  the sender's event name (Slack event type, Jira {@code webhookEvent}, GitHub event)
 * @param receivedAt when the gateway received it
 * @param headers    the delivery headers that matter downstream (retry counts, delivery ids)
 * @param contentType the request's content type
 * @param body       the raw request body, UTF-8
 */
public record WebhookEnvelope(
        int v,
        String agent,
        WebhookSource source,
        String dedupId,
        SessionKey sessionKey,
        String eventType,
        Instant receivedAt,
        Map<String, String> headers,
        String contentType,
        String body) {

    public static final int VERSION = 1;

    public WebhookEnvelope {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
