package dev.agentservices.common.runner;

/**
 * What runner-api publishes on {@code runner.{agent}.{sessionId}.pause} when a pod saved its state:
 * the keys to restore from and the last assistant message.
 */
public record RunPause(int v, String sessionId, int run, String stateKey, String scrollbackKey,
        String lastAssistantMessage) {

    public static final int VERSION = 1;

    public String dedupId() {
        return "runner:" + sessionId + ":" + run + ":pause";
    }
}
