package dev.agentservices.gateway.http;

import java.util.Map;

/** The gateway's webhook paths and the source each one receives, for metrics of refused requests. */
public final class WebhookEndpoint {

    public static final String SLACK_EVENTS = "/webhooks/slack/events";
    public static final String SLACK_INTERACTIVITY = "/webhooks/slack/interactivity";
    public static final String JIRA = "/webhooks/jira";
    public static final String GITHUB = "/webhooks/github";

    private static final Map<String, String> SOURCES = Map.of(
            SLACK_EVENTS, "slack", SLACK_INTERACTIVITY, "interactivity", JIRA, "jira", GITHUB, "github");

    private WebhookEndpoint() {
    }

    public static String sourceOf(String path) {
        String normalized = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return SOURCES.getOrDefault(normalized, "unknown");
    }

    public static boolean isWebhook(String path) {
        return path.startsWith("/webhooks/");
    }
}
