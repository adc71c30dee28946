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

    /**
     * Refuses a payload for a Slack app other than the agent's, when the agent's app id is configured: Slack
     * puts {@code api_app_id} in every Events API and interactivity payload, so one without it is refused too.
     */
    public static void requireApp(AgentSource<Agent.SlackApp> app, String apiAppId) {
        app.settings().appId().ifPresent(expected -> {
            if (apiAppId == null || apiAppId.isBlank()) {
                throw WebhookRejection.unauthorized("missing_app_id", "The payload carries no api_app_id; agent "
                        + app.agent().name() + " takes only payloads of its Slack app (SLACK_APP_ID)");
            }
            if (!expected.equals(apiAppId)) {
                throw WebhookRejection.unauthorized("unknown_agent", "The payload is for Slack app " + apiAppId
                        + ", which is not agent " + app.agent().name() + "'s app");
            }
        });
    }

    /**
     * Why a signed payload may not start or continue work, or null when it may: its workspace or organization
     * is not among the agent's allowed teams, or it comes from a channel shared with another organization
     * while shared channels are not allowed. Slack gets 200 for these (a refusal would only be retried).
     */
    public static String notAllowed(Agent.SlackApp app, String teamId, String enterpriseId, String userTeam,
            boolean sharedChannel) {
        if (!app.allowedTeams().isEmpty()) {
            boolean team = teamId != null && app.allowedTeams().contains(teamId);
            boolean enterprise = enterpriseId != null && app.allowedTeams().contains(enterpriseId);
            if (!team && !enterprise) {
                return "workspace";
            }
            if (userTeam != null && !app.allowedTeams().contains(userTeam) && !enterprise) {
                return "workspace";
            }
        }
        if (sharedChannel && !app.allowSharedChannels()) {
            return "shared_channel";
        }
        return null;
    }
}
