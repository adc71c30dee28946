package dev.agentservices.runner.session;

import java.util.ArrayList;
import java.util.List;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.session.Usage;
import java.util.Optional;

/**
 * Claude Code's {@code --output-format json} result, when that is what the agent printed: one JSON object
 * with {@code "type":"result"}, the answer in {@code result}, {@code is_error},
 * {@code usage} (input, output, cache creation and cache read tokens), {@code session_id},
 * {@code num_turns} and {@code duration_ms}. The reply is then {@code result}, never the raw JSON. Its
 * {@code total_cost_usd} is not read: the worker prices the tokens.
 */
public record AgentResult(String result, boolean error, String subtype, Usage usage, String sessionId, int numTurns,
        List<String> deniedTools, boolean plausibleUsage) {

    /** More tokens than any one turn uses: a report that claims them is not believed. */
    public static final long MAX_TOKENS = 1_000_000_000L;

    /** Whether every count is a count a turn can have: 0 to {@link #MAX_TOKENS}. */
    public static boolean plausible(long... counts) {
        for (long count : counts) {
            if (count < 0 || count > MAX_TOKENS) {
                return false;
            }
        }
        return true;
    }

    /**
     * The answer as the reply shows it: {@code result}, and when the CLI refused tool uses
     * ({@code permission_denials}: its permission mode did not allow them) a line saying which, since the
     * agent's own words may not tell that nothing was changed.
     */
    public String answer() {
        if (deniedTools.isEmpty()) {
            return result;
        }
        return result + "\n\n(The agent was refused " + deniedTools.size() + (deniedTools.size() == 1 ? " tool use" : " tool uses")
                + " by its permission mode: " + String.join(", ", new java.util.LinkedHashSet<>(deniedTools))
                + ". The agent's or team's permission settings decide what a run may do.)";
    }

    /** Reads {@code output} (the whole of it, or its last non-empty line) as a result object; empty when it is none. */
    public static Optional<AgentResult> parse(ObjectMapper mapper, String output) {
        if (output == null || output.isBlank()) {
            return Optional.empty();
        }
        String trimmed = output.strip();
        Optional<AgentResult> whole = read(mapper, trimmed);
        if (whole.isPresent()) {
            return whole;
        }
        int lastLine = trimmed.lastIndexOf('\n');
        return lastLine < 0 ? Optional.empty() : read(mapper, trimmed.substring(lastLine + 1).strip());
    }

    private static List<String> deniedTools(JsonNode denials) {
        List<String> tools = new ArrayList<>();
        for (JsonNode denial : denials) {
            tools.add(denial.path("tool_name").asText("a tool"));
        }
        return List.copyOf(tools);
    }

    private static Optional<AgentResult> read(ObjectMapper mapper, String json) {
        if (!json.startsWith("{") || !json.endsWith("}")) {
            return Optional.empty();
        }
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || !node.isObject() || !"result".equals(node.path("type").asText())
                    || !(node.has("result") || node.has("is_error"))) {
                return Optional.empty();
            }
            JsonNode usage = node.path("usage");
            long[] tokens = {usage.path("input_tokens").asLong(0), usage.path("output_tokens").asLong(0),
                usage.path("cache_creation_input_tokens").asLong(0), usage.path("cache_read_input_tokens").asLong(0)};
            // the cost it reports is not taken: the worker prices the tokens
            Usage used = new Usage(tokens[0], tokens[1], tokens[2], tokens[3], 0, node.path("duration_ms").asLong(0));
            return Optional.of(new AgentResult(node.path("result").asText(""), node.path("is_error").asBoolean(false),
                    node.path("subtype").asText(null), used, node.hasNonNull("session_id") ? node.path("session_id").asText() : null,
                    node.path("num_turns").asInt(0), deniedTools(node.path("permission_denials")), plausible(tokens)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
