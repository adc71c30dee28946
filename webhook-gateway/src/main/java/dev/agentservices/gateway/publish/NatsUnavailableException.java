package dev.agentservices.gateway.publish;

/** JetStream did not acknowledge a publish: the webhook is not stored and the sender must retry. */
public final class NatsUnavailableException extends RuntimeException {

    public NatsUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
