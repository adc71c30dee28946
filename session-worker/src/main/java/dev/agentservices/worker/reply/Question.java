package dev.agentservices.worker.reply;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A question with its answers to choose from: Block Kit buttons in Slack (a static select past
 * {@link #BUTTONS_MAX} answers), a list to answer in a comment elsewhere. A click comes back through the
 * interactivity flow as "Ana chose *Yes* (action `ask_0`)", the agent's answer.
 */
public record Question(String text, List<String> options) {

    public static final int BUTTONS_MAX = 5;
    /** Slack's limits: 100 options in a select, 75 characters in an option's text, 3,000 in a section. */
    static final int OPTIONS_MAX = 100;
    static final int OPTION_TEXT_MAX = 75;
    static final int SECTION_TEXT_MAX = 3_000;

    public Question {
        options = options == null ? List.of() : options.stream().filter(option -> option != null && !option.isBlank())
                .map(String::strip).distinct().limit(OPTIONS_MAX).toList();
    }

    /** The Block Kit blocks of the question: a section with its text, then buttons or a select. */
    List<Map<String, Object>> blocks() {
        List<Map<String, Object>> blocks = new ArrayList<>();
        blocks.add(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", cut(ReplyPoster.withoutBroadcasts(text), SECTION_TEXT_MAX))));
        if (options.isEmpty()) {
            return blocks;
        }
        List<Object> elements = new ArrayList<>();
        if (options.size() <= BUTTONS_MAX) {
            for (int i = 0; i < options.size(); i++) {
                elements.add(Map.of("type", "button", "action_id", "ask_" + i, "value", cut(options.get(i), 2_000),
                        "text", plain(options.get(i))));
            }
        } else {
            List<Object> choices = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                choices.add(Map.of("text", plain(options.get(i)), "value", "option_" + i));
            }
            elements.add(Map.of("type", "static_select", "action_id", "ask_select", "placeholder", plain("Choose an answer"),
                    "options", choices));
        }
        Map<String, Object> actions = new LinkedHashMap<>();
        actions.put("type", "actions");
        actions.put("elements", elements);
        blocks.add(actions);
        return blocks;
    }

    /** The question as plain text, for places without buttons (GitHub, Jira) and for Slack's notification text. */
    public String asText() {
        if (options.isEmpty()) {
            return text;
        }
        StringBuilder all = new StringBuilder(text).append("\n\nAnswer with one of:");
        options.forEach(option -> all.append("\n• ").append(option));
        return all.toString();
    }

    private static Map<String, Object> plain(String text) {
        return Map.of("type", "plain_text", "text", cut(text, OPTION_TEXT_MAX));
    }

    private static String cut(String text, int limit) {
        return text.length() <= limit ? text : text.substring(0, limit - 1) + "…";
    }
}
