package dev.agentservices.common.session;

/**
 * A change would make a session record larger than NATS takes in one message. Trying again cannot help:
 * the message that asked for it goes to the dead letters at once, with this text.
 */
public final class SessionRecordTooLargeException extends RuntimeException {

    public SessionRecordTooLargeException(String id, int bytes, int limit) {
        super("session " + id + " would be " + bytes + " bytes, over the " + limit + " a record may have; the change was not stored");
    }
}
