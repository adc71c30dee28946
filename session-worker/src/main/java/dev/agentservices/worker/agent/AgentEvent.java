package dev.agentservices.worker.agent;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;

/** What happens in a session, for its agent to answer with {@link AgentAction}s. */
public sealed interface AgentEvent {

    /** The conversation the event belongs to. */
    SessionKey sessionKey();

    /** A person's message (a Slack message, a Block Kit click's summary, a comment, the dashboard). */
    record MessageArrived(SessionKey key, Origin origin, String title, SessionMessage message, String dedupId) implements AgentEvent {

        @Override
        public SessionKey sessionKey() {
            return key;
        }
    }

    /**
     * A run's turn ended, its outcome stored in {@code session}. {@code retry}: an earlier attempt to answer it
     * may have posted part of its reply.
     */
    record TurnEnded(Session session, RunOutcome outcome, boolean retry) implements AgentEvent {

        @Override
        public SessionKey sessionKey() {
            return session.key();
        }
    }

    /** The run's process failed or vanished while it worked on {@code turn}. */
    record RunFailed(Session session, int turn, String reason, boolean retry) implements AgentEvent {

        @Override
        public SessionKey sessionKey() {
            return session.key();
        }
    }

    /** The run saved its state and stopped (a pause from the dashboard, or the agent's own). */
    record Paused(Session session, String dedupId) implements AgentEvent {

        @Override
        public SessionKey sessionKey() {
            return session.key();
        }
    }
}
