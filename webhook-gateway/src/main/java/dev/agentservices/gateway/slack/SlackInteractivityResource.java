package dev.agentservices.gateway.slack;

import com.fasterxml.jackson.databind.JsonNode;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.gateway.http.GatewayMetrics;
import java.time.Instant;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.gateway.http.Deliveries;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookEndpoint;
import dev.agentservices.gateway.publish.WebhookPublisher;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
/**
 * {@code POST /webhooks/slack/interactivity}: Block Kit clicks, form-encoded as {@code payload=}. The
 * signature is checked over the raw bytes before the form is parsed, since a re-encoded form differs. A
 * click in a thread is stored as a one-line message for that thread's session; one outside any thread, or
 * without an action, is answered 200 and not stored.
 */
@Path(WebhookEndpoint.SLACK_INTERACTIVITY)
public class SlackInteractivityResource {

    private static final List<String> KEPT_HEADERS = List.of("X-Slack-Request-Timestamp", "X-Slack-Retry-Num");

    private final SlackRequestVerifier verifier;
    private final WebhookBodies bodies;
    private final WebhookPublisher publisher;
    private final GatewayMetrics metrics;

    public SlackInteractivityResource(SlackRequestVerifier verifier, WebhookBodies bodies, WebhookPublisher publisher,
            GatewayMetrics metrics) {
        this.verifier = verifier;
        this.bodies = bodies;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @POST
    public CompletionStage<Response> receive(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, @Context HttpHeaders headers, byte[] body) {
        bodies.accept(headers, body, MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        AgentSource<Agent.SlackApp> app = verifier.verify(timestamp, signature, body);
        JsonNode tree = bodies.json(bodies.formPayload(body), JsonNode.class);
        InteractionPayload payload = bodies.convert(tree, InteractionPayload.class);
        SlackRequestVerifier.requireApp(app, payload.apiAppId());
        String agent = app.agent().name();
        String notAllowed = SlackRequestVerifier.notAllowed(app.settings(), payload.team() == null ? null : payload.team().id(),
                payload.enterprise() == null ? null : payload.enterprise().id(), payload.user() == null ? null : payload.user().teamId(),
                false);
        if (notAllowed != null) {
            metrics.ignored(agent, WebhookSource.INTERACTIVITY, notAllowed);
            return CompletableFuture.completedFuture(Response.ok().build());
        }

        String key = payload.dedupKey();
        if (key == null) {
            key = Deliveries.sha256(body);
        }
        String channel = payload.channelId();
        String thread = payload.threadRoot();
        JsonNode action = tree.path("actions").path(0);
        if (channel == null || thread == null || action.isMissingNode()) {
            metrics.ignored(agent, WebhookSource.INTERACTIVITY, action.isMissingNode() ? "no_action" : "not_in_a_thread");
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        // a click only continues the session of the thread it was made in: it never starts one
        ConversationEvent event = new ConversationEvent(false, Origin.slack(channel, thread), null,
                new SessionMessage(payload.user() == null ? null : payload.user().id(), InteractionSummary.of(tree.path("user"), action),
                        List.of(), Instant.now()), Deliveries.dedupId(agent, WebhookSource.INTERACTIVITY, key), List.of());
        return publisher.publish(Deliveries.envelope(agent, WebhookSource.INTERACTIVITY, key, SessionKey.slack(agent, channel, thread),
                payload.type(), headers, KEPT_HEADERS, event)).thenApply(outcome -> Response.ok().build());
    }
}
