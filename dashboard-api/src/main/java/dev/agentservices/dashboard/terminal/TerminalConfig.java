package dev.agentservices.dashboard.terminal;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.util.List;
import java.util.Optional;

/** Where the terminal attaches: session pods through Kubernetes exec, or the local launcher's tmux. */
@ConfigMapping(prefix = "dashboard.terminal")
public interface TerminalConfig {

    /**
     * Origins allowed to open the terminal from a browser, besides the dashboard's own (cross-site
     * WebSocket hijacking: the terminal is a remote shell). Requests without {@code Origin} (not a browser)
     * are let through to authentication.
     */
    Optional<List<String>> allowedOrigins();

    /** {@code kubernetes} (exec into the session pod) or {@code local} (tmux on this machine); as the worker's. */
    @WithName("mode")
    @WithDefault("${session.launcher:kubernetes}")
    String mode();

    /** The namespace of session pods ({@code SESSIONS_NAMESPACE}, as the worker's). */
    @WithDefault("${sessions.namespace:agent-sessions}")
    String namespace();

    /** The session pod's container and the tmux session the reference runner starts in it. */
    @WithDefault("runner")
    String container();

    @WithDefault("runner")
    String podTmuxSession();

    /** The local launcher's tmux server ({@code tmux -L}), as the worker's {@code session.local.tmux-socket}. */
    @WithDefault("${session.local.tmux-socket:agent-services}")
    String tmuxSocket();

    /** The terminal size before the browser sends its own. */
    @WithDefault("120")
    int columns();

    @WithDefault("40")
    int rows();
}
