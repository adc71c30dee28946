package dev.agentservices.gateway.slack;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A Block Kit action as one line a person (and the agent) reads: "Ana chose *Deploy to staging* (action
 * `approve`)". Every interactive element Slack sends in {@code block_actions} has its own field for what
 * was chosen: a button's text, a select's (or radio group's, or overflow menu's) {@code selected_option},
 * the multi-selects' and checkboxes' {@code selected_options}, users/conversations/channels as Slack
 * mentions, the date, time and datetime pickers' values, a text input's {@code value}.
 */
final class InteractionSummary {

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    private InteractionSummary() {
    }

    static String of(JsonNode user, JsonNode action) {
        String who = firstText(user.path("name"), user.path("username"), user.path("id"));
        String actionId = action.path("action_id").asText();
        List<String> chosen = chosen(action);
        if (chosen.isEmpty()) {
            return who + " cleared their choice (action `" + actionId + "`)";
        }
        return who + " chose " + String.join(", ", chosen.stream().map(choice -> "*" + choice + "*").toList())
                + " (action `" + actionId + "`)";
    }

    /** What the action says was chosen, by element type; empty when nothing is (a multi-select emptied). */
    static List<String> chosen(JsonNode action) {
        return switch (action.path("type").asText()) {
            case "static_select", "external_select", "radio_buttons", "overflow" -> option(action.path("selected_option"));
            case "multi_static_select", "multi_external_select", "checkboxes" -> options(action.path("selected_options"));
            case "users_select" -> mentions("@", action.path("selected_user"));
            case "multi_users_select" -> mentions("@", action.path("selected_users"));
            case "conversations_select" -> mentions("#", action.path("selected_conversation"));
            case "multi_conversations_select" -> mentions("#", action.path("selected_conversations"));
            case "channels_select" -> mentions("#", action.path("selected_channel"));
            case "multi_channels_select" -> mentions("#", action.path("selected_channels"));
            case "datepicker" -> texts(action.path("selected_date"));
            case "timepicker" -> texts(action.path("selected_time"));
            case "datetimepicker" -> action.path("selected_date_time").canConvertToLong()
                    ? List.of(DATE_TIME.format(Instant.ofEpochSecond(action.path("selected_date_time").asLong())))
                    : List.of();
            case "plain_text_input", "email_text_input", "url_text_input", "number_input" -> texts(action.path("value"));
            default -> {
                List<String> button = texts(action.path("text").path("text"));
                yield button.isEmpty() ? texts(action.path("value")) : button;
            }
        };
    }

    /** An option's visible text, else its value. */
    private static List<String> option(JsonNode option) {
        if (option.isMissingNode() || option.isNull()) {
            return List.of();
        }
        List<String> text = texts(option.path("text").path("text"));
        return text.isEmpty() ? texts(option.path("value")) : text;
    }

    private static List<String> options(JsonNode options) {
        List<String> all = new ArrayList<>();
        options.forEach(option -> all.addAll(option(option)));
        return all;
    }

    /** User or channel ids as Slack mentions ({@code <@U123>}, {@code <#C123>}), one or an array of them. */
    private static List<String> mentions(String sigil, JsonNode ids) {
        List<String> all = new ArrayList<>();
        if (ids.isArray()) {
            ids.forEach(id -> texts(id).forEach(text -> all.add("<" + sigil + text + ">")));
        } else {
            texts(ids).forEach(text -> all.add("<" + sigil + text + ">"));
        }
        return all;
    }

    private static List<String> texts(JsonNode node) {
        return node.isValueNode() && !node.isNull() && !node.asText().isBlank() ? List.of(node.asText()) : List.of();
    }

    private static String firstText(JsonNode... candidates) {
        for (JsonNode candidate : candidates) {
            if (candidate.isTextual() && !candidate.asText().isBlank()) {
                return candidate.asText();
            }
        }
        return "someone";
    }
}
