package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;

/**
 * What an agent does when a turn ends: the seam where an agent that "resumes reasoning" plugs in. The
 * worker calls it once per turn, after the outcome is stored; it must throw when its work did not
 * succeed, so that the outcome message is retried.
 */
public interface AgentPolicy {

    void onTurnEnded(Agent agent, Session session, RunOutcome outcome);

    /** The run's process failed or vanished while it worked on the session's current turn, for {@code reason}. */
    void onRunFailed(Agent agent, Session session, String reason);
}
