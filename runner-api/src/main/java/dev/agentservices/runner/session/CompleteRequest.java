package dev.agentservices.runner.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.agentservices.common.session.Artifact;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** {@code POST .../complete}: how the run ended, as the pod reports it. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CompleteRequest(String status, String finalMessage, List<Artifact> artifacts, Usage usage, String error) {

    @RegisterForReflection
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Usage(long inputTokens, long outputTokens, double costUsd) {
    }
}
