package dev.agentservices.common.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.agentservices.common.session.Artifact;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.Usage;
import java.util.List;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.complete} when a pod reports the end of
 * a turn: {@code SUCCEEDED} or {@code FAILED}, the final assistant message, the artifacts, the usage, and
 * the agent CLI's own conversation id (to resume it in a later run).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunOutcome(int v, String sessionId, int run, int turn, SessionStatus status, String finalMessage,
        List<Artifact> artifacts, Usage usage, String error, String agentSessionId) {

    public static final int VERSION = 2;

    public RunOutcome {
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        if (v < 2) {
            turn = run; // version 1: one turn per run
        }
    }

    /** The {@code Nats-Msg-Id}: one outcome per turn, however often the pod retries. */
    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":" + turn + ":complete";
    }
}
