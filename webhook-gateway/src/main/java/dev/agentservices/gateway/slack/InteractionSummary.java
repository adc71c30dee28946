package dev.agentservices.gateway.slack;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A Block Kit action as one line a person (and the agent) reads: "Ana chose *Deploy to staging* (action
 * `approve`)", from the action's type: a button's text or value, a select's chosen option, user,
 * conversation or channel, a date picker's date.
 */
final class InteractionSummary {

    private InteractionSummary() {
    }

    static String of(JsonNode user, JsonNode action) {
        String who = firstText(user.path("name"), user.path("username"), user.path("id"));
        String chosen = switch (action.path("type").asText()) {
            case "static_select", "external_select", "users_select", "conversations_select", "channels_select" ->
                    firstText(action.path("selected_option").path("text").path("text"), action.path("selected_option").path("value"),
                            action.path("selected_user"), action.path("selected_conversation"), action.path("selected_channel"));
            case "datepicker" -> action.path("selected_date").asText();
            default -> firstText(action.path("text").path("text"), action.path("value"));
        };
        return who + " chose *" + chosen + "* (action `" + action.path("action_id").asText() + "`)";
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return "?";
    }
}
