package dev.agentservices.dashboard.terminal;

import dev.agentservices.common.session.Session;

/** Attaches to the tmux session a session's run lives in. */
public interface TerminalBackend {

    /** @throws TerminalUnavailableException when there is nothing to attach to (no pod, no tmux session) */
    Terminal attach(Session session, int columns, int rows, Terminal.Listener listener);

    /** There is no running terminal to attach to; the message says why. */
    final class TerminalUnavailableException extends RuntimeException {
        public TerminalUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
