package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a turn consumed: the tokens as the runner reports them (Claude Code's JSON result: {@code usage}) and the cost
 * the worker computed from them (never the cost a run reports); a session's usage is the sum over its turns.
 *
 * @param cacheCreationTokens input tokens written to the prompt cache
 * @param cacheReadTokens     input tokens read from the prompt cache
 * @param durationMs          how long the agent worked on the turn
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Usage(long inputTokens, long outputTokens, long cacheCreationTokens, long cacheReadTokens, double costUsd,
        long durationMs) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

    /** No figure of a record is negative (nor NaN): what a report said below zero counts as zero. */
    public Usage {
        inputTokens = Math.max(0, inputTokens);
        outputTokens = Math.max(0, outputTokens);
        cacheCreationTokens = Math.max(0, cacheCreationTokens);
        cacheReadTokens = Math.max(0, cacheReadTokens);
        costUsd = costUsd > 0 && !Double.isInfinite(costUsd) ? costUsd : 0;
        durationMs = Math.max(0, durationMs);
    }

    public Usage(long inputTokens, long outputTokens, double costUsd) {
        this(inputTokens, outputTokens, 0, 0, costUsd, 0);
    }

    public Usage plus(Usage other) {
        if (other == null) {
            return this;
        }
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
                cacheCreationTokens + other.cacheCreationTokens, cacheReadTokens + other.cacheReadTokens,
                costUsd + other.costUsd, durationMs + other.durationMs);
    }
}
