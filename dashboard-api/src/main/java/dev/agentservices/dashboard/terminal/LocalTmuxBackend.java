package dev.agentservices.dashboard.terminal;

import dev.agentservices.common.process.ShortCommand;
import dev.agentservices.common.session.Session;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Local mode: attaches to the local launcher's tmux session of a run. Java has no pseudo-terminal of its
 * own, so {@code script} (util-linux) gives {@code tmux attach} one; a resize sets the size of that
 * terminal with {@code stty}, which makes tmux redraw.
 */
final class LocalTmuxBackend implements TerminalBackend {

    private static final Pattern TMUX_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private final String socket;

    LocalTmuxBackend(String socket) {
        this.socket = socket;
    }

    @Override
    public Terminal attach(Session session, int columns, int rows, Terminal.Listener listener) {
        String name = session.podName();
        if (name != null && !TMUX_NAME.matcher(name).matches()) {
            // the name goes into a shell command line below; the worker's names never need more than this
            throw new TerminalUnavailableException("Session " + session.id() + " has a run name this terminal will not use", null);
        }
        if (name == null || run(List.of("tmux", "-L", socket, "has-session", "-t", "=" + name)) != 0) {
            throw new TerminalUnavailableException("Session " + session.id() + " has no running terminal", null);
        }
        String attach = "stty cols " + columns + " rows " + rows + " && exec tmux -L " + socket + " attach -t '=" + name + "'";
        ProcessBuilder builder = new ProcessBuilder("script", "-q", "-f", "-e", "-c", attach, "/dev/null")
                .redirectErrorStream(true);
        builder.environment().put("TERM", "xterm-256color");
        try {
            Process process = builder.start();
            OutputPump pump = new OutputPump(listener);
            pump.start("terminal-" + name, process.getInputStream(), "The session's terminal ended");
            return new LocalTerminal(process, pump);
        } catch (IOException e) {
            throw new TerminalUnavailableException("Could not start tmux attach: " + e.getMessage(), e);
        }
    }

    private static int run(List<String> command) {
        return ShortCommand.run(command, Duration.ofSeconds(10));
    }

    private static final class LocalTerminal implements Terminal {
        private final Process process;
        private final OutputPump pump;
        private final OutputStream input;

        LocalTerminal(Process process, OutputPump pump) {
            this.process = process;
            this.pump = pump;
            this.input = process.getOutputStream();
        }

        @Override
        public synchronized void write(byte[] bytes) {
            try {
                input.write(bytes);
                input.flush();
            } catch (IOException e) {
                pump.end("The session's terminal ended");
            }
        }

        @Override
        public void resize(int columns, int rows) {
            // the terminal script made is the standard input of its child, the shell that became tmux
            process.children().findFirst().ifPresent(child -> {
                try {
                    Path tty = Files.readSymbolicLink(Path.of("/proc", Long.toString(child.pid()), "fd", "0"));
                    run(List.of("stty", "-F", tty.toString(), "cols", Integer.toString(columns), "rows", Integer.toString(rows)));
                } catch (IOException e) {
                    // the attach is ending; nothing to resize
                }
            });
        }

        @Override
        public void close() {
            pump.end("Detached");
            process.destroy();
        }
    }
}
