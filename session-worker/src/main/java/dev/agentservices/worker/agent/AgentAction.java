package dev.agentservices.worker.agent;

import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.worker.reply.Question;

/**
 * What a session's agent does. {@code toolUseId} ties an action to the model's tool use that asked for it
 * (null for the pass-through policy), so its result goes back to the model.
 */
public sealed interface AgentAction {

    /** Posts {@code text} where the conversation is; with a {@code question}, as Block Kit buttons or a select. */
    record Reply(String text, Question question, String toolUseId) implements AgentAction {
    }

    /**
     * {@code message} becomes a turn of the coding agent: at once when no turn is going (in the run that waits
     * for turns, or a new run), else the follow-up of the turn going. Applied once per {@code dedupId}.
     */
    record StartRun(SessionMessage message, String dedupId, String toolUseId) implements AgentAction {
    }

    /** Asks the run to save its state and stop; a later turn resumes from it. */
    record Pause(String toolUseId) implements AgentAction {
    }

    /** Ends the session for good: its run stops and later messages are ignored. */
    record Finish(String toolUseId) implements AgentAction {
    }
}
