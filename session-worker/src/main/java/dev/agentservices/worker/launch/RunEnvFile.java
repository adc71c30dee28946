package dev.agentservices.worker.launch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code SESSION_LOCAL_RUN_ENV_FILE}: {@code NAME=value} lines for every local run's environment (blank lines,
 * {@code #} comments and a leading {@code export} allowed; a value may be in single or double quotes). A line
 * that is none of these stops the launch with its line number, never its text, since it may hold a key.
 */
final class RunEnvFile {

    private RunEnvFile() {
    }

    /** The file's variables as lines of the run's env file ({@code NAME='value'}); none when no file is named. */
    static List<String> lines(Optional<Path> file) {
        if (file.isEmpty()) {
            return List.of();
        }
        List<String> read;
        try {
            read = Files.readAllLines(file.get(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("SESSION_LOCAL_RUN_ENV_FILE names " + file.get() + ", which cannot be read: "
                    + e.getClass().getSimpleName());
        }
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            String line = read.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int equals = line.indexOf('=');
            String name = equals <= 0 ? "" : line.substring(0, equals);
            if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                throw new IllegalStateException("Line " + (i + 1) + " of SESSION_LOCAL_RUN_ENV_FILE (" + file.get()
                        + ") is not NAME=value");
            }
            lines.add(name + "=" + LocalLauncher.quote(unquote(line.substring(equals + 1))));
        }
        return List.copyOf(lines);
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }
}
