package dev.agentservices.common.agent;

import dev.agentservices.common.agent.AgentsConfig.AgentConfig;
import dev.agentservices.common.agent.AgentsConfig.GithubConfig;
import dev.agentservices.common.agent.AgentsConfig.JiraConfig;
import dev.agentservices.common.agent.AgentsConfig.SlackConfig;
import dev.agentservices.common.signature.Secret;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.function.Function;

/**
 * The agents this deployment answers for, validated once at start-up: an agent that enables a source
 * without the secret it needs stops the service with a message naming the missing key.
 */
@Startup
@Singleton
public class AgentRegistry {

    /** Agent names become NATS subject tokens and session-key prefixes. */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]*");

    private final Map<String, Agent> agents;
    private final String defaultAgent;

    public AgentRegistry(AgentsConfig agentsConfig, AgentRegistryConfig registryConfig) {
        Set<String> names = new LinkedHashSet<>();
        registryConfig.names().stream().map(String::trim).filter(n -> !n.isEmpty()).forEach(names::add);
        names.addAll(new TreeSet<>(agentsConfig.byName().keySet()));
        Map<String, Agent> built = new LinkedHashMap<>();
        for (String name : names) {
            AgentConfig config = agentsConfig.byName().get(name);
            if (config == null) {
                continue;
            }
            if (!NAME.matcher(name).matches()) {
                throw new AgentConfigurationException("Agent name '" + name
                        + "' must be lower-case letters, digits, '-' or '_' (it names NATS subjects and session keys)");
            }
            Agent agent = new Agent(name,
                    slack(name, config.slack(), registryConfig.defaultAgent()),
                    jira(name, config.jira(), registryConfig.defaultAgent()),
                    github(name, config.github(), registryConfig.defaultAgent()));
            if (agent.slack().isPresent() || agent.jira().isPresent() || agent.github().isPresent()) {
                built.put(name, agent);
            }
        }
        this.agents = Collections.unmodifiableMap(built);
        this.defaultAgent = registryConfig.defaultAgent();
    }

    /** All agents with at least one source, in configuration order. */
    public List<Agent> all() {
        return List.copyOf(agents.values());
    }

    public Optional<Agent> byName(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    /**
     * What each agent lets in from anywhere: a GitHub App without {@code GITHUB_ALLOWED_ORGANIZATIONS} or
     * {@code GITHUB_ALLOWED_INSTALLATIONS}, a Slack app without {@code SLACK_ALLOWED_TEAMS}. One line each, for a
     * warning at start-up: an operator who meant to limit them should not learn otherwise from an incident.
     */
    public List<String> openAllowLists() {
        List<String> open = new ArrayList<>();
        for (Agent agent : agents.values()) {
            agent.github().filter(github -> github.allowedOrganizations().isEmpty() && github.allowedInstallations().isEmpty())
                    .ifPresent(github -> open.add("agent " + agent.name() + " takes GitHub events from any organization and installation: "
                            + "set " + variable(agent, "GITHUB_ALLOWED_ORGANIZATIONS") + " (or " + variable(agent, "GITHUB_ALLOWED_INSTALLATIONS")
                            + ")"));
            agent.slack().filter(slack -> slack.allowedTeams().isEmpty())
                    .ifPresent(slack -> open.add("agent " + agent.name() + " takes Slack events from any workspace: set "
                            + variable(agent, "SLACK_ALLOWED_TEAMS")));
        }
        return open;
    }

    /** The environment variable of {@code name} for {@code agent}: as it is for the default agent, {@code DOLLY_…} else. */
    private String variable(Agent agent, String name) {
        return agent.name().equals(defaultAgent) ? name : agent.name().toUpperCase(java.util.Locale.ROOT) + "_" + name;
    }

    /** The agents that answer on one source, e.g. {@code withSource(Agent::slack)}. */
    public <T> List<AgentSource<T>> withSource(Function<Agent, Optional<T>> source) {
        List<AgentSource<T>> result = new ArrayList<>();
        for (Agent agent : agents.values()) {
            source.apply(agent).ifPresent(settings -> result.add(new AgentSource<>(agent, settings)));
        }
        return result;
    }

    /** An agent together with its settings for one source. */
    public record AgentSource<T>(Agent agent, T settings) {
    }

    private static Optional<Agent.SlackApp> slack(String name, SlackConfig c, String defaultAgent) {
        boolean enabled = c.enabled().orElse(anyPresent(c.signingSecret(), c.botToken(), c.appId(), c.botUserId()));
        if (!enabled) {
            return Optional.empty();
        }
        Secret signingSecret = required(name, "slack", "signing-secret", "SLACK_SIGNING_SECRET", c.signingSecret(), defaultAgent);
        return Optional.of(new Agent.SlackApp(signingSecret, c.botToken().map(Secret::of), c.appId(), c.botUserId(),
                trimmed(c.allowedTeams().orElse(List.of()), false), c.allowSharedChannels()));
    }

    private static Optional<Agent.JiraAccount> jira(String name, JiraConfig c, String defaultAgent) {
        boolean enabled = c.enabled().orElse(anyPresent(c.webhookSecret(), c.accountId(), c.email(), c.apiToken()));
        if (!enabled) {
            return Optional.empty();
        }
        Secret secret = required(name, "jira", "webhook-secret", "JIRA_WEBHOOK_SECRET", c.webhookSecret(), defaultAgent);
        String accountId = requiredValue(name, "jira", "account-id", "JIRA_ACCOUNT_ID", c.accountId(), defaultAgent);
        return Optional.of(new Agent.JiraAccount(secret, accountId, c.baseUrl(), c.email(), c.apiToken().map(Secret::of)));
    }

    private static Optional<Agent.GithubApp> github(String name, GithubConfig c, String defaultAgent) {
        boolean enabled = c.enabled().orElse(anyPresent(c.webhookSecret(), c.token(), c.appId()));
        if (!enabled) {
            return Optional.empty();
        }
        Secret secret = required(name, "github", "webhook-secret", "GITHUB_WEBHOOK_SECRET", c.webhookSecret(), defaultAgent);
        String handle = c.handle().map(h -> h.startsWith("@") ? h.substring(1) : h).orElse(name);
        return Optional.of(new Agent.GithubApp(secret, handle, c.token().map(Secret::of),
                trimmed(c.allowedAssociations(), true), trimmed(c.allowedOrganizations().orElse(List.of()), false)
                        .stream().map(o -> o.toLowerCase(java.util.Locale.ROOT)).collect(java.util.stream.Collectors.toSet()),
                Set.copyOf(c.allowedInstallations().orElse(List.of())), app(name, c, defaultAgent)));
    }

    private static Optional<Agent.AppCredentials> app(String name, GithubConfig c, String defaultAgent) {
        if (c.appId().filter(id -> !id.isBlank()).isEmpty()) {
            return Optional.empty();
        }
        Secret key = required(name, "github", "app-private-key", "GITHUB_APP_PRIVATE_KEY", c.appPrivateKey(), defaultAgent);
        return Optional.of(new Agent.AppCredentials(c.appId().get().trim(), key));
    }

    private static Set<String> trimmed(List<String> values, boolean upperCase) {
        return values.stream().map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> upperCase ? v.toUpperCase(java.util.Locale.ROOT) : v).collect(java.util.stream.Collectors.toSet());
    }

    private static Secret required(String agent, String source, String key, String variable, Optional<String> value,
            String defaultAgent) {
        return Secret.of(requiredValue(agent, source, key, variable, value, defaultAgent));
    }

    private static String requiredValue(String agent, String source, String key, String variable, Optional<String> value,
            String defaultAgent) {
        return value.filter(v -> !v.isBlank()).orElseThrow(() -> {
            String env = agent.equals(defaultAgent) ? variable : AgentEnvironmentConfigSourceFactory.environmentPrefix(agent) + variable;
            return new AgentConfigurationException("Agent '" + agent + "' enables " + source + " but agents." + agent + "."
                    + source + "." + key + " is not set: set " + env + " (or the property), or disable the source with agents."
                    + agent + "." + source + ".enabled=false");
        });
    }

    @SafeVarargs
    private static boolean anyPresent(Optional<String>... values) {
        for (Optional<String> value : values) {
            if (value.filter(v -> !v.isBlank()).isPresent()) {
                return true;
            }
        }
        return false;
    }
}
