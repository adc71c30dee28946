package dev.agentservices.worker.launch;

import dev.agentservices.common.runner.RunnerConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Chooses the launcher named by {@code SESSION_LAUNCHER}. */
public class LauncherProducer {

    @Produces
    @Singleton
    SessionLauncher launcher(LauncherConfig config, RunnerConfig runner) {
        return switch (config.launcher()) {
            case "local" -> new LocalLauncher(config.local(), runner);
            case "kubernetes" -> throw new IllegalStateException(
                    "SESSION_LAUNCHER=kubernetes is not available in this build yet; set SESSION_LAUNCHER=local");
            default -> throw new IllegalStateException(
                    "SESSION_LAUNCHER must be kubernetes or local, not '" + config.launcher() + "'");
        };
    }
}
