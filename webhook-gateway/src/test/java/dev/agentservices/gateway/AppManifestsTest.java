package dev.agentservices.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.gateway.http.WebhookEndpoint;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The Slack and GitHub app manifests point at the gateway's own endpoints and subscribe to the events it
 * handles, with the least rights the worker uses (and every right it uses).
 */
class AppManifestsTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void theSlackAppSendsItsEventsAndClicksToTheGatewayWithTheScopesTheWorkerUses() throws Exception {
        String manifest = Files.readString(ROOT.resolve("deploy/slack/app-manifest.yaml"));
        assertTrue(manifest.contains("request_url: https://hooks.agents.example.com" + WebhookEndpoint.SLACK_EVENTS + "\n"), manifest);
        assertTrue(manifest.contains("request_url: https://hooks.agents.example.com" + WebhookEndpoint.SLACK_INTERACTIVITY + "\n"),
                manifest);
        assertEquals(Set.of("app_mention", "message.channels", "message.groups"), listUnder(manifest, "bot_events:"));
        assertEquals(Set.of("app_mentions:read", "channels:history", "groups:history", "chat:write", "reactions:write", "files:read"),
                listUnder(manifest, "bot:"));
    }

    @Test
    void theGithubAppSendsIssueCommentsToTheGatewayWithTheLeastPermissionsTheWorkUses() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(ROOT.resolve("deploy/github/app-manifest.json").toFile());
        assertEquals("https://hooks.agents.example.com" + WebhookEndpoint.GITHUB, manifest.at("/hook_attributes/url").asText());
        assertTrue(manifest.at("/hook_attributes/active").asBoolean());
        assertEquals("[\"issue_comment\"]", manifest.path("default_events").toString());
        Map<String, String> permissions = new TreeMap<>();
        manifest.path("default_permissions").fields().forEachRemaining(field -> permissions.put(field.getKey(), field.getValue().asText()));
        assertEquals(Map.of("metadata", "read", "issues", "write", "pull_requests", "write", "contents", "write"), permissions);
        assertEquals(false, manifest.path("public").asBoolean(true), "an agent's App is installed by its organisation only");
    }

    /** The items of the YAML list under the line ending with {@code key}. */
    private static Set<String> listUnder(String yaml, String key) {
        Set<String> items = new TreeSet<>();
        boolean in = false;
        for (String line : yaml.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.equals(key)) {
                in = true;
            } else if (in && trimmed.startsWith("- ")) {
                items.add(trimmed.substring(2).strip());
            } else if (in && !trimmed.startsWith("#") && !trimmed.isEmpty()) {
                break;
            }
        }
        return items;
    }
}
