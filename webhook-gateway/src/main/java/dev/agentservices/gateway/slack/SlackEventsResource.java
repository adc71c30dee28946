package dev.agentservices.gateway.slack;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.gateway.http.Deliveries;
import dev.agentservices.gateway.http.GatewayMetrics;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookEndpoint;
import dev.agentservices.gateway.http.WebhookRejection;
import dev.agentservices.gateway.publish.WebhookPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /webhooks/slack/events}: Slack's Events API. Answers the {@code url_verification}
 * challenge, stores {@code app_mention} and {@code message} events on {@code webhooks.{agent}.slack}
 * deduplicated by {@code event_id}, and answers 200 once JetStream has them.
 */
@Path(WebhookEndpoint.SLACK_EVENTS)
public class SlackEventsResource {

    private static final Set<String> ROUTED_EVENTS = Set.of("app_mention", "message");
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
    public Uni<Response> receive(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, @Context HttpHeaders headers, byte[] body) {
        bodies.accept(headers, body, MediaType.APPLICATION_JSON_TYPE);
        AgentSource<Agent.SlackApp> app = verifier.verify(timestamp, signature, body);
        SlackEventPayload payload = bodies.json(body, SlackEventPayload.class);
        String agent = app.agent().name();

        if ("url_verification".equals(payload.type())) {
            if (payload.challenge() == null) {
                throw WebhookRejection.badRequest("missing_challenge", "A url_verification request must carry a challenge");
            }
            return Uni.createFrom().item(Response.ok(new Challenge(payload.challenge()), MediaType.APPLICATION_JSON_TYPE).build());
        }
        SlackRequestVerifier.requireApp(app, payload.apiAppId());
        if (!"event_callback".equals(payload.type()) || payload.event() == null
                || !ROUTED_EVENTS.contains(payload.event().type())) {
            metrics.ignored(agent, WebhookSource.SLACK, "event_type");
            return Uni.createFrom().item(Response.ok().build());
        }
        if (payload.eventId() == null || payload.eventId().isBlank()) {
            throw WebhookRejection.badRequest("missing_event_id", "An event_callback must carry its event_id");
        }
        SlackEventPayload.Event event = payload.event();
        SessionKey sessionKey = event.channel() != null && event.threadRoot() != null
                ? SessionKey.slack(agent, event.channel(), event.threadRoot()) : null;
        WebhookEnvelope envelope = Deliveries.envelope(agent, WebhookSource.SLACK, payload.eventId(), sessionKey,
                event.type(), headers, KEPT_HEADERS, body);
        return publisher.publish(envelope).map(outcome -> Response.ok().build());
    }
}
