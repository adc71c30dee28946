package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;

/**
 * What an agent does when a turn ends: the seam where an agent that "resumes reasoning" plugs in. The
 * worker calls it once per turn, after the outcome is stored; it must throw when its work did not
 * succeed, so that the outcome message is retried. {@code retry} says that an earlier attempt for this
 * turn may have posted part or all of its reply before it died: look before posting again.
 */
public interface AgentPolicy {

    void onTurnEnded(Agent agent, Session session, RunOutcome outcome, boolean retry);

    /** The run's process failed or vanished while it worked on turn {@code turn}, for {@code reason}. */
    void onRunFailed(Agent agent, Session session, int turn, String reason, boolean retry);

    /**
     * The session's new run may not start yet ({@code notice} says why and until when), e.g. its team spent
     * its monthly budget; called once per run and reason.
     */
    void onRunWaiting(Agent agent, Session session, String notice);
}
