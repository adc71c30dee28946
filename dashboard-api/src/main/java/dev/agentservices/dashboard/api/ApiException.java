package dev.agentservices.dashboard.api;

import java.util.Locale;

/**
 * The one error of the dashboard API, whatever the protocol: a code (gRPC's status codes, which Connect
 * shares) and a message that tells the caller what to do. The Connect route maps the code to its HTTP
 * status, the gRPC service to the status of the same name.
 */
public final class ApiException extends RuntimeException {

    /** The codes the API answers with; each protocol names them its own way. */
    public enum Code {
        INVALID_ARGUMENT, FAILED_PRECONDITION, UNAUTHENTICATED, PERMISSION_DENIED, NOT_FOUND, RESOURCE_EXHAUSTED,
        UNAVAILABLE, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL;

        /** The Connect protocol's name: the gRPC name in lower case. */
        public String connectName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final Code code;

    public ApiException(Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    public static ApiException invalidArgument(String message) {
        return new ApiException(Code.INVALID_ARGUMENT, message);
    }

    public static ApiException failedPrecondition(String message) {
        return new ApiException(Code.FAILED_PRECONDITION, message);
    }

    public static ApiException permissionDenied(String message) {
        return new ApiException(Code.PERMISSION_DENIED, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Code.NOT_FOUND, message);
    }

    public static ApiException unavailable(String message) {
        return new ApiException(Code.UNAVAILABLE, message);
    }

    public static ApiException unauthenticated(String message) {
        return new ApiException(Code.UNAUTHENTICATED, message);
    }
}
