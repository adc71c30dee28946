package dev.agentservices.common.session;

/** NATS refused or failed a session read or write; the caller retries or dead-letters the message. */
public final class SessionStoreException extends RuntimeException {

    public SessionStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
