package dev.agentservices.common.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A short local command whose exit code is all that matters (tmux, stty): output discarded, killed
 * after a timeout. Used by the worker's local launcher and the dashboard's local terminal.
 */
public final class ShortCommand {

    private ShortCommand() {
    }

    /** The exit code, or -1 when it did not finish in time or the thread was interrupted. */
    public static int run(List<String> command, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new UncheckedIOException(command.get(0) + " could not be started; is it installed?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
