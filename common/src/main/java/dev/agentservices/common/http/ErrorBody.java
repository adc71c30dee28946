package dev.agentservices.common.http;

/**
 * The one JSON error shape of every service: a stable machine-readable {@code error} code and a
 * {@code message} telling the caller what to fix.
 */
public record ErrorBody(String error, String message) {
}
