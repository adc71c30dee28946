package dev.agentservices.gateway.jira;

import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The fields of a Jira webhook that the gateway classifies on. */
@RegisterForReflection
public record JiraWebhookPayload(String webhookEvent, Issue issue, Changelog changelog, Comment comment) {

    @RegisterForReflection
    public record Issue(String key, Fields fields) {
    }

    @RegisterForReflection
    public record Fields(User assignee) {
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
    public record Comment(String id, User author) {
    }
}
