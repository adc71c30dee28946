package dev.agentservices.dashboard.terminal;

/** One attached terminal: keystrokes in, a size, and a way to detach. Output goes to its {@link Listener}. */
public interface Terminal extends AutoCloseable {

    void write(byte[] input);

    void resize(int columns, int rows);

    /** Detaches; the tmux session (and the agent in it) goes on. */
    @Override
    void close();

    /** What the terminal says: its output, and once, why it ended. */
    interface Listener {
        void output(byte[] bytes);

        void closed(String reason);
    }
}
