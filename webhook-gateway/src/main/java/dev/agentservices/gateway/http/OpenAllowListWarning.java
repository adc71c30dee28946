package dev.agentservices.gateway.http;

import dev.agentservices.common.agent.AgentRegistry;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/**
 * Says at start-up, as a warning each, which agents take events from any GitHub organization or installation or any
 * Slack workspace: open is the default, so an operator who meant to limit them sees it in the first lines of the log.
 */
@Singleton
public class OpenAllowListWarning {

    private static final Logger LOG = Logger.getLogger(OpenAllowListWarning.class);

    void warn(@Observes StartupEvent event, AgentRegistry registry) {
        registry.openAllowLists().forEach(line -> LOG.warnf("Open to anyone: %s", line));
    }
}
