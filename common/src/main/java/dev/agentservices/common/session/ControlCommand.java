package dev.agentservices.common.session;

import java.time.Instant;

/**
 * A user's command for a session, published by the dashboard on
 * {@code control.{agent}.{sessionId}.{pause|resume|terminate|message}} and applied by the worker.
 *
 * @param command   {@code pause}, {@code resume}, {@code terminate} or {@code message}
 * @param text      the message, for {@code message}
 * @param commandId unique per command; the {@code Nats-Msg-Id} is {@link #dedupId()}
 */
public record ControlCommand(int v, String sessionId, String command, String text, String requestedBy,
        Instant requestedAt, String commandId) {

    public static final int VERSION = 1;
    public static final String PAUSE = "pause";
    public static final String RESUME = "resume";
    public static final String TERMINATE = "terminate";
    public static final String MESSAGE = "message";

    public String dedupId() {
        return "control:" + commandId;
    }
}
