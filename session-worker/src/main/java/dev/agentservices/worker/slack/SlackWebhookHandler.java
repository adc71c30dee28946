package dev.agentservices.worker.slack;

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
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Slack messages to sessions: an {@code app_mention} starts or continues the thread's session
 * ({@code {agent}:slack:{channel}:{thread_ts}}), a reply in a thread that has a session continues it, and
 * the agent's own messages, other bots' and edits are ignored. Slack at times sends one message under
 * two event ids (a mention is also a message): the dedup id is the channel and {@code ts}. Images on the
 * message go to S3 first and reach the pod as attachments.
 */
@Singleton
public class SlackWebhookHandler {

    private static final Logger LOG = Logger.getLogger(SlackWebhookHandler.class);
    private static final Set<String> IGNORED_SUBTYPES = Set.of("message_changed", "message_deleted", "bot_message",
            "channel_join", "channel_leave", "thread_broadcast");
    private static final int TITLE_LENGTH = 80;

    private final ObjectMapper mapper;
    private final SessionService sessions;
    private final SessionStore store;
    private final SlackImages images;

    public SlackWebhookHandler(ObjectMapper mapper, SessionService sessions, SessionStore store, SlackImages images) {
        this.mapper = mapper;
        this.sessions = sessions;
        this.store = store;
        this.images = images;
    }

    public void handle(WebhookEnvelope envelope, Agent agent) throws IOException, InterruptedException {
        SlackEvent.Event event = mapper.readValue(envelope.body(), SlackEvent.class).event();
        if (event == null || event.channel() == null || event.ts() == null || event.text() == null) {
            return;
        }
        if (event.botId() != null || (event.subtype() != null && IGNORED_SUBTYPES.contains(event.subtype())) || isAgent(agent, event.user())) {
            LOG.debugf("Ignored Slack %s from %s in %s", event.type(), event.user(), event.channel());
            return;
        }
        SessionKey key = SessionKey.slack(agent.name(), event.channel(), event.threadRoot());
        boolean mention = "app_mention".equals(event.type());
        if (!mention && (event.threadTs() == null || store.idFor(key).isEmpty())) {
            return;
        }
        SessionMessage message = new SessionMessage(event.user(), event.text(), images.fetch(agent, event), Instant.now(),
                event.ts());
        SessionService.Applied applied = sessions.apply(key, Origin.slack(event.channel(), event.threadRoot()),
                title(event.text()), message, "slack:" + agent.name() + ":" + event.channel() + ":" + event.ts());
        LOG.infof("Slack %s in %s → %s: %s", event.type(), key, applied, envelope.dedupId());
    }

    private static boolean isAgent(Agent agent, String user) {
        return user != null && agent.slack().flatMap(Agent.SlackApp::botUserId).map(user::equals).orElse(false);
    }

    private static String title(String text) {
        String oneLine = text.replaceAll("<@[A-Z0-9]+>", "").replaceAll("\\s+", " ").trim();
        return oneLine.length() <= TITLE_LENGTH ? oneLine : oneLine.substring(0, TITLE_LENGTH - 1) + "…";
    }
}
