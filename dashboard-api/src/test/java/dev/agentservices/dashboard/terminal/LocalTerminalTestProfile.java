package dev.agentservices.dashboard.terminal;

import dev.agentservices.dashboard.DashboardTestProfile;
import java.util.HashMap;
import java.util.Map;

/** The dashboard in local mode: the terminal attaches to tmux sessions on this machine. */
public class LocalTerminalTestProfile extends DashboardTestProfile {

    public static final String TMUX_SOCKET = "agent-services-dashboard-test";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new HashMap<>(super.getConfigOverrides());
        config.put("dashboard.terminal.mode", "local");
        config.put("dashboard.terminal.tmux-socket", TMUX_SOCKET);
        config.put("dashboard.terminal.allowed-origins", "https://dashboard.example.com");
        return config;
    }
}
