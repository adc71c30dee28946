package dev.agentservices.common.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.testing.TestConfig;
import io.smallrye.config.SmallRyeConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentRegistryTest {

    @Test
    void seedVariablesConfigureTheDefaultAgentUnprefixedAndOthersPrefixed() {
        AgentRegistry registry = registryFromEnvironment(Map.of(
                "SLACK_SIGNING_SECRET", "buck-slack",
                "GITHUB_WEBHOOK_SECRET", "gh-secret",
                "JIRA_WEBHOOK_SECRET", "buck-jira", "JIRA_ACCOUNT_ID", "acc-buck",
                "DOLLY_JIRA_WEBHOOK_SECRET", "dolly-jira", "DOLLY_JIRA_ACCOUNT_ID", "acc-dolly",
                "PEARL_JIRA_WEBHOOK_SECRET", "pearl-jira", "PEARL_JIRA_ACCOUNT_ID", "acc-pearl"), Map.of());

        Agent buck = registry.byName("buck").orElseThrow();
        assertTrue(buck.slack().orElseThrow().signingSecret().matches("buck-slack"));
        assertEquals("bucky", buck.github().orElseThrow().handle());
        assertEquals("acc-buck", buck.jira().orElseThrow().accountId());
        assertTrue(registry.byName("dolly").orElseThrow().jira().orElseThrow().webhookSecret().matches("dolly-jira"));
        assertTrue(registry.byName("pearl").orElseThrow().jira().orElseThrow().webhookSecret().matches("pearl-jira"));
        assertFalse(registry.byName("dolly").orElseThrow().slack().isPresent());
        assertEquals(List.of("buck", "dolly", "pearl"),
                registry.withSource(Agent::jira).stream().map(s -> s.agent().name()).toList());
    }

    @Test
    void allowListsLeftOpenAreNamedWithTheVariableThatClosesThem() {
        AgentRegistry registry = registryFromEnvironment(Map.of(
                "SLACK_SIGNING_SECRET", "buck-slack", "GITHUB_WEBHOOK_SECRET", "gh-secret",
                "DOLLY_GITHUB_WEBHOOK_SECRET", "dolly-gh", "DOLLY_GITHUB_ALLOWED_ORGANIZATIONS", "acme",
                "DOLLY_SLACK_SIGNING_SECRET", "dolly-slack", "DOLLY_SLACK_ALLOWED_TEAMS", "T0ACME"), Map.of());

        assertEquals(List.of("agent buck takes GitHub events from any organization and installation: set GITHUB_ALLOWED_ORGANIZATIONS "
                + "(or GITHUB_ALLOWED_INSTALLATIONS)", "agent buck takes Slack events from any workspace: set SLACK_ALLOWED_TEAMS"),
                registry.openAllowLists());
    }

    @Test
    void agentWithoutAnySettingsIsNotRegistered() {
        AgentRegistry registry = registryFromEnvironment(Map.of("SLACK_SIGNING_SECRET", "s"), Map.of());
        assertTrue(registry.byName("dolly").isEmpty());
        assertEquals(1, registry.all().size());
    }

    @Test
    void agentsListedByPropertyReadTheirPrefixedVariables() {
        AgentRegistry registry = registryFromEnvironment(Map.of("ROSIE_GITHUB_WEBHOOK_SECRET", "r"),
                Map.of("agent-registry.names", "buck,rosie"));
        assertEquals("rosie", registry.byName("rosie").orElseThrow().github().orElseThrow().handle());
    }

    @Test
    void enabledSourceWithoutSecretStopsStartUpNamingTheKey() {
        AgentConfigurationException e = assertThrows(AgentConfigurationException.class,
                () -> registryFromEnvironment(Map.of("DOLLY_JIRA_ACCOUNT_ID", "acc-dolly"), Map.of()));
        assertTrue(e.getMessage().contains("agents.dolly.jira.webhook-secret"), e.getMessage());
        assertTrue(e.getMessage().contains("DOLLY_JIRA_WEBHOOK_SECRET"), e.getMessage());
    }

    @Test
    void explicitlyEnabledSlackWithoutSigningSecretStopsStartUp() {
        AgentConfigurationException e = assertThrows(AgentConfigurationException.class,
                () -> registryFromEnvironment(Map.of(), Map.of("agents.buck.slack.enabled", "true")));
        assertTrue(e.getMessage().contains("agents.buck.slack.signing-secret"), e.getMessage());
        assertTrue(e.getMessage().contains("SLACK_SIGNING_SECRET"), e.getMessage());
    }

    @Test
    void jiraWithoutAccountIdStopsStartUpNamingTheKey() {
        AgentConfigurationException e = assertThrows(AgentConfigurationException.class,
                () -> registryFromEnvironment(Map.of("JIRA_WEBHOOK_SECRET", "j"), Map.of()));
        assertTrue(e.getMessage().contains("agents.buck.jira.account-id"), e.getMessage());
    }

    @Test
    void disabledSourceNeedsNoSecret() {
        AgentRegistry registry = registryFromEnvironment(Map.of("JIRA_ACCOUNT_ID", "a", "SLACK_SIGNING_SECRET", "s"),
                Map.of("agents.buck.jira.enabled", "false"));
        assertTrue(registry.byName("buck").orElseThrow().jira().isEmpty());
    }

    static AgentRegistry registryFromEnvironment(Map<String, String> environment, Map<String, String> properties) {
        SmallRyeConfig config = TestConfig.build(properties, List.of(new AgentEnvironmentConfigSourceFactory(environment)),
                AgentsConfig.class, AgentRegistryConfig.class);
        return new AgentRegistry(config.getConfigMapping(AgentsConfig.class), config.getConfigMapping(AgentRegistryConfig.class));
    }

    @Test
    void agentNameThatCannotBeASubjectTokenStopsStartUp() {
        AgentConfigurationException e = assertThrows(AgentConfigurationException.class,
                () -> registryFromEnvironment(Map.of(), Map.of("agents.\"Big.Bot\".slack.signing-secret", "s")));
        assertTrue(e.getMessage().contains("Big.Bot"), e.getMessage());
    }
}
