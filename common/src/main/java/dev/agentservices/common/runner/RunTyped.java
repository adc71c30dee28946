package dev.agentservices.common.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.{run}.typed} when a person typed a prompt into an
 * interactive run's terminal (attached from the dashboard) after turn {@code after} had ended: the worker makes it the
 * session's next turn, taken by that run, so its answer is posted where the session came from.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunTyped(int v, String sessionId, int run, int after, String text) {

    public static final int VERSION = 1;
    /** Who the record says wrote a typed prompt. */
    public static final String AUTHOR = "terminal";

    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":" + after + ":typed";
    }
}
