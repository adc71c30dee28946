package dev.agentservices.common.agent;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** Which agents exist and which one reads the unprefixed environment variables. */
@ConfigMapping(prefix = "agent-registry")
public interface AgentRegistryConfig {

    /** Agent names whose {@code {AGENT}_...} environment variables are read. */
    @WithDefault(AgentEnvironmentConfigSourceFactory.DEFAULT_NAMES)
    List<String> names();

    /** The agent configured by the unprefixed variables ({@code SLACK_SIGNING_SECRET}, ...). */
    @WithDefault(AgentEnvironmentConfigSourceFactory.DEFAULT_AGENT)
    String defaultAgent();
}
