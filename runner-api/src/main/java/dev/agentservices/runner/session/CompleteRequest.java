package dev.agentservices.runner.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.session.Artifact;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/**
 * {@code POST .../complete}: how a turn ended, as the pod reports it. {@code turn} is the turn the runner
 * took (from its context or {@code next}); the session's current turn when a runner leaves it out.
 * {@code final_message} may be Claude Code's {@code --output-format json} result object as printed; it is
 * then read as such ({@link AgentResult}).
 */
@RegisterForReflection
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CompleteRequest(String status, Integer turn, String finalMessage, List<Artifact> artifacts, Usage usage,
        String error, String agentSessionId) {

    @RegisterForReflection
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(long inputTokens, long outputTokens, long cacheCreationTokens, long cacheReadTokens, double costUsd,
            long durationMs) {
    }
}
