package dev.agentservices.worker.agent;

import dev.agentservices.worker.consume.RetryLater;
import java.time.Duration;

/**
 * Another worker is asking the model for the session's pending call: this delivery is tried again when that
 * call's claim ends, by which time its answer is stored (or the claim lapsed and this worker asks).
 */
public class ModelCallInProgressException extends RuntimeException implements RetryLater {

    private final Duration retryAfter;

    public ModelCallInProgressException(int call, Duration retryAfter) {
        super("another worker is asking the model for call " + call);
        this.retryAfter = retryAfter.isNegative() ? Duration.ZERO : retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
