package dev.agentservices.common.runner;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.pause} when a pod stopped for a pause:
 * the keys to restore from and the last assistant message, or why its state could not be saved ({@code stateError},
 * with no state key: the next run starts from the session's branch as last pushed).
 */
public record RunPause(int v, String sessionId, int run, String stateKey, String scrollbackKey,
        String lastAssistantMessage, String stateError) {

    public static final int VERSION = 1;

    public RunPause(int v, String sessionId, int run, String stateKey, String scrollbackKey, String lastAssistantMessage) {
        this(v, sessionId, run, stateKey, scrollbackKey, lastAssistantMessage, null);
    }

    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":pause";
    }
}
