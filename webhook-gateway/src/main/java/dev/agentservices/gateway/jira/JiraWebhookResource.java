package dev.agentservices.gateway.jira;

import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import java.time.Instant;
import java.util.List;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.signature.HubSignatureVerifier;
import dev.agentservices.common.signature.SignatureException;
import dev.agentservices.gateway.http.Deliveries;
import dev.agentservices.gateway.http.GatewayMetrics;
import dev.agentservices.gateway.http.WebhookBodies;
import dev.agentservices.gateway.http.WebhookEndpoint;
import dev.agentservices.gateway.http.WebhookRejection;
import dev.agentservices.gateway.publish.WebhookPublisher;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Locale;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
/**
 * {@code POST /webhooks/jira}: the agent is the one whose secret signed the body ({@code X-Hub-Signature:
 * sha256=...}) or, for a webhook without signing, whose secret the URL carries as {@code ?token=} or a
 * bearer token. Assignments to the agent and comments by others are stored on {@code webhooks.{agent}.jira}
 * with the session key {@code {agent}:jira:{issueKey}}, deduplicated by the SHA-256 of the (signed) body; the
 * unsigned {@code X-Atlassian-Webhook-Identifier} is kept in the envelope's headers, never trusted for dedup.
 */
@Path(WebhookEndpoint.JIRA)
public class JiraWebhookResource {

    static final String SIGNATURE_HEADER = "X-Hub-Signature";
    static final String IDENTIFIER_HEADER = "X-Atlassian-Webhook-Identifier";
    private static final List<String> KEPT_HEADERS = List.of(IDENTIFIER_HEADER, "X-Atlassian-Webhook-Retry");
    private static final String BEARER = "bearer ";

    private final List<AgentSource<Agent.JiraAccount>> accounts;
    /** Every configured agent's Jira account: their comments start nothing. */
    private final java.util.Set<String> agentAccounts;
    private final WebhookBodies bodies;
    private final WebhookPublisher publisher;
    private final GatewayMetrics metrics;

    public JiraWebhookResource(AgentRegistry registry, WebhookBodies bodies, WebhookPublisher publisher,
            GatewayMetrics metrics) {
        this.accounts = registry.withSource(Agent::jira);
        this.agentAccounts = accounts.stream().map(account -> account.settings().accountId()).collect(java.util.stream.Collectors.toSet());
        this.bodies = bodies;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @POST
    public CompletionStage<Response> receive(@HeaderParam(SIGNATURE_HEADER) String signature, @QueryParam("token") String token,
            @Context HttpHeaders headers, byte[] body) {
        bodies.accept(headers, body, MediaType.APPLICATION_JSON_TYPE);
        AgentSource<Agent.JiraAccount> account = verify(signature, token == null ? bearer(headers) : token, body);
        JiraWebhookPayload payload = bodies.json(body, JiraWebhookPayload.class);
        String agent = account.agent().name();

        JiraEvent event = JiraEvent.classify(payload, account.settings().accountId(), agentAccounts);
        if (event == JiraEvent.OWN_COMMENT || event == JiraEvent.OTHER) {
            metrics.ignored(agent, WebhookSource.JIRA, event == JiraEvent.OWN_COMMENT ? "own_comment" : "event_type");
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        if (payload.issue() == null || payload.issue().key() == null || payload.issue().key().isBlank()) {
            throw WebhookRejection.badRequest("missing_issue_key", "A Jira " + payload.webhookEvent() + " webhook must carry issue.key");
        }
        // the body's own hash, not the unsigned X-Atlassian-Webhook-Identifier: a signed body replayed with other
        // identifiers is still one delivery (Jira's retries send the same body; two events differ in their timestamp)
        String key = Deliveries.sha256(body);
        return publisher.publish(Deliveries.envelope(agent, WebhookSource.JIRA, key,
                SessionKey.jira(agent, payload.issue().key()), payload.webhookEvent(), headers, KEPT_HEADERS,
                conversationEvent(payload, event, Deliveries.dedupId(agent, WebhookSource.JIRA, key))))
                .thenApply(outcome -> Response.ok().build());
    }

    /**
     * An assignment opens the issue's session with its summary and description as the prompt; a comment
     * continues an existing session with the comment's text.
     */
    static ConversationEvent conversationEvent(JiraWebhookPayload payload, JiraEvent event, String applyId) {
        String issueKey = payload.issue().key();
        JiraWebhookPayload.Fields fields = payload.issue().fields();
        String summary = fields == null || fields.summary() == null ? "" : fields.summary();
        String title = issueKey + ": " + summary;
        if (event == JiraEvent.COMMENT) {
            JiraWebhookPayload.Comment comment = payload.comment();
            return new ConversationEvent(false, Origin.jira(issueKey), title, new SessionMessage(
                    comment.author() == null ? null : comment.author().accountId(), JiraWebhookPayload.text(comment.body()),
                    List.of(), Instant.now(), comment.id()), applyId, List.of());
        }
        String description = fields == null ? "" : JiraWebhookPayload.text(fields.description());
        String prompt = (summary + (description.isEmpty() ? "" : "\n\n" + description)).strip();
        return new ConversationEvent(true, Origin.jira(issueKey), title, new SessionMessage(
                payload.user() == null ? null : payload.user().accountId(), prompt, List.of(), Instant.now()), applyId, List.of());
    }

    private AgentSource<Agent.JiraAccount> verify(String signature, String token, byte[] body) {
        if (accounts.isEmpty()) {
            throw WebhookRejection.unauthorized("unknown_agent",
                    "No agent on this gateway has Jira configured; set JIRA_WEBHOOK_SECRET (or {AGENT}_JIRA_WEBHOOK_SECRET)");
        }
        if (signature == null && token != null) {
            for (AgentSource<Agent.JiraAccount> account : accounts) {
                if (account.settings().webhookSecret().matches(token)) {
                    return account;
                }
            }
            throw WebhookRejection.unauthorized("bad_signature", "The token matches no agent's Jira webhook secret");
        }
        try {
            byte[] expected = HubSignatureVerifier.parse(SIGNATURE_HEADER, signature);
            for (AgentSource<Agent.JiraAccount> account : accounts) {
                if (HubSignatureVerifier.matches(expected, account.settings().webhookSecret(), body)) {
                    return account;
                }
            }
        } catch (SignatureException e) {
            throw WebhookRejection.of(e);
        }
        throw WebhookRejection.unauthorized("bad_signature",
                SIGNATURE_HEADER + " matches no agent's Jira webhook secret; set the webhook's secret to the agent's");
    }

    private static String bearer(HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null && authorization.toLowerCase(Locale.ROOT).startsWith(BEARER)) {
            return authorization.substring(BEARER.length()).trim();
        }
        return null;
    }
}
