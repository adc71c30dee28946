package dev.agentservices.common.http;

/**
 * The one JSON error shape of every service: a stable machine-readable {@code error} code and a
 * {@code message} telling the caller what to fix.
 */
public record ErrorBody(String error, String message) {

    /** The {@code error} code for a 4xx the REST layer answers by itself (an unknown path, a method, a media type). */
    public static String codeOf(int status) {
        return switch (status) {
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 406 -> "not_acceptable";
            case 415 -> "unsupported_media_type";
            default -> "bad_request";
        };
    }
}
