package dev.agentservices.dashboard.terminal;

import dev.agentservices.common.session.Session;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.ExecListener;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Attaches to a session pod: Kubernetes exec of {@code tmux attach} in the runner container, with a TTY,
 * so the browser sees the same tmux session (and scrollback) the agent runs in; a reconnect lands in it
 * again. Needs RBAC {@code pods/exec} in the sessions namespace.
 */
final class KubernetesExecBackend implements TerminalBackend {

    private static final Logger LOG = Logger.getLogger(KubernetesExecBackend.class);

    private final KubernetesClient client;
    private final TerminalConfig config;

    KubernetesExecBackend(KubernetesClient client, TerminalConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public Terminal attach(Session session, int columns, int rows, Terminal.Listener listener) {
        String podName = session.podName();
        Pod pod = podName == null ? null : client.pods().inNamespace(config.namespace()).withName(podName).get();
        if (pod == null || pod.getStatus() == null || !"Running".equals(pod.getStatus().getPhase())) {
            throw new TerminalUnavailableException("Session " + session.id() + " has no running pod", null);
        }
        OutputPump pump = new OutputPump(listener);
        try {
            ExecWatch watch = client.pods().inNamespace(config.namespace()).withName(podName).inContainer(config.container())
                    .redirectingInput().redirectingOutput().withTTY()
                    .usingListener(new ExecListener() {
                        @Override
                        public void onFailure(Throwable error, Response response) {
                            LOG.warnf("The exec into pod %s failed (%s): %s", podName, response == null ? "no answer"
                                    : "HTTP " + response.code(), error.toString());
                            pump.end("The exec into the pod failed: " + error.getMessage());
                        }

                        @Override
                        public void onClose(int code, String reason) {
                            // the pump ends when it has read the output to its end, so the last bytes the pod
                            // wrote still reach the browser before the socket closes
                            if (code == 1000) {
                                LOG.debugf("The exec into pod %s closed: %d %s", podName, code, reason);
                            } else {
                                // not the end of tmux attach: the API server or a proxy in between cut it
                                LOG.warnf("The exec into pod %s closed abnormally: %d %s", podName, code, reason);
                            }
                        }
                    })
                    .exec("env", "TERM=xterm-256color", "tmux", "attach", "-t", config.podTmuxSession());
            watch.resize(columns, rows);
            pump.start("terminal-" + podName, watch.getOutput(), "The pod's terminal ended");
            return new ExecTerminal(watch, pump);
        } catch (KubernetesClientException e) {
            throw new TerminalUnavailableException("Could not exec into pod " + podName + ": " + e.getMessage(), e);
        }
    }

    private static final class ExecTerminal implements Terminal {
        private final ExecWatch watch;
        private final OutputPump pump;

        ExecTerminal(ExecWatch watch, OutputPump pump) {
            this.watch = watch;
            this.pump = pump;
        }

        @Override
        public synchronized void write(byte[] bytes) {
            try {
                watch.getInput().write(bytes);
                watch.getInput().flush();
            } catch (IOException e) {
                pump.end("The pod's terminal ended");
            }
        }

        @Override
        public void resize(int columns, int rows) {
            watch.resize(columns, rows);
        }

        @Override
        public void close() {
            pump.end("Detached");
            watch.close();
        }
    }
}
