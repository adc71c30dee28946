package dev.agentservices.runner.http;

/** A request the runner API refuses: status, stable error code and what the caller should do. */
public final class RunnerApiException extends RuntimeException {

    private final int status;
    private final String error;

    public RunnerApiException(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
