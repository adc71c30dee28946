package dev.agentservices.gateway.http;

import dev.agentservices.common.signature.SignatureException;

/**
 * A webhook refused before anything was published: the HTTP status, a stable error code (also the
 * metric's reason) and a message that tells the sender what to fix.
 */
public final class WebhookRejection extends RuntimeException {

    private final int status;
    private final String error;

    public WebhookRejection(int status, String error, String message) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static WebhookRejection badRequest(String error, String message) {
        return new WebhookRejection(400, error, message);
    }

    public static WebhookRejection unauthorized(String error, String message) {
        return new WebhookRejection(401, error, message);
    }

    public static WebhookRejection of(SignatureException e) {
        return unauthorized(e.reason().code(), e.getMessage());
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }
}
