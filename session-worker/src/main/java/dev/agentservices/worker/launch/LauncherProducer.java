package dev.agentservices.worker.launch;

import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.session.SessionRepository;
import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Chooses the launcher named by {@code SESSION_LAUNCHER}; the Kubernetes one comes with its pod watcher. */
public class LauncherProducer {

    private PodStatusWatcher watcher;

    @Produces
    @Singleton
    SessionLauncher launcher(LauncherConfig config, RunnerConfig runner, Instance<KubernetesClient> kubernetes,
            SessionRepository store, @ConfigProperty(name = "sessions.namespace", defaultValue = "agent-sessions") String namespace) {
        return switch (config.launcher()) {
            case "local" -> {
                RunEnvFile.lines(config.local().runEnvFile()); // a file that cannot be read stops start-up, not each launch
                yield new LocalLauncher(config.local(), runner, config.idleTimeout(), config.gitUrl());
            }
            case "kubernetes" -> {
                watcher = new PodStatusWatcher(kubernetes.get(), namespace, store);
                yield new KubernetesLauncher(kubernetes.get(), watcher::pods, config.kubernetes(), runner, namespace,
                        config.idleTimeout(), config.gitUrl());
            }
            default -> throw new IllegalStateException(
                    "SESSION_LAUNCHER must be kubernetes or local, not '" + config.launcher() + "'");
        };
    }

    void close(@Disposes SessionLauncher launcher) {
        if (watcher != null) {
            watcher.close();
        }
    }
}
