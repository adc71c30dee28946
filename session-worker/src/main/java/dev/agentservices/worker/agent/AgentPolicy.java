package dev.agentservices.worker.agent;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.session.ModelBlock;
import java.util.List;
import java.util.Optional;

/**
 * A session's agent: it answers each event with actions, which {@link SessionAgent} carries out. The
 * pass-through policy makes every message a turn and every outcome the reply; the model-backed policy asks
 * a model, which may answer by itself, ask, or start a run, and reasons again when the run's outcome comes.
 * Each is safe to ask again about the same event (a redelivery): it answers without doing its work twice.
 */
public interface AgentPolicy {

    /** Records {@code event} and answers it; {@link Optional#empty()} when there is nothing to do now. */
    Optional<Decision> decide(Agent agent, AgentEvent event);

    /**
     * {@code decision}'s actions were carried out, with the results the model should get for its tool uses;
     * the next decision when more events waited meanwhile.
     */
    default Optional<Decision> acted(Agent agent, String sessionId, Decision decision, List<ModelBlock> results) {
        return Optional.empty();
    }
}
