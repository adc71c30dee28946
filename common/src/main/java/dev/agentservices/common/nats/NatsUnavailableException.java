package dev.agentservices.common.nats;

/** JetStream did not acknowledge a publish: nothing was stored, and the caller must say so and let the sender retry. */
public final class NatsUnavailableException extends RuntimeException {

    public NatsUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
