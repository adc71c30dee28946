package dev.agentservices.worker;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/** WireMock in place of the Slack, Jira, GitHub and Anthropic APIs; tests reach it through {@link #server()}. */
public class ThirdPartyApis implements QuarkusTestResourceLifecycleManager {

    private static WireMockServer server;

    public static WireMockServer server() {
        return server;
    }

    @Override
    public Map<String, String> start() {
        server = new WireMockServer(WireMockConfiguration.options().dynamicPort().bindAddress("127.0.0.1"));
        server.start();
        return Map.of("slack.api-url", server.baseUrl() + "/api", "jira.api-url", server.baseUrl() + "/jira",
                "github.api-url", server.baseUrl() + "/github", "attachments.slack-file-origins", server.baseUrl(),
                "attachments.max-size", "1M", "agents.molly.model.base-url", server.baseUrl() + "/anthropic");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop();
        }
    }
}
