package dev.agentservices.worker.session;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.worker.agent.AgentEvent;
import dev.agentservices.worker.agent.SessionAgent;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * What happens when a run's process fails or vanishes without reporting (a pod OOMKilled, evicted,
 * deleted or past its deadline, an image that cannot be pulled, a local process gone): the turn it was
 * working on ends FAILED with the reason, and the conversation hears of it in exactly one short reply with
 * the session's dashboard link. A run that stops while it waits between turns has only ended: its last
 * turn was answered already, so nobody is told.
 */
@Singleton
public class RunFailures {

    private static final Logger LOG = Logger.getLogger(RunFailures.class);

    private final SessionRepository store;
    private final AgentRegistry agents;
    private final SessionAgent sessionAgent;

    public RunFailures(SessionRepository store, AgentRegistry agents, SessionAgent sessionAgent) {
        this.store = store;
        this.agents = agents;
        this.sessionAgent = sessionAgent;
    }

    /** The process of {@code run} is gone for {@code reason}; safe to call again for the same run. */
    public void gone(String sessionId, int run, String reason) {
        boolean[] failedTurn = {false};
        Session session = store.update(sessionId, current -> {
            failedTurn[0] = false;
            if (current.run() != run || current.runEnded() || current.status() == SessionStatus.TERMINATED) {
                return current;
            }
            failedTurn[0] = current.turnInProgress();
            return current.withRunFailed(reason, Instant.now());
        }).session();
        if (!failedTurn[0]) {
            LOG.infof("Session %s run %d ended (%s)", sessionId, run, reason);
            return;
        }
        LOG.warnf("Session %s run %d failed on turn %d: %s", sessionId, run, session.turn(), reason);
        replyOnce(session, reason);
    }

    /**
     * Posts the failure reply of a run that ended failed but whose reply was not posted (Slack or GitHub were
     * down when it ended): the intent is stored, so the post looks first and never doubles.
     */
    public void replyIfOwed(Session session) {
        if (session.status() == SessionStatus.FAILED && session.runEnded() && session.error() != null
                && session.replyIntentTurn() >= session.turn() && session.repliedTurn() < session.turn()) {
            replyOnce(session, session.error());
        }
    }

    private void replyOnce(Session session, String reason) {
        int turn = session.turn();
        if (session.repliedTurn() >= turn) {
            return;
        }
        Agent agent = agents.byName(session.agent()).orElse(null);
        if (agent == null) {
            LOG.warnf("Session %s failed, but agent %s is not configured here to say so", session.id(), session.agent());
            return;
        }
        boolean retry = session.replyIntentTurn() >= turn;
        if (!retry) {
            store.update(session.id(), current -> current.replyIntentTurn() >= turn ? current : current.withReplyIntent(turn));
        }
        sessionAgent.handle(agent, new AgentEvent.RunFailed(session, turn, reason, retry));
        store.update(session.id(), current -> current.repliedTurn() >= turn ? current : current.withRepliedTurn(turn));
    }
}
