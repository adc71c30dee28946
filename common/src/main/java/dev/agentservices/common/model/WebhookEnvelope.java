package dev.agentservices.common.model;

import java.time.Instant;
import java.util.Map;

/**
 * What the gateway stores on {@code webhooks.{agent}.{source}} for one verified delivery: who it is for,
 * its dedup id (also the {@code Nats-Msg-Id}), the session key, and the event as the gateway classified it,
 * so that each webhook is parsed once and its session key computed once.
 *
 * @param v          shape version of this JSON, {@link #VERSION}; version 1 carried the raw body instead of
 *                   the event and is refused by the worker (drain {@code WEBHOOKS} before upgrading)
 * @param agent      the agent whose secret verified the request
 * @param source     which endpoint received it
 * @param dedupId    {@code {agent}:{source}:{key}}
 * @param sessionKey the human session key of the conversation
 * @param eventType  the sender's event name (Slack event type, Jira {@code webhookEvent}, GitHub event), or
 *                   {@link #OUTSIDER_MENTION}
 * @param receivedAt when the gateway received it
 * @param headers    the delivery headers that matter downstream (retry counts, delivery ids)
 * @param event      what happened, read from the payload
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
        ConversationEvent event) {

    public static final int VERSION = 2;

    /**
     * A mention by someone who may not ask the agent for work (a GitHub author without an allowed association, a Slack
     * user of another workspace, anyone in a shared channel that may not start work): the worker answers them once and
     * starts nothing. The event carries where and whom, never their text; its title says why ({@code workspace},
     * {@code shared_channel}; null for GitHub).
     */
    public static final String OUTSIDER_MENTION = "outsider_mention";

    public WebhookEnvelope {
        headers = headers == null ? Map.of() : Map.copyOf(headers);
    }
}
