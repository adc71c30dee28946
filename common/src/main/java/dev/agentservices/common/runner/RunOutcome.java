package dev.agentservices.common.runner;

import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Usage;
import java.util.List;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.complete} when a pod reports the end of
 * a run: {@code SUCCEEDED} or {@code FAILED}, the final assistant message, the artifacts and the usage.
 */
public record RunOutcome(int v, String sessionId, int run, SessionStatus status, String finalMessage,
        List<Artifact> artifacts, Usage usage, String error) {

    public static final int VERSION = 1;

    public RunOutcome {
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
    }

    /** The {@code Nats-Msg-Id}: one outcome per run, however often the pod retries. */
    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":complete";
    }
}
