package dev.agentservices.gateway.jira;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The fields of a Jira webhook that the gateway classifies on. */
@RegisterForReflection
public record JiraWebhookPayload(String webhookEvent, Issue issue, Changelog changelog, Comment comment, User user) {

    @RegisterForReflection
    public record Issue(String key, Fields fields) {
    }

    /** {@code description} is a string (REST v2) or an Atlassian document (v3). */
    @RegisterForReflection
    public record Fields(User assignee, String summary, JsonNode description) {
    }

    @RegisterForReflection
    public record User(String accountId) {
    }

    @RegisterForReflection
    public record Changelog(List<Item> items) {
    }

    /** One changed field; for the assignee, {@code to} is the new assignee's account id. */
    @RegisterForReflection
    public record Item(String field, String fieldId, String to) {
    }

    @RegisterForReflection
    public record Comment(String id, User author, JsonNode body) {
    }

    /** The text of a string or of an Atlassian document's text nodes. */
    static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "";
        }
        if (value.isTextual()) {
            return value.asText();
        }
        StringBuilder text = new StringBuilder();
        value.findValues("text").forEach(node -> text.append(node.asText()).append(' '));
        return text.toString().strip();
    }
}
