package dev.agentservices.common.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.{run}.progress} while a turn runs: how many steps the
 * agent took so far and the latest one in a line. One per count of steps (its dedup id), so a report sent twice
 * is applied once; the worker keeps the report with the most steps.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunProgress(int v, String sessionId, int run, int turn, int steps, String step) {

    public static final int VERSION = 1;

    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":" + turn + ":progress:" + steps;
    }
}
