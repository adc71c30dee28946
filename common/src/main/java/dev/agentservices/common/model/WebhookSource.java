package dev.agentservices.common.model;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a webhook came from; the last token of its {@code webhooks.{agent}.{source}} subject. */
public enum WebhookSource {
    SLACK("slack"),
    INTERACTIVITY("interactivity"),
    JIRA("jira"),
    GITHUB("github");

    private final String token;

    WebhookSource(String token) {
        this.token = token;
    }

    @JsonValue
    public String subjectToken() {
        return token;
    }
}
