package dev.agentservices.worker.consume;

import java.time.Duration;

/** A failure that names how long to wait before the next attempt (a {@code retry-after}); zero when it does not. */
public interface RetryLater {

    Duration retryAfter();
}
