package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * One message of a session's model conversation: {@code user} (what happened: people's messages, run
 * outcomes, tool results) or {@code assistant} (the model's answer).
 *
 * @param call the model call this message belongs to: a user message is that call's input, an assistant
 *             message its answer
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ModelMessage(String role, List<ModelBlock> content, int call) {

    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public ModelMessage {
        content = content == null ? List.of() : List.copyOf(content);
    }

    /** The tool uses of an assistant message, in order. */
    public List<ModelBlock> toolUses() {
        return content.stream().filter(block -> ModelBlock.TOOL_USE.equals(block.type())).toList();
    }
}
