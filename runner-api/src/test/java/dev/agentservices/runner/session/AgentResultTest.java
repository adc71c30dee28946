package dev.agentservices.runner.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Claude Code's JSON result as the reply shows it. */
class AgentResultTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void toolUsesThePermissionModeRefusedAreSaidInTheAnswer() {
        AgentResult result = AgentResult.parse(JSON, "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,"
                + "\"result\":\"I could not write the file.\",\"permission_denials\":[{\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\","
                + "\"tool_input\":{\"command\":\"echo hi > f1.txt\"}},{\"tool_name\":\"Bash\",\"tool_use_id\":\"t2\"},"
                + "{\"tool_name\":\"Write\",\"tool_use_id\":\"t3\"}]}").orElseThrow();

        assertEquals(List.of("Bash", "Bash", "Write"), result.deniedTools());
        assertTrue(result.answer().startsWith("I could not write the file.\n\n(The agent was refused 3 tool uses by its "
                + "permission mode: Bash, Write."), result.answer());
    }

    @Test
    void anAnswerWithNothingRefusedIsTheResultAlone() {
        AgentResult result = AgentResult.parse(JSON, "{\"type\":\"result\",\"result\":\"Done.\",\"permission_denials\":[]}")
                .orElseThrow();
        assertEquals("Done.", result.answer());
    }
}
