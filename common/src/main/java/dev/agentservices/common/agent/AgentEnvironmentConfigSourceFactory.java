package dev.agentservices.common.agent;

import io.smallrye.config.ConfigSourceContext;
import io.smallrye.config.ConfigSourceFactory;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.common.MapBackedConfigSource;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Maps the seed's environment variables onto {@code agents.<name>.*}: the default agent reads
 * {@code SLACK_SIGNING_SECRET}, {@code JIRA_WEBHOOK_SECRET}, ...; every other agent the same names
 * prefixed with its name in upper case ({@code DOLLY_JIRA_WEBHOOK_SECRET}).
 */
public final class AgentEnvironmentConfigSourceFactory implements ConfigSourceFactory {

    static final String DEFAULT_NAMES = "buck,dolly,pearl";
    static final String DEFAULT_AGENT = "buck";

    /** Just below the environment's own ordinal, so an explicit {@code AGENTS_BUCK_...} still wins. */
    private static final int ORDINAL = 295;

    /** Environment variable suffix → property below {@code agents.<name>.}. */
    static final Map<String, String> VARIABLES = Map.ofEntries(
            Map.entry("SLACK_SIGNING_SECRET", "slack.signing-secret"),
            Map.entry("SLACK_BOT_TOKEN", "slack.bot-token"),
            Map.entry("SLACK_APP_ID", "slack.app-id"),
            Map.entry("SLACK_BOT_USER_ID", "slack.bot-user-id"),
            Map.entry("SLACK_ALLOWED_TEAMS", "slack.allowed-teams"),
            Map.entry("SLACK_ALLOW_SHARED_CHANNELS", "slack.allow-shared-channels"),
            Map.entry("JIRA_WEBHOOK_SECRET", "jira.webhook-secret"),
            Map.entry("JIRA_ACCOUNT_ID", "jira.account-id"),
            Map.entry("JIRA_BASE_URL", "jira.base-url"),
            Map.entry("JIRA_EMAIL", "jira.email"),
            Map.entry("JIRA_API_TOKEN", "jira.api-token"),
            Map.entry("GITHUB_WEBHOOK_SECRET", "github.webhook-secret"),
            Map.entry("GITHUB_TOKEN", "github.token"),
            Map.entry("GITHUB_APP_ID", "github.app-id"),
            Map.entry("GITHUB_APP_PRIVATE_KEY", "github.app-private-key"),
            Map.entry("GITHUB_HANDLE", "github.handle"),
            Map.entry("GITHUB_ALLOWED_ASSOCIATIONS", "github.allowed-associations"),
            Map.entry("GITHUB_ALLOWED_ORGANIZATIONS", "github.allowed-organizations"),
            Map.entry("GITHUB_ALLOWED_INSTALLATIONS", "github.allowed-installations"),
            Map.entry("RUNNER_MODE", "runner.mode"),
            Map.entry("RUNNER_ENV_SECRET", "runner.env-secret"),
            Map.entry("RUNNER_PERMISSION_MODE", "runner.permission-mode"),
            Map.entry("RUNNER_ALLOWED_TOOLS", "runner.allowed-tools"),
            Map.entry("RUNNER_DISALLOWED_TOOLS", "runner.disallowed-tools"),
            Map.entry("DEFAULT_REPOSITORY", "runner.default-repository"),
            Map.entry("ANTHROPIC_API_KEY", "model.api-key"),
            Map.entry("ANTHROPIC_BASE_URL", "model.base-url"),
            Map.entry("ANTHROPIC_MODEL", "model.name"),
            Map.entry("AGENT_SYSTEM_PROMPT", "model.system-prompt"),
            Map.entry("DEFAULT_TEAM", "default-team"));

    private final Map<String, String> environment;

    public AgentEnvironmentConfigSourceFactory() {
        this(System.getenv());
    }

    AgentEnvironmentConfigSourceFactory(Map<String, String> environment) {
        this.environment = environment;
    }

    @Override
    public Iterable<ConfigSource> getConfigSources(ConfigSourceContext context) {
        String defaultAgent = valueOr(context.getValue("agent-registry.default-agent"), DEFAULT_AGENT);
        List<String> names = List.of(valueOr(context.getValue("agent-registry.names"), DEFAULT_NAMES).split(","));
        return List.of(new MapBackedConfigSource("agent environment variables", properties(names, defaultAgent), ORDINAL) {
        });
    }

    Map<String, String> properties(List<String> names, String defaultAgent) {
        Map<String, String> properties = new HashMap<>();
        for (String rawName : names) {
            String name = rawName.trim();
            if (name.isEmpty()) {
                continue;
            }
            String prefix = name.equals(defaultAgent) ? "" : environmentPrefix(name);
            VARIABLES.forEach((suffix, property) -> {
                String value = environment.get(prefix + suffix);
                if (value != null && !value.isEmpty()) {
                    properties.put("agents." + name + "." + property, value);
                }
            });
        }
        return properties;
    }

    /** {@code dolly} → {@code DOLLY_}; characters that cannot stand in a variable name become {@code _}. */
    static String environmentPrefix(String agentName) {
        return agentName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_";
    }

    private static String valueOr(ConfigValue value, String fallback) {
        return value == null || value.getValue() == null || value.getValue().isBlank() ? fallback : value.getValue();
    }

    @Override
    public OptionalInt getPriority() {
        return OptionalInt.of(ORDINAL);
    }
}
