package dev.agentservices.runner.session;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Coverage-guided fuzzing (Jazzer) of the reading of an agent's output as Claude Code's JSON result: any
 * text is either such a result or not one, never an exception (the output is the pod's, so anyone's).
 */
class AgentResultFuzzTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @FuzzTest(maxDuration = "10s")
    void anyOutputIsAResultOrNot(String output) {
        AgentResult.parse(MAPPER, output).ifPresent(result -> {
            result.result();
            result.usage();
        });
    }
}
