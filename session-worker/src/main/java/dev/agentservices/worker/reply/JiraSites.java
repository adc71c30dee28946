package dev.agentservices.worker.reply;

import dev.agentservices.common.agent.Agent;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The Jira REST client of an agent's site ({@code jira.api-url} when set, else the agent's {@code JIRA_BASE_URL}), one
 * per base URL, with the agent's Basic authorization ({@code JIRA_EMAIL}, {@code JIRA_API_TOKEN}).
 */
@Singleton
public class JiraSites {

    /** A Jira client for the agent's site with its Basic authorization. */
    public record Site(JiraApi client, String authorization) {
    }

    private final Optional<String> jiraApiUrl;
    private final Map<String, JiraApi> clients = new ConcurrentHashMap<>();

    public JiraSites(@ConfigProperty(name = "jira.api-url") Optional<String> jiraApiUrl) {
        this.jiraApiUrl = jiraApiUrl;
    }

    /** The agent's site, or empty when the agent has no Jira base URL, e-mail or API token. */
    public Optional<Site> of(Agent agent) {
        Agent.JiraAccount jira = agent.jira().orElse(null);
        String baseUrl = jiraApiUrl.or(() -> jira == null ? Optional.empty() : jira.baseUrl()).orElse(null);
        if (jira == null || jira.email().isEmpty() || jira.apiToken().isEmpty() || baseUrl == null) {
            return Optional.empty();
        }
        String credentials = jira.email().get() + ":" + jira.apiToken().get().reveal();
        String authorization = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        return Optional.of(new Site(clients.computeIfAbsent(baseUrl,
                url -> QuarkusRestClientBuilder.newBuilder().baseUri(URI.create(url)).build(JiraApi.class)), authorization));
    }
}
