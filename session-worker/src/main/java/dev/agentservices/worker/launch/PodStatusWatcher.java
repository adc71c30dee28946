package dev.agentservices.worker.launch;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Watches the session pods (an informer on the managed-by label) and writes their progress into the
 * session of their run: {@code Pending} → PENDING and {@code Running} → RUNNING while a turn is in
 * progress. Pods that failed, stopped or vanished are left to {@code RunReconciler}, which waits for the
 * runner's own report (a pause, the end of its idle window) before it calls a run failed. The informer's
 * copy of the pods is also what the reconciler looks at while its watch is up ({@link #pods()}).
 */
public final class PodStatusWatcher implements ResourceEventHandler<Pod>, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PodStatusWatcher.class);
    private static final Map<String, SessionStatus> PHASES = Map.of("Pending", SessionStatus.PENDING,
            "Running", SessionStatus.RUNNING, "Succeeded", SessionStatus.SUCCEEDED, "Failed", SessionStatus.FAILED);

    private final SessionRepository store;
    private final SharedIndexInformer<Pod> informer;

    public PodStatusWatcher(KubernetesClient client, String namespace, SessionRepository store) {
        this.store = store;
        this.informer = client.pods().inNamespace(namespace)
                .withLabel(KubernetesLauncher.MANAGED_BY, KubernetesLauncher.MANAGER)
                .runnableInformer(0);
        informer.addEventHandler(this);
        // keep retrying while the API server cannot be reached, rather than failing the worker's start-up
        informer.exceptionHandler((started, failure) -> {
            LOG.warnf("Watching session pods in %s failed (%s); retrying", namespace, failure.getMessage());
            return true;
        });
        informer.start();
    }

    @Override
    public void onAdd(Pod pod) {
        apply(pod);
    }

    @Override
    public void onUpdate(Pod before, Pod pod) {
        apply(pod);
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
        // a deleted pod says nothing new: terminate or the end of a run put the session where it is
    }

    void apply(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        String sessionId = labels.get(KubernetesLauncher.SESSION_LABEL);
        SessionStatus status = pod.getStatus() == null ? null : PHASES.get(pod.getStatus().getPhase());
        if (sessionId == null || status == null) {
            return;
        }
        int run = Integer.parseInt(labels.getOrDefault(KubernetesLauncher.RUN_LABEL, "0"));
        String podName = pod.getMetadata().getName();
        try {
            store.update(sessionId, current -> changed(current, run, status, podName));
        } catch (RuntimeException e) {
            LOG.warnf("Could not record pod %s as %s: %s", podName, status, e.getMessage());
        }
    }

    private static Session changed(Session current, int run, SessionStatus status, String podName) {
        if (current.run() != run || current.runEnded() || !current.turnInProgress()) {
            return current;
        }
        boolean progress = status == SessionStatus.PENDING || status == SessionStatus.RUNNING;
        return progress && (current.status() != status || !podName.equals(current.podName()))
                ? current.withStatus(status, podName, Instant.now()) : current;
    }

    /**
     * The session pods as the informer knows them, while it has listed them and its watch is up; empty
     * otherwise (then only a list from the API server says what runs).
     */
    public Optional<List<Pod>> pods() {
        return informer.hasSynced() && informer.isWatching() ? Optional.of(informer.getStore().list()) : Optional.empty();
    }

    @Override
    public void close() {
        informer.close();
    }
}
