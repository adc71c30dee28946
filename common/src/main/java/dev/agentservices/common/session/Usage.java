package dev.agentservices.common.session;

/** What a run consumed, when the pod reports it. */
public record Usage(long inputTokens, long outputTokens, double costUsd) {
}
