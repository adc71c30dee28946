package dev.agentservices.common.agent;

/** An agent whose configuration cannot work; the message names the key to set. */
public final class AgentConfigurationException extends RuntimeException {

    public AgentConfigurationException(String message) {
        super(message);
    }
}
