package dev.agentservices.worker.agent;

import dev.agentservices.worker.consume.RetryLater;
import java.time.Duration;

/**
 * The model did not answer (timeout, 429, 5xx, refused): the event's delivery fails and is retried later,
 * not before the model's {@code retry-after}, then dead-lettered.
 */
public class ModelUnavailableException extends RuntimeException implements RetryLater {

    private final Duration retryAfter;

    public ModelUnavailableException(String message, Duration retryAfter, Throwable cause) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    @Override
    public Duration retryAfter() {
        return retryAfter;
    }
}
