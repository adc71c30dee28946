package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * One content block of a model conversation, in the Anthropic Messages API's own shape, so the stored
 * history is sent as it is: {@code text}, {@code tool_use} (id, name, input) or {@code tool_result}
 * (tool_use_id, content, is_error).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelBlock(String type, String text, String id, String name, Map<String, Object> input,
        @JsonProperty("tool_use_id") String toolUseId, String content, @JsonProperty("is_error") Boolean isError) {

    public static final String TEXT = "text";
    public static final String TOOL_USE = "tool_use";
    public static final String TOOL_RESULT = "tool_result";

    public static ModelBlock text(String text) {
        return new ModelBlock(TEXT, text, null, null, null, null, null, null);
    }

    public static ModelBlock toolUse(String id, String name, Map<String, Object> input) {
        return new ModelBlock(TOOL_USE, null, id, name, input == null ? Map.of() : input, null, null, null);
    }

    public static ModelBlock toolResult(String toolUseId, String content, boolean error) {
        return new ModelBlock(TOOL_RESULT, null, null, null, null, toolUseId, content, error ? Boolean.TRUE : null);
    }

    /** A tool use's string input, or null. */
    public String inputText(String field) {
        Object value = input == null ? null : input.get(field);
        return value == null ? null : String.valueOf(value);
    }

    /** This block with its text (or a tool result's content) cut to {@code limit} characters. */
    ModelBlock cut(int limit) {
        return new ModelBlock(type, Session.cut(text, limit), id, name, input, toolUseId, Session.cut(content, limit), isError);
    }
}
