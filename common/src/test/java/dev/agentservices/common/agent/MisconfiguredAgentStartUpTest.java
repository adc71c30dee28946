package dev.agentservices.common.agent;

import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.Tag;

/**
 * A real application start with an agent that enables Jira without its secret must not come up.
 * {@link AgentRegistryTest} checks that the message names the missing key.
 */
@Tag("component")
class MisconfiguredAgentStartUpTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = new QuarkusUnitTest()
            .withApplicationRoot(jar -> jar.addPackages(false, "dev.agentservices.common.agent",
                    "dev.agentservices.common.nats", "dev.agentservices.common.signature", "dev.agentservices.common.model",
                    "dev.agentservices.common.trace"))
            .overrideConfigKey("agents.dolly.jira.account-id", "712020:dolly")
            .overrideConfigKey("nats.url", "nats://127.0.0.1:9")
            .setExpectedException(AgentConfigurationException.class, true);

    @Test
    void startUpFails() {
        Assertions.fail("the application must not start");
    }
}
