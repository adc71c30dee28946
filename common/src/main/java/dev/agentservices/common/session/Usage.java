package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a turn consumed, as the runner reports it (Claude Code's JSON result: {@code usage} and
 * {@code total_cost_usd}); a session's usage is the sum over its turns.
 *
 * @param cacheCreationTokens input tokens written to the prompt cache
 * @param cacheReadTokens     input tokens read from the prompt cache
 * @param durationMs          how long the agent worked on the turn
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Usage(long inputTokens, long outputTokens, long cacheCreationTokens, long cacheReadTokens, double costUsd,
        long durationMs) {

    public static final Usage NONE = new Usage(0, 0, 0, 0, 0, 0);

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
