package dev.agentservices.gateway.slack;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.signature.SignatureException;
import dev.agentservices.common.signature.SlackSignatureVerifier;
import dev.agentservices.gateway.http.GatewayConfig;
import dev.agentservices.gateway.http.WebhookRejection;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;

/**
 * Finds the agent a Slack request is for: the one whose signing secret produced its v0 signature over
 * the raw bytes. Shared by the events and interactivity endpoints.
 */
@Singleton
public class SlackRequestVerifier {

    private final List<AgentSource<Agent.SlackApp>> apps;
    private final SlackSignatureVerifier verifier;

    public SlackRequestVerifier(AgentRegistry registry, GatewayConfig config) {
        this.apps = registry.withSource(Agent::slack);
        this.verifier = new SlackSignatureVerifier(Clock.systemUTC(), config.slackTimestampTolerance());
    }

    public AgentSource<Agent.SlackApp> verify(String timestamp, String signature, byte[] rawBody) {
        if (apps.isEmpty()) {
            throw WebhookRejection.unauthorized("unknown_agent",
                    "No agent on this gateway has a Slack app; set SLACK_SIGNING_SECRET (or {AGENT}_SLACK_SIGNING_SECRET)");
        }
        try {
            SlackSignatureVerifier.SignedRequest request = verifier.parse(timestamp, signature);
            for (AgentSource<Agent.SlackApp> app : apps) {
                if (verifier.matches(request, app.settings().signingSecret(), rawBody)) {
                    return app;
                }
            }
        } catch (SignatureException e) {
            throw WebhookRejection.of(e);
        }
        throw WebhookRejection.unauthorized("bad_signature",
                "X-Slack-Signature matches no agent's signing secret; sign v0:{timestamp}:{raw body} with the app's signing secret");
    }

    /** Refuses a payload for a Slack app other than the agent's, when the agent's app id is configured. */
    public static void requireApp(AgentSource<Agent.SlackApp> app, String apiAppId) {
        app.settings().appId().ifPresent(expected -> {
            if (apiAppId != null && !expected.equals(apiAppId)) {
                throw WebhookRejection.unauthorized("unknown_agent", "The payload is for Slack app " + apiAppId
                        + ", which is not agent " + app.agent().name() + "'s app");
            }
        });
    }
}
