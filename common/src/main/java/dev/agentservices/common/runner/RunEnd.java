package dev.agentservices.common.runner;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.end} when a run's process stops after
 * its idle window: the last turn it took and where it saved its state. A turn given to the run after
 * that ({@code lastTurn} below the session's turn) goes to a new run. {@code stateError}: why the state could not be
 * saved (no state key then).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunEnd(int v, String sessionId, int run, int lastTurn, String stateKey, String stateError) {

    public static final int VERSION = 1;

    public RunEnd(int v, String sessionId, int run, int lastTurn, String stateKey) {
        this(v, sessionId, run, lastTurn, stateKey, null);
    }

    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":end";
    }
}
