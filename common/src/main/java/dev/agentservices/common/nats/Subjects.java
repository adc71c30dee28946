package dev.agentservices.common.nats;

import dev.agentservices.common.model.WebhookSource;

/**
 * The subjects of the NATS contract, built in one place so that producers and consumers cannot drift:
 * {@code webhooks.{agent}.{source}}, {@code runner.{agent}.{sessionId}.{outcome}},
 * {@code control.{agent}.{sessionId}.{command}}, {@code deadletter.>} and {@code history.{agent}.{sessionId}}.
 */
public final class Subjects {

    public static final String WEBHOOKS_ALL = "webhooks.>";
    public static final String RUNNER_ALL = "runner.>";
    public static final String CONTROL_ALL = "control.>";
    public static final String DEADLETTER_ALL = "deadletter.>";
    public static final String HISTORY_ALL = "history.>";

    /**
     * Header naming the session a message is about, where the publisher knows it: consumers apply
     * messages of different sessions in parallel and those of one session in order.
     */
    public static final String SESSION_KEY_HEADER = "Agent-Services-Session-Key";

    private Subjects() {
    }

    public static String webhook(String agent, WebhookSource source) {
        return "webhooks." + token(agent) + "." + source.subjectToken();
    }

    /** All webhooks of one agent, e.g. for a consumer filter. */
    public static String webhooksOf(String agent) {
        return "webhooks." + token(agent) + ".>";
    }

    /** {@code runner.{agent}.{sessionId}.{run}.{kind}}: what a run reported, with the run it came from. */
    public static String runner(String agent, String sessionId, int run, String kind) {
        if (run <= 0) {
            throw new IllegalArgumentException("a run counts from 1, not " + run);
        }
        return "runner." + token(agent) + "." + token(sessionId) + "." + run + "." + token(kind);
    }

    /**
     * The parts of a subject on {@code runner.>}; {@code run} is 0 for the older four-token form
     * {@code runner.{agent}.{sessionId}.{kind}}, which names no run.
     */
    public record RunnerSubject(String agent, String sessionId, int run, String kind) {
    }

    /** Reads a {@code runner.>} subject; empty when it is not one this contract writes. */
    public static java.util.Optional<RunnerSubject> parseRunner(String subject) {
        String[] tokens = subject.split("\\.", -1);
        if (tokens.length == 5 && tokens[0].equals("runner") && tokens[3].matches("[1-9][0-9]{0,8}")) {
            return java.util.Optional.of(new RunnerSubject(tokens[1], tokens[2], Integer.parseInt(tokens[3]), tokens[4]));
        }
        if (tokens.length == 4 && tokens[0].equals("runner")) {
            return java.util.Optional.of(new RunnerSubject(tokens[1], tokens[2], 0, tokens[3]));
        }
        return java.util.Optional.empty();
    }

    public static String control(String agent, String sessionId, String command) {
        return "control." + token(agent) + "." + token(sessionId) + "." + token(command);
    }

    /** {@code history.{agent}.{sessionId}}: a change of a live session record, for the history's projector. */
    public static String history(String agent, String sessionId) {
        return "history." + token(agent) + "." + token(sessionId);
    }

    /** Where a message from {@code originalSubject} goes once it exhausted its deliveries. */
    public static String deadletter(String originalSubject) {
        return "deadletter." + originalSubject;
    }

    /**
     * {@code value} when it is a token of letters, digits, {@code _} and {@code -}: a token may not contain separators
     * or wildcards, and agent names and session ids never need them. A loop, not a regular expression: every publish
     * checks its tokens.
     */
    static String token(String value) {
        boolean valid = value != null && !value.isEmpty();
        for (int i = 0; valid && i < value.length(); i++) {
            char c = value.charAt(i);
            valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        }
        if (!valid) {
            throw new IllegalArgumentException("not a valid subject token: '" + value + "'");
        }
        return value;
    }
}
