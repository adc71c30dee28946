package dev.agentservices.worker.slack;

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
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Block Kit clicks to sessions: the action (button, static or external select, date picker) becomes a
 * one-line summary such as "Ana chose *Deploy to staging* (action `approve`)", routed as a message to the
 * session of the thread the clicked message is in. A click outside any session's thread is ignored.
 */
@Singleton
public class InteractionHandler {

    private static final Logger LOG = Logger.getLogger(InteractionHandler.class);

    private final ObjectMapper mapper;
    private final SessionService sessions;
    private final SessionStore store;

    public InteractionHandler(ObjectMapper mapper, SessionService sessions, SessionStore store) {
        this.mapper = mapper;
        this.sessions = sessions;
        this.store = store;
    }

    public void handle(WebhookEnvelope envelope, Agent agent) throws IOException {
        JsonNode payload = mapper.readTree(formPayload(envelope.body()));
        JsonNode action = payload.path("actions").path(0);
        SessionKey key = envelope.sessionKey();
        if (action.isMissingNode() || key == null || store.idFor(key).isEmpty()) {
            LOG.infof("Ignored %s interaction outside a session: %s", payload.path("type").asText(), envelope.dedupId());
            return;
        }
        String user = payload.path("user").path("id").asText(null);
        String[] conversation = key.conversation().split(":", 2);
        SessionService.Applied applied = sessions.apply(key, Origin.slack(conversation[0], conversation[1]), null,
                new SessionMessage(user, summary(payload.path("user"), action), List.of(), Instant.now()), envelope.dedupId());
        LOG.infof("Slack %s in %s → %s", action.path("type").asText(), key, applied);
    }

    /** "Ana chose *Deploy to staging* (action `approve`)", from the action's type. */
    static String summary(JsonNode user, JsonNode action) {
        String who = firstText(user.path("name"), user.path("username"), user.path("id"));
        String chosen = switch (action.path("type").asText()) {
            case "static_select", "external_select", "users_select", "conversations_select", "channels_select" ->
                    firstText(action.path("selected_option").path("text").path("text"), action.path("selected_option").path("value"),
                            action.path("selected_user"), action.path("selected_conversation"), action.path("selected_channel"));
            case "datepicker" -> action.path("selected_date").asText();
            default -> firstText(action.path("text").path("text"), action.path("value"));
        };
        return who + " chose *" + chosen + "* (action `" + action.path("action_id").asText() + "`)";
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return "?";
    }

    private static String formPayload(String form) {
        for (String pair : form.split("&")) {
            if (pair.startsWith("payload=")) {
                return URLDecoder.decode(pair.substring("payload=".length()), StandardCharsets.UTF_8);
            }
        }
        throw new IllegalArgumentException("the interaction has no payload= field");
    }
}
