package dev.agentservices.common.session;

import java.time.Instant;

/**
 * A user's command for a session, published by the dashboard on
 * {@code control.{agent}.{sessionId}.{command}} and applied by the worker.
 *
 * @param command   {@code create}, {@code pause}, {@code resume}, {@code terminate}, {@code message} or
 *                  {@code delete}
 * @param text      the message, for {@code message}; the first prompt, for {@code create}
 * @param commandId unique per command; the {@code Nats-Msg-Id} is {@link #dedupId()}
 * @param create    what a new session is made of, for {@code create} only
 */
public record ControlCommand(int v, String sessionId, String command, String text, String requestedBy,
        Instant requestedAt, String commandId, NewSession create) {

    public static final int VERSION = 1;
    public static final String CREATE = "create";
    public static final String PAUSE = "pause";
    public static final String RESUME = "resume";
    public static final String TERMINATE = "terminate";
    public static final String MESSAGE = "message";
    public static final String DELETE = "delete";

    public String dedupId() {
        return "control:" + commandId;
    }

    /** A session started from the dashboard: its agent, team, title and standing instructions. */
    public record NewSession(String agent, String team, String title, String instructions) {
    }
}
