package dev.agentservices.gateway.slack;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.gateway.http.Deliveries;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookEndpoint;
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

/**
 * {@code POST /webhooks/slack/interactivity}: Block Kit clicks, form-encoded as {@code payload=}. The
 * signature is checked over the raw bytes before the form is parsed, since a re-encoded form differs.
 */
@Path(WebhookEndpoint.SLACK_INTERACTIVITY)
public class SlackInteractivityResource {

    private static final List<String> KEPT_HEADERS = List.of("X-Slack-Request-Timestamp", "X-Slack-Retry-Num");

    private final SlackRequestVerifier verifier;
    private final WebhookBodies bodies;
    private final WebhookPublisher publisher;

    public SlackInteractivityResource(SlackRequestVerifier verifier, WebhookBodies bodies, WebhookPublisher publisher) {
        this.verifier = verifier;
        this.bodies = bodies;
        this.publisher = publisher;
    }

    @POST
    public Uni<Response> receive(@HeaderParam("X-Slack-Request-Timestamp") String timestamp,
            @HeaderParam("X-Slack-Signature") String signature, @Context HttpHeaders headers, byte[] body) {
        bodies.accept(headers, body, MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        AgentSource<Agent.SlackApp> app = verifier.verify(timestamp, signature, body);
        InteractionPayload payload = bodies.json(bodies.formPayload(body), InteractionPayload.class);
        SlackRequestVerifier.requireApp(app, payload.apiAppId());
        String agent = app.agent().name();

        String key = payload.dedupKey();
        if (key == null) {
            key = Deliveries.sha256(body);
        }
        String channel = payload.channelId();
        String thread = payload.threadRoot();
        SessionKey sessionKey = channel != null && thread != null ? SessionKey.slack(agent, channel, thread) : null;
        return publisher.publish(Deliveries.envelope(agent, WebhookSource.INTERACTIVITY, key, sessionKey, payload.type(),
                headers, KEPT_HEADERS, body)).map(outcome -> Response.ok().build());
    }
}
