package dev.agentservices.worker.jira;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.session.SessionService;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Jira to sessions: an assignment to the agent creates (or restarts) the session {@code {agent}:jira:{issueKey}}
 * with the issue's summary and description as the prompt; a comment continues the indexed session and is
 * ignored when the issue has none; the agent's own comments never count.
 */
@Singleton
public class JiraWebhookHandler {

    private static final Logger LOG = Logger.getLogger(JiraWebhookHandler.class);

    private final ObjectMapper mapper;
    private final SessionService sessions;
    private final SessionStore store;

    public JiraWebhookHandler(ObjectMapper mapper, SessionService sessions, SessionStore store) {
        this.mapper = mapper;
        this.sessions = sessions;
        this.store = store;
    }

    public void handle(WebhookEnvelope envelope, Agent agent) throws IOException {
        JsonNode payload = mapper.readTree(envelope.body());
        String accountId = agent.jira().map(Agent.JiraAccount::accountId).orElse("");
        String issueKey = payload.path("issue").path("key").asText();
        SessionKey key = SessionKey.jira(agent.name(), issueKey);
        String event = payload.path("webhookEvent").asText();
        if ("comment_created".equals(event)) {
            JsonNode comment = payload.path("comment");
            String author = comment.path("author").path("accountId").asText();
            if (accountId.equals(author) || store.idFor(key).isEmpty()) {
                LOG.infof("Ignored Jira comment on %s (%s)", issueKey, accountId.equals(author) ? "the agent's own" : "no session");
                return;
            }
            apply(key, issueKey, payload, new SessionMessage(author, comment.path("body").asText(""), List.of(), Instant.now()),
                    envelope);
            return;
        }
        JsonNode fields = payload.path("issue").path("fields");
        String prompt = fields.path("summary").asText("") + textOf(fields.path("description"));
        String reporter = payload.path("user").path("accountId").asText(null);
        apply(key, issueKey, payload, new SessionMessage(reporter, prompt.strip(), List.of(), Instant.now()), envelope);
    }

    private void apply(SessionKey key, String issueKey, JsonNode payload, SessionMessage message, WebhookEnvelope envelope) {
        String title = issueKey + ": " + payload.path("issue").path("fields").path("summary").asText("");
        SessionService.Applied applied = sessions.apply(key, Origin.jira(issueKey), title, message, envelope.dedupId());
        LOG.infof("Jira %s on %s → %s", envelope.eventType(), key, applied);
    }

    /** The description as text: a plain string (REST v2) or the text nodes of a document (v3). */
    private static String textOf(JsonNode description) {
        if (description.isTextual()) {
            return "\n\n" + description.asText();
        }
        StringBuilder text = new StringBuilder();
        description.findValues("text").forEach(node -> text.append(node.asText()).append(' '));
        return text.length() == 0 ? "" : "\n\n" + text.toString().strip();
    }
}
