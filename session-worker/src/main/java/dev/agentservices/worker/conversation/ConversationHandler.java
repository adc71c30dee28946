package dev.agentservices.worker.conversation;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.ConversationEvent;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.worker.agent.AgentEvent;
import dev.agentservices.worker.agent.SessionAgent;
import dev.agentservices.worker.attachment.FullTexts;
import dev.agentservices.worker.reply.ReplyPoster;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Webhooks to sessions (and an outsider's mention to one answer that a member has to ask): each envelope carries the event as the gateway read it, so nothing is parsed
 * twice. An event that may open a session (a Slack mention, a Jira assignment, a GitHub mention) starts or
 * continues its conversation's session; one that only continues (a thread reply, a click, a Jira comment)
 * is ignored where there is no session. Slack images go to S3 first and reach the pod as attachments. The
 * message goes to the session's agent ({@link SessionAgent}): a turn of the coding agent, or the model's to answer.
 */
@Singleton
public class ConversationHandler {

    private static final Logger LOG = Logger.getLogger(ConversationHandler.class);

    private final SessionAgent sessionAgent;
    private final SessionRepository store;
    private final SlackImages images;
    private final FullTexts fullTexts;
    private final ReplyPoster poster;

    public ConversationHandler(SessionAgent sessionAgent, SessionRepository store, SlackImages images, FullTexts fullTexts,
            ReplyPoster poster) {
        this.fullTexts = fullTexts;
        this.poster = poster;
        this.sessionAgent = sessionAgent;
        this.store = store;
        this.images = images;
    }

    public void handle(WebhookEnvelope envelope, Agent agent) throws IOException, InterruptedException {
        ConversationEvent event = envelope.event();
        if (envelope.v() < WebhookEnvelope.VERSION || event == null || envelope.sessionKey() == null) {
            throw new IllegalStateException("envelope " + envelope.dedupId() + " is version " + envelope.v()
                    + " without a classified event; this worker reads version " + WebhookEnvelope.VERSION);
        }
        if (WebhookEnvelope.OUTSIDER_MENTION.equals(envelope.eventType())) {
            answerOutsider(envelope, agent);
            return;
        }
        if (!event.opensSession() && store.idFor(envelope.sessionKey()).isEmpty()) {
            LOG.debugf("Ignored %s %s outside a session: %s", envelope.source().subjectToken(), envelope.eventType(),
                    envelope.dedupId());
            return;
        }
        SessionMessage message = event.message();
        if (envelope.source() == WebhookSource.SLACK && !event.files().isEmpty()) {
            List<SessionMessage.Attachment> attachments = images.fetch(agent, event.origin().slackChannel(), message.ref(),
                    event.files());
            message = new SessionMessage(message.author(), message.text(), attachments, message.time(), message.ref());
        }
        message = fullTexts.keep(envelope.sessionKey().toString(), event.applyId(), message);
        sessionAgent.handle(agent, new AgentEvent.MessageArrived(envelope.sessionKey(), event.origin(), event.title(), message,
                event.applyId()));
        LOG.debugf("%s %s in %s: %s", envelope.source().subjectToken(), envelope.eventType(), envelope.sessionKey(),
                envelope.dedupId());
    }

    /**
     * Someone who may not ask for work mentioned the agent: they are told once per issue or thread (the envelope's id
     * names the person and the place, and is kept in {@code processed} for a week), and no session is opened or continued.
     */
    private void answerOutsider(WebhookEnvelope envelope, Agent agent) {
        if (store.isProcessed(envelope.dedupId())) {
            return;
        }
        poster.outsiderNotice(agent, envelope.event().origin(), envelope.event().message().author(), envelope.event().title());
        store.markProcessed(envelope.dedupId());
        LOG.infof("Told %s in %s that they may not ask for work here", envelope.event().message().author(), envelope.sessionKey());
    }
}
