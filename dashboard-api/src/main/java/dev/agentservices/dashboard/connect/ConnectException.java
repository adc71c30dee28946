package dev.agentservices.dashboard.connect;

import dev.agentservices.dashboard.api.ApiException;

/**
 * A Connect error on the wire: its code (as the Connect protocol names them) decides the HTTP status, and
 * the message tells the caller what to do. The route throws it for what the protocol itself refuses; the
 * API's own errors ({@link ApiException}) become one in {@link ConnectExceptionMapper}.
 */
public final class ConnectException extends RuntimeException {

    private final String code;
    private final int status;

    public ConnectException(String code, String message) {
        this(code, message, statusOf(code));
    }

    /** For the two cases where the protocol fixes the HTTP status apart from the code. */
    ConnectException(String code, String message, int status) {
        super(message, null, false, false);
        this.code = code;
        this.status = status;
    }

    static ConnectException of(ApiException e) {
        return new ConnectException(e.code().connectName(), e.getMessage());
    }

    /** A content type other than JSON or proto: HTTP 415. */
    static ConnectException unsupportedMediaType(String message) {
        return new ConnectException("invalid_argument", message, 415);
    }

    /** A method this service does not declare: HTTP 404 with code {@code unimplemented}. */
    static ConnectException unknownMethod(String message) {
        return new ConnectException("unimplemented", message, 404);
    }

    public String code() {
        return code;
    }

    public int httpStatus() {
        return status;
    }

    /** The HTTP status of a Connect error code, per the Connect protocol. */
    private static int statusOf(String code) {
        return switch (code) {
            case "invalid_argument", "failed_precondition", "out_of_range" -> 400;
            case "unauthenticated" -> 401;
            case "permission_denied" -> 403;
            case "not_found" -> 404;
            case "unimplemented" -> 501;
            case "already_exists", "aborted" -> 409;
            case "resource_exhausted" -> 429;
            case "canceled" -> 499;
            case "unavailable" -> 503;
            case "deadline_exceeded" -> 504;
            default -> 500;
        };
    }
}
