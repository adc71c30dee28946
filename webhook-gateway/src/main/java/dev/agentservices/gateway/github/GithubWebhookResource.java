package dev.agentservices.gateway.github;

import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import java.time.Instant;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.agent.AgentRegistry.AgentSource;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
/**
 * {@code POST /webhooks/github}: an {@code issue_comment} (created) that mentions an agent's handle, on an
 * issue or a pull request and not written by a bot or the agent, is stored on {@code webhooks.{agent}.github}
 * deduplicated per agent by comment id. {@code ping} and every other event get 200 and are not stored.
 */
@Path(WebhookEndpoint.GITHUB)
public class GithubWebhookResource {

    static final String SIGNATURE_HEADER = "X-Hub-Signature-256";
    static final String EVENT_HEADER = "X-GitHub-Event";
    private static final List<String> KEPT_HEADERS = List.of(EVENT_HEADER, "X-GitHub-Delivery", "X-GitHub-Hook-ID");

    /** The answer to GitHub's {@code ping}. */
    public record Pong(String status) {
    }

    private final List<AgentSource<Agent.GithubApp>> apps;
    private final WebhookBodies bodies;
    private final WebhookPublisher publisher;
    private final GatewayMetrics metrics;

    public GithubWebhookResource(AgentRegistry registry, WebhookBodies bodies, WebhookPublisher publisher,
            GatewayMetrics metrics) {
        this.apps = registry.withSource(Agent::github);
        this.bodies = bodies;
        this.publisher = publisher;
        this.metrics = metrics;
    }

    @POST
    public CompletionStage<Response> receive(@HeaderParam(SIGNATURE_HEADER) String signature, @HeaderParam(EVENT_HEADER) String event,
            @Context HttpHeaders headers, byte[] body) {
        MediaType type = bodies.accept(headers, body, MediaType.APPLICATION_JSON_TYPE, MediaType.APPLICATION_FORM_URLENCODED_TYPE);
        List<AgentSource<Agent.GithubApp>> verified = verify(signature, body);
        if (event == null || event.isBlank()) {
            throw WebhookRejection.badRequest("missing_event", "Send the " + EVENT_HEADER + " header that GitHub sets");
        }
        String json = MediaType.APPLICATION_FORM_URLENCODED_TYPE.equals(type)
                ? bodies.formPayload(body) : bodies.utf8(body);
        if ("ping".equals(event)) {
            bodies.json(json, Object.class);
            return CompletableFuture.completedFuture(Response.ok(new Pong("pong"), MediaType.APPLICATION_JSON_TYPE).build());
        }
        if (!"issue_comment".equals(event)) {
            verified.forEach(app -> metrics.ignored(app.agent().name(), WebhookSource.GITHUB, "event_type"));
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        IssueCommentPayload payload = bodies.json(json, IssueCommentPayload.class);
        if (!"created".equals(payload.action())) {
            verified.forEach(app -> metrics.ignored(app.agent().name(), WebhookSource.GITHUB, "action"));
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        requireComment(payload);

        List<CompletableFuture<WebhookPublisher.Outcome>> publishes = new ArrayList<>();
        for (AgentSource<Agent.GithubApp> app : verified) {
            String agent = app.agent().name();
            String handle = app.settings().handle();
            if (!Mentions.mentions(payload.comment().body(), handle)) {
                metrics.ignored(agent, WebhookSource.GITHUB, "no_mention");
            } else if (isBotOrAgent(payload.comment().user(), handle)) {
                metrics.ignored(agent, WebhookSource.GITHUB, "own_comment");
            } else if (outsider(payload, app.settings()) != null) {
                String why = outsider(payload, app.settings());
                metrics.ignored(agent, WebhookSource.GITHUB, why);
                if ("author_association".equals(why) && payload.comment().user() != null && payload.comment().user().login() != null) {
                    // a repository the agent serves, a person who may not ask: they are told once, and nothing they wrote is kept
                    publishes.add(publisher.publish(outsiderMention(agent, payload, event, headers)).toCompletableFuture());
                }
            } else {
                String repository = payload.repository().fullName();
                long number = payload.issue().number();
                String key = "comment:" + payload.comment().id();
                ConversationEvent conversation = new ConversationEvent(true, Origin.github(repository, number),
                        repository + "#" + number + ": " + (payload.issue().title() == null ? "" : payload.issue().title()),
                        new SessionMessage(payload.comment().user() == null ? null : payload.comment().user().login(),
                                payload.comment().body(), List.of(), Instant.now(), Long.toString(payload.comment().id())),
                        Deliveries.dedupId(agent, WebhookSource.GITHUB, key), List.of());
                publishes.add(publisher.publish(Deliveries.envelope(agent, WebhookSource.GITHUB, key,
                        SessionKey.github(agent, repository, number), event, headers, KEPT_HEADERS, conversation)).toCompletableFuture());
            }
        }
        if (publishes.isEmpty()) {
            return CompletableFuture.completedFuture(Response.ok().build());
        }
        return CompletableFuture.allOf(publishes.toArray(CompletableFuture[]::new)).thenApply(stored -> Response.ok().build());
    }

    /**
     * What the worker needs to answer an outsider's mention once (a reply saying a member has to ask): where, and whom;
     * not what they wrote. One per person and issue ({@code outsider:{repo}#{number}:{login}}), so a second mention
     * of theirs on the issue is not answered again.
     */
    private static WebhookEnvelope outsiderMention(String agent, IssueCommentPayload payload, String event, HttpHeaders headers) {
        String repository = payload.repository().fullName();
        long number = payload.issue().number();
        String login = payload.comment().user().login();
        String key = "outsider:" + repository + "#" + number + ":" + login.toLowerCase(java.util.Locale.ROOT);
        ConversationEvent mention = new ConversationEvent(false, Origin.github(repository, number), null,
                new SessionMessage(login, "", List.of(), Instant.now(), Long.toString(payload.comment().id())),
                Deliveries.dedupId(agent, WebhookSource.GITHUB, key), List.of());
        return Deliveries.envelope(agent, WebhookSource.GITHUB, key, SessionKey.github(agent, repository, number),
                WebhookEnvelope.OUTSIDER_MENTION, headers, KEPT_HEADERS, mention);
    }

    /** Every agent whose secret signed the body; several agents may share one webhook. */
    private List<AgentSource<Agent.GithubApp>> verify(String signature, byte[] body) {
        if (apps.isEmpty()) {
            throw WebhookRejection.unauthorized("unknown_agent",
                    "No agent on this gateway has GitHub configured; set GITHUB_WEBHOOK_SECRET (or {AGENT}_GITHUB_WEBHOOK_SECRET)");
        }
        List<AgentSource<Agent.GithubApp>> verified = new ArrayList<>();
        try {
            byte[] expected = HubSignatureVerifier.parse(SIGNATURE_HEADER, signature);
            for (AgentSource<Agent.GithubApp> app : apps) {
                if (HubSignatureVerifier.matches(expected, app.settings().webhookSecret(), body)) {
                    verified.add(app);
                }
            }
        } catch (SignatureException e) {
            throw WebhookRejection.of(e);
        }
        if (verified.isEmpty()) {
            throw WebhookRejection.unauthorized("bad_signature",
                    SIGNATURE_HEADER + " matches no agent's GitHub webhook secret; set the webhook's secret to GITHUB_WEBHOOK_SECRET");
        }
        return verified;
    }

    private static void requireComment(IssueCommentPayload payload) {
        if (payload.comment() == null || payload.comment().id() == null || payload.issue() == null
                || payload.issue().number() == null || payload.repository() == null
                || payload.repository().fullName() == null || !payload.repository().fullName().contains("/")) {
            throw WebhookRejection.badRequest("malformed_payload",
                    "An issue_comment must carry comment.id, issue.number and repository.full_name");
        }
    }

    /**
     * Why the comment may not start work for this App, or null when it may: its author's association with
     * the repository, the repository's organization or the installation is not among the allowed ones.
     * GitHub still gets 200: a refusal would only make it retry.
     */
    static String outsider(IssueCommentPayload payload, Agent.GithubApp app) {
        String association = payload.comment().authorAssociation();
        if (association == null || !app.allowedAssociations().contains(association.toUpperCase(java.util.Locale.ROOT))) {
            return "author_association";
        }
        if (!app.allowedOrganizations().isEmpty()) {
            String owner = payload.repository().fullName().substring(0, payload.repository().fullName().indexOf('/'));
            if (!app.allowedOrganizations().contains(owner.toLowerCase(java.util.Locale.ROOT))) {
                return "organization";
            }
        }
        if (!app.allowedInstallations().isEmpty() && (payload.installation() == null
                || !app.allowedInstallations().contains(payload.installation().id()))) {
            return "installation";
        }
        return null;
    }

    private static boolean isBotOrAgent(IssueCommentPayload.User user, String handle) {
        if (user == null || user.login() == null) {
            return false;
        }
        return "Bot".equals(user.type()) || user.login().equalsIgnoreCase(handle)
                || user.login().equalsIgnoreCase(handle + "[bot]");
    }
}
