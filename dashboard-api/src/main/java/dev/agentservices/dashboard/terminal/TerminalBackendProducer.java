package dev.agentservices.dashboard.terminal;

import io.fabric8.kubernetes.client.KubernetesClient;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** The terminal backend of this deployment's launcher: Kubernetes exec, or local tmux. */
public class TerminalBackendProducer {

    @Produces
    @Singleton
    TerminalBackend backend(TerminalConfig config, Instance<KubernetesClient> kubernetes) {
        return switch (config.mode()) {
            case "local" -> new LocalTmuxBackend(config.tmuxSocket());
            case "kubernetes" -> new KubernetesExecBackend(kubernetes.get(), config);
            default -> throw new IllegalStateException("dashboard.terminal.mode is kubernetes or local, not " + config.mode());
        };
    }
}
