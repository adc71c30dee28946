package dev.agentservices.dashboard.terminal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Copies a terminal's output stream to its listener on a thread of its own (the stream blocks), and
 * reports the end once, with the reason given by whoever ends it first.
 */
final class OutputPump {

    private final Terminal.Listener listener;
    private final AtomicBoolean ended = new AtomicBoolean();

    OutputPump(Terminal.Listener listener) {
        this.listener = listener;
    }

    void start(String name, InputStream output, String endReason) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (output) {
                for (int read; (read = output.read(buffer)) >= 0; ) {
                    if (read > 0) {
                        listener.output(Arrays.copyOf(buffer, read));
                    }
                }
            } catch (IOException e) {
                // the stream closed under us: the terminal is ending either way
            }
            end(endReason);
        }, name);
        thread.setDaemon(true);
        thread.start();
    }

    void end(String reason) {
        if (ended.compareAndSet(false, true)) {
            listener.closed(reason);
        }
    }
}
