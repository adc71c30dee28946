package dev.agentservices.runner.session;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** {@code POST .../pause}: where the pod saved its state, or why it could not. */
@RegisterForReflection
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record PauseRequest(String stateKey, String scrollbackKey, String lastAssistantMessage, String stateError) {
}
