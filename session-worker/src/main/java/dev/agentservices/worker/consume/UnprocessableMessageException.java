package dev.agentservices.worker.consume;

/**
 * A message that no later delivery can make right (its subject and body disagree, its body is not JSON
 * of the contract): dead-lettered at the first delivery instead of after all of them.
 */
public class UnprocessableMessageException extends RuntimeException {

    public UnprocessableMessageException(String message) {
        super(message);
    }

    public UnprocessableMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
