package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.Progress;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import dev.agentservices.worker.launch.LauncherConfig;
import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.logging.Logger;

/**
 * A Slack session's progress message: one message in the thread per turn, posted at the turn's first progress report
 * and then changed in place ({@code chat.update}) at most every {@code SESSION_PROGRESS_EVERY} (5 s), so the thread
 * gets one line that moves instead of a stream of posts; when the turn ends it says how it ended. It carries metadata
 * {@value #PROGRESS_EVENT}, so the look for what a reply already posted never counts it. A courtesy, like the
 * reactions: what Slack refuses is logged and the turn goes on.
 */
@Singleton
public class TurnProgress {

    private static final Logger LOG = Logger.getLogger(TurnProgress.class);
    static final String PROGRESS_EVENT = "agent_services_progress";

    private final SlackApi slack;
    private final Duration every;

    public TurnProgress(@RestClient SlackApi slack, LauncherConfig config) {
        this.slack = slack;
        this.every = config.progressEvery();
    }

    /** Whether {@code progress} is due in the thread: a Slack session's, not shown in the last few seconds. */
    public boolean due(Session session, Progress progress, Instant now) {
        return session.source() == SessionSource.SLACK && session.origin() != null && session.origin().slackChannel() != null
                && (progress.shownAt() == null || !progress.shownAt().plus(every).isAfter(now));
    }

    /** Posts or updates the turn's progress message; the message's {@code ts}, or empty when Slack took none. */
    public Optional<String> show(Agent agent, Session session, Progress progress) {
        return write(agent, session, progress.slackTs(), progress.text(),
                Map.of("session_id", session.id(), "run", progress.run(), "turn", progress.turn()));
    }

    /** The turn's progress message, when it has one, says how the turn ended. */
    public void ended(Agent agent, Session session, int turn, SessionStatus outcome) {
        session.progressOf(turn).filter(progress -> progress.slackTs() != null).ifPresent(progress -> write(agent, session,
                progress.slackTs(), (outcome == SessionStatus.SUCCEEDED ? "Done after " : "Stopped after ") + progress.steps()
                        + (progress.steps() == 1 ? " step." : " steps."), Map.of()));
    }

    private Optional<String> write(Agent agent, Session session, String ts, String text, Map<String, Object> about) {
        Optional<String> authorization = agent.slack().flatMap(Agent.SlackApp::botToken).map(token -> "Bearer " + token.reveal());
        if (authorization.isEmpty()) {
            return Optional.empty();
        }
        try {
            SlackApi.SlackResponse response = ts == null
                    ? slack.postMessage(authorization.get(), new SlackApi.PostMessage(session.origin().slackChannel(),
                            session.origin().slackThreadTs(), text, new SlackApi.Metadata(PROGRESS_EVENT, about), null))
                    : slack.updateMessage(authorization.get(), new SlackApi.UpdateMessage(session.origin().slackChannel(), ts, text));
            if (response == null || !response.ok()) {
                LOG.infof("Slack refused the progress of session %s: %s", session.id(), response == null ? "no answer" : response.error());
                return Optional.ofNullable(ts);
            }
            return Optional.ofNullable(ts != null ? ts : response.ts());
        } catch (RuntimeException e) {
            LOG.infof("Could not show the progress of session %s: %s", session.id(), e.getMessage());
            return Optional.ofNullable(ts);
        }
    }
}
