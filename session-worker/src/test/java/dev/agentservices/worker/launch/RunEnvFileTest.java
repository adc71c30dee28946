package dev.agentservices.worker.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** SESSION_LOCAL_RUN_ENV_FILE: the run's credentials, as lines of its env file. */
class RunEnvFileTest {

    @Test
    void readsNameValueLinesCommentsExportsAndQuotes() throws Exception {
        Path file = Files.createTempFile("run-env", ".env");
        Files.writeString(file, "# the model\nexport ANTHROPIC_API_KEY=sk-ant-1\n\nANTHROPIC_BASE_URL=\"http://127.0.0.1:9/\"\n"
                + "QUOTE=\"it's\"\n");

        assertEquals(List.of("ANTHROPIC_API_KEY='sk-ant-1'", "ANTHROPIC_BASE_URL='http://127.0.0.1:9/'", "QUOTE='it'\\''s'"),
                RunEnvFile.lines(Optional.of(file)));
        assertEquals(List.of(), RunEnvFile.lines(Optional.empty()));
    }

    @Test
    void aLineThatIsNotNameValueStopsWithItsNumberAndNeverItsText() throws Exception {
        Path file = Files.createTempFile("run-env", ".env");
        Files.writeString(file, "ANTHROPIC_API_KEY=ok\nsk-ant-secret-on-its-own\n");

        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> RunEnvFile.lines(Optional.of(file)));
        assertTrue(refused.getMessage().startsWith("Line 2 of SESSION_LOCAL_RUN_ENV_FILE"), refused.getMessage());
        assertFalse(refused.getMessage().contains("sk-ant-secret"), refused.getMessage());
    }

    @Test
    void aFileThatCannotBeReadIsNamed() {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RunEnvFile.lines(Optional.of(Path.of("/nonexistent/run.env"))));
        assertTrue(refused.getMessage().contains("/nonexistent/run.env"), refused.getMessage());
    }
}
