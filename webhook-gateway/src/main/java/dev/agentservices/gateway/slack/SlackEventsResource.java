package dev.agentservices.gateway.slack;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import java.time.Instant;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.gateway.http.Deliveries;
import dev.agentservices.gateway.http.GatewayMetrics;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookEndpoint;
import dev.agentservices.gateway.http.WebhookRejection;
import dev.agentservices.gateway.publish.WebhookPublisher;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
/**
 * {@code POST /webhooks/slack/events}: Slack's Events API. Answers the {@code url_verification}
 * challenge, stores {@code app_mention} events and thread replies on {@code webhooks.{agent}.slack} as
 * conversation events, deduplicated by {@code event_id}, and answers 200 once JetStream has them. The
 * agent's own messages, other bots', edits and unthreaded chatter are answered 200 and not stored.
 */
@Path(WebhookEndpoint.SLACK_EVENTS)
public class SlackEventsResource {

    private static final Set<String> ROUTED_EVENTS = Set.of("app_mention", "message");
    private static final Set<String> IGNORED_SUBTYPES = Set.of("message_changed", "message_deleted", "bot_message",
            "channel_join", "channel_leave");
    private static final List<String> KEPT_HEADERS = List.of(
            "X-Slack-Request-Timestamp", "X-Slack-Retry-Num", "X-Slack-Retry-Reason");

    /** The answer to Slack's {@code url_verification} request. */
    public record Challenge(String challenge) {
    }

    private final SlackRequestVerifier verifier;
    private final WebhookBodies bodies;
    private final WebhookPublisher publisher;
    private final GatewayMetrics metrics;

    public SlackEventsResource(SlackRequestVerifier verifier, WebhookBodies bodies, WebhookPublisher publisher,
            GatewayMetrics metrics) {
        this.verifier = verifier;
        this.bodies = bodies;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @POST
    public CompletionStage<Response> receive(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, @Context HttpHeaders headers, byte[] body) {
        bodies.accept(headers, body, MediaType.APPLICATION_JSON_TYPE);
        AgentSource<Agent.SlackApp> app = verifier.verify(timestamp, signature, body);
        SlackEventPayload payload = bodies.json(body, SlackEventPayload.class);
        String agent = app.agent().name();

        if ("url_verification".equals(payload.type())) {
            if (payload.challenge() == null) {
                throw WebhookRejection.badRequest("missing_challenge", "A url_verification request must carry a challenge");
            }
            return CompletableFuture.completedFuture(Response.ok(new Challenge(payload.challenge()), MediaType.APPLICATION_JSON_TYPE).build());
        }
        SlackRequestVerifier.requireApp(app, payload.apiAppId());
        if (!"event_callback".equals(payload.type()) || payload.event() == null
                || !ROUTED_EVENTS.contains(payload.event().type())) {
            metrics.ignored(agent, WebhookSource.SLACK, "event_type");
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        if (payload.eventId() == null || payload.eventId().isBlank()) {
            throw WebhookRejection.badRequest("missing_event_id", "An event_callback must carry its event_id");
        }
        SlackEventPayload.Event event = payload.event();
        String ignored = SlackRequestVerifier.notAllowed(app.settings(), payload.teamId(), payload.enterpriseId(),
                event.userTeam(), Boolean.TRUE.equals(payload.isExtSharedChannel()));
        if (ignored == null) {
            ignored = ignoredBecause(event, app.settings());
        }
        if (ignored != null) {
            metrics.ignored(agent, WebhookSource.SLACK, ignored);
            if (outsiderToAnswer(ignored, event, payload, app.settings())) {
                return publisher.publish(outsiderMention(agent, event, ignored, headers)).thenApply(outcome -> Response.ok().build());
            }
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        SessionKey sessionKey = SessionKey.slack(agent, event.channel(), event.threadRoot());
        boolean mention = "app_mention".equals(event.type());
        ConversationEvent conversation = new ConversationEvent(mention, Origin.slack(event.channel(), event.threadRoot()),
                Deliveries.title(event.text()), new SessionMessage(event.user(), event.text(), List.of(), Instant.now(), event.ts()),
                "slack:" + agent + ":" + event.channel() + ":" + event.ts(), files(event));
        WebhookEnvelope envelope = Deliveries.envelope(agent, WebhookSource.SLACK, payload.eventId(), sessionKey,
                event.type(), headers, KEPT_HEADERS, conversation);
        return publisher.publish(envelope).thenApply(outcome -> Response.ok().build());
    }

    /**
     * Whether a refused event is an outsider's own mention to answer: someone of another workspace in a channel of an
     * allowed one, or anyone in a shared channel that may not start work. A workspace the agent does not serve gets
     * no answer, and neither do bots or plain messages.
     */
    static boolean outsiderToAnswer(String ignored, SlackEventPayload.Event event, SlackEventPayload payload, Agent.SlackApp app) {
        if (!"app_mention".equals(event.type()) || event.user() == null || event.channel() == null || event.ts() == null
                || event.botId() != null || !("workspace".equals(ignored) || "shared_channel".equals(ignored))) {
            return false;
        }
        return app.allowedTeams().isEmpty() || (payload.teamId() != null && app.allowedTeams().contains(payload.teamId()))
                || (payload.enterpriseId() != null && app.allowedTeams().contains(payload.enterpriseId()));
    }

    /**
     * What the worker needs to answer an outsider's mention once: where, whom and why (the title); none of their text.
     * One per person and thread ({@code outsider:{channel}:{thread}:{user}}).
     */
    private static WebhookEnvelope outsiderMention(String agent, SlackEventPayload.Event event, String why, HttpHeaders headers) {
        String key = "outsider:" + event.channel() + ":" + event.threadRoot() + ":" + event.user();
        ConversationEvent mention = new ConversationEvent(false, Origin.slack(event.channel(), event.threadRoot()), why,
                new SessionMessage(event.user(), "", List.of(), Instant.now(), event.ts()),
                Deliveries.dedupId(agent, WebhookSource.SLACK, key), List.of());
        return Deliveries.envelope(agent, WebhookSource.SLACK, key, SessionKey.slack(agent, event.channel(), event.threadRoot()),
                WebhookEnvelope.OUTSIDER_MENTION, headers, KEPT_HEADERS, mention);
    }

    /**
     * Why the event is not a message for a session, or null when it is: the agent's own messages, other
     * bots', edits and joins, and chatter outside any thread (a mention starts a thread; a plain message
     * can only continue one).
     */
    static String ignoredBecause(SlackEventPayload.Event event, Agent.SlackApp app) {
        if (event.channel() == null || event.ts() == null || event.text() == null) {
            return "incomplete_event";
        }
        if (event.botId() != null || (event.subtype() != null && IGNORED_SUBTYPES.contains(event.subtype()))) {
            return "bot_or_edit";
        }
        if (event.user() != null && app.botUserId().map(event.user()::equals).orElse(false)) {
            return "own_message";
        }
        if (!"app_mention".equals(event.type()) && (event.threadTs() == null || event.threadTs().isBlank())) {
            return "not_in_a_thread";
        }
        return null;
    }

    private static List<ConversationEvent.SlackFile> files(SlackEventPayload.Event event) {
        if (event.files() == null) {
            return List.of();
        }
        return event.files().stream().map(file -> new ConversationEvent.SlackFile(file.id(), file.name(), file.mimetype(),
                file.size(), file.urlPrivateDownload() != null ? file.urlPrivateDownload() : file.urlPrivate())).toList();
    }
}
