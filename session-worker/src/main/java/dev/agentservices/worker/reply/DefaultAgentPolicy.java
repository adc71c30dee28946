package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * The default policy: post the run's final assistant message and its artifacts to where the request came
 * from. Without a bot token (local mode) the reply goes to the log; the session record has it too.
 */
@Singleton
public class DefaultAgentPolicy implements AgentPolicy {

    private static final Logger LOG = Logger.getLogger(DefaultAgentPolicy.class);

    private final SlackApi slack;

    public DefaultAgentPolicy(@RestClient SlackApi slack) {
        this.slack = slack;
    }

    @Override
    public void onRunEnded(Agent agent, Session session) {
        String text = replyText(session);
        switch (session.source()) {
            case SLACK -> postToSlack(agent, session, text);
            default -> LOG.infof("Reply for %s (no %s replier configured):%n%s", session.key(), session.source().token(), text);
        }
    }

    private void postToSlack(Agent agent, Session session, String text) {
        var token = agent.slack().flatMap(Agent.SlackApp::botToken);
        if (token.isEmpty()) {
            LOG.infof("Reply for %s (no Slack bot token; not posted):%n%s", session.key(), text);
            return;
        }
        SlackApi.SlackResponse response = slack.postMessage("Bearer " + token.get().reveal(),
                new SlackApi.PostMessage(session.origin().slackChannel(), session.origin().slackThreadTs(), text));
        if (response == null || !response.ok()) {
            throw new IllegalStateException("Slack refused chat.postMessage: " + (response == null ? "no answer" : response.error()));
        }
    }

    /** The final message, then the artifacts as a list; a failed run says so. */
    static String replyText(Session session) {
        StringBuilder text = new StringBuilder();
        if (session.status() == SessionStatus.FAILED) {
            text.append("The run failed").append(session.error() == null ? "." : ": " + session.error()).append('\n');
        }
        if (session.lastAssistantMessage() != null && !session.lastAssistantMessage().isBlank()) {
            text.append(session.lastAssistantMessage().strip());
        }
        if (!session.artifacts().isEmpty()) {
            text.append("\n\n");
            for (Artifact artifact : session.artifacts()) {
                text.append("• ").append(artifact.kind()).append(": ")
                        .append(artifact.title() == null ? "" : artifact.title())
                        .append(artifact.url() == null ? "" : " " + artifact.url()).append('\n');
            }
        }
        return text.toString().strip();
    }
}
