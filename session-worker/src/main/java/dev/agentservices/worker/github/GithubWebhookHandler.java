package dev.agentservices.worker.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.worker.session.SessionService;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * GitHub mentions to sessions: the comment (already checked by the gateway to mention the agent and not
 * come from a bot) creates or continues {@code {agent}:github:{owner/repo}#{number}}.
 */
@Singleton
public class GithubWebhookHandler {

    private static final Logger LOG = Logger.getLogger(GithubWebhookHandler.class);

    private final ObjectMapper mapper;
    private final SessionService sessions;

    public GithubWebhookHandler(ObjectMapper mapper, SessionService sessions) {
        this.mapper = mapper;
        this.sessions = sessions;
    }

    public void handle(WebhookEnvelope envelope, Agent agent) throws IOException {
        String json = envelope.contentType() != null && envelope.contentType().startsWith("application/x-www-form-urlencoded")
                ? URLDecoder.decode(envelope.body().substring(envelope.body().indexOf("payload=") + "payload=".length()),
                        StandardCharsets.UTF_8)
                : envelope.body();
        JsonNode payload = mapper.readTree(json);
        String repository = payload.path("repository").path("full_name").asText();
        long number = payload.path("issue").path("number").asLong();
        SessionKey key = SessionKey.github(agent.name(), repository, number);
        JsonNode comment = payload.path("comment");
        String title = repository + "#" + number + ": " + payload.path("issue").path("title").asText("");
        SessionService.Applied applied = sessions.apply(key, Origin.github(repository, number), title,
                new SessionMessage(comment.path("user").path("login").asText(null), comment.path("body").asText(""), List.of(),
                        Instant.now(), comment.hasNonNull("id") ? comment.path("id").asText() : null), envelope.dedupId());
        LOG.infof("GitHub comment on %s → %s", key, applied);
    }
}
