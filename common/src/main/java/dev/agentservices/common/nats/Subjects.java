package dev.agentservices.common.nats;

import dev.agentservices.common.model.WebhookSource;
import java.util.regex.Pattern;

/**
 * The subjects of the NATS contract, built in one place so that producers and consumers cannot drift:
 * {@code webhooks.{agent}.{source}}, {@code runner.{agent}.{sessionId}.{outcome}},
 * {@code control.{agent}.{sessionId}.{command}} and {@code deadletter.>}.
 */
public final class Subjects {

    public static final String WEBHOOKS_ALL = "webhooks.>";
    public static final String RUNNER_ALL = "runner.>";
    public static final String CONTROL_ALL = "control.>";
    public static final String DEADLETTER_ALL = "deadletter.>";

    /**
     * Header naming the session a message is about, where the publisher knows it: consumers apply
     * messages of different sessions in parallel and those of one session in order.
     */
    public static final String SESSION_KEY_HEADER = "Agent-Services-Session-Key";

    /** A token may not contain separators or wildcards, and agent names and session ids never need them. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]+");

    private Subjects() {
    }

    public static String webhook(String agent, WebhookSource source) {
        return "webhooks." + token(agent) + "." + source.subjectToken();
    }

    /** All webhooks of one agent, e.g. for a consumer filter. */
    public static String webhooksOf(String agent) {
        return "webhooks." + token(agent) + ".>";
    }

    public static String runner(String agent, String sessionId, String outcome) {
        return "runner." + token(agent) + "." + token(sessionId) + "." + token(outcome);
    }

    public static String control(String agent, String sessionId, String command) {
        return "control." + token(agent) + "." + token(sessionId) + "." + token(command);
    }

    /** Where a message from {@code originalSubject} goes once it exhausted its deliveries. */
    public static String deadletter(String originalSubject) {
        return "deadletter." + originalSubject;
    }

    static String token(String value) {
        if (value == null || !TOKEN.matcher(value).matches()) {
            throw new IllegalArgumentException("not a valid subject token: '" + value + "'");
        }
        return value;
    }
}
