package dev.agentservices.worker;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

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

    /** Forgets earlier stubs and requests; Slack then takes every post and reaction, and its threads hold nothing yet. */
    public static void slackAnswersOk() {
        server.resetAll();
        server.stubFor(post(urlEqualTo("/api/chat.postMessage"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"ts\":\"1.2\"}")));
        server.stubFor(post(urlEqualTo("/api/reactions.add"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true}")));
        server.stubFor(get(urlPathEqualTo("/api/conversations.replies"))
                .willReturn(aResponse().withHeader("Content-Type", "application/json").withBody("{\"ok\":true,\"messages\":[]}")));
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
