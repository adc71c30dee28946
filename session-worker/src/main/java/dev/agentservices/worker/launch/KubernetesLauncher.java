package dev.agentservices.worker.launch;

import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Runs each session run as a pod in {@code SESSIONS_NAMESPACE}: a Secret holding the pod JWT and a pod of
 * the runner image with the session id, the runner API URL and the token from the Secret, labelled with
 * agent, session and run, {@code restartPolicy: Never} and an active deadline. Creating what already
 * exists is not an error, so a repeated launch is harmless. {@link PodStatusWatcher} writes the pod's
 * phase into the session.
 */
public class KubernetesLauncher implements SessionLauncher {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "agent-services";
    static final String AGENT_LABEL = "agent-services.dev/agent";
    static final String SESSION_LABEL = "agent-services.dev/session-id";
    static final String RUN_LABEL = "agent-services.dev/run";
    /** The session's team, when it has one that is a valid label value: the chart's per-team egress policies select it. */
    static final String TEAM_LABEL = "agent-services.dev/team";
    private static final java.util.regex.Pattern LABEL_VALUE = java.util.regex.Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?");
    private static final long PAUSE_GRACE_SECONDS = 120;

    private static final Logger LOG = Logger.getLogger(KubernetesLauncher.class);

    private final KubernetesClient client;
    /** The pod watcher's copy of the session pods, while its watch is up. */
    private final Supplier<Optional<List<Pod>>> watchedPods;
    private final SessionsNamespaceApi api;
    private final RunManifests manifests;
    private final LauncherConfig.Kubernetes config;
    private final String namespace;

    public KubernetesLauncher(KubernetesClient client, Supplier<Optional<List<Pod>>> watchedPods, LauncherConfig.Kubernetes config,
            RunnerConfig runner, String namespace, java.time.Duration idleTimeout, String gitUrl) {
        this.client = client;
        this.watchedPods = watchedPods;
        this.api = new SessionsNamespaceApi(client, namespace);
        this.manifests = new RunManifests(client.getKubernetesSerialization(), config, runner, namespace, idleTimeout, gitUrl);
        this.config = config;
        this.namespace = namespace;
    }

    @Override
    public Launched launch(Session session, RunOptions options) {
        String name = SessionLauncher.podName(session);
        Map<String, String> labels = labels(session);
        api.create("secrets", manifests.secret(name, labels, options), false);
        api.create("pods", manifests.pod(session, name, labels, options), true);
        // no owner reference: that would take a patch right on every Secret of the namespace, the operators' model
        // credentials among them; removeFinished and terminate delete the run's Secret by its name instead
        LOG.infof("Requested pod %s/%s for run %d of session %s", namespace, name, session.run(), session.id());
        return new Launched(name, SessionStatus.PENDING);
    }

    @Override
    public void removeFinished(java.util.function.Function<String, Optional<Session>> sessions) {
        java.time.Instant before = java.time.Instant.now().minus(config.finishedPodGrace());
        for (Pod pod : sessionPods()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            int run = Integer.parseInt(labels.getOrDefault(RUN_LABEL, "0"));
            Optional<Session> session = sessions.apply(labels.get(SESSION_LABEL));
            boolean runOver = session.isEmpty() || session.get().run() > run || session.get().runEnded();
            if (runOver && finishedBefore(pod, before)) {
                String name = pod.getMetadata().getName();
                client.pods().inNamespace(namespace).withName(name).delete();
                client.secrets().inNamespace(namespace).withName(name).delete();
                LOG.infof("Removed finished pod %s/%s and its Secret", namespace, name);
            }
        }
    }

    /** Whether the pod's container ended (or the pod never ran) before {@code before}, so its logs had their time. */
    private static boolean finishedBefore(Pod pod, java.time.Instant before) {
        String finished = pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null ? null
                : pod.getStatus().getContainerStatuses().stream()
                        .map(status -> status.getState() == null || status.getState().getTerminated() == null ? null
                                : status.getState().getTerminated().getFinishedAt())
                        .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        String since = finished != null ? finished : pod.getMetadata().getCreationTimestamp();
        return since != null && java.time.Instant.parse(since).isBefore(before);
    }

    @Override
    public Map<String, Gone> goneRuns(java.util.Collection<Session> live) {
        Optional<List<Pod>> copy = watchedPods.get();
        Map<String, Pod> pods = new java.util.HashMap<>();
        copy.orElseGet(this::listSessionPods).forEach(pod -> pods.put(pod.getMetadata().getName(), pod));
        Map<String, Gone> gone = new java.util.HashMap<>();
        for (Session session : live) {
            String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
            Pod pod = pods.get(name);
            if (pod == null && copy.isPresent()) {
                // the watcher's copy can lag behind the API server (a pod created just now, a watch that
                // resumed after a gap): a pod missing from it is asked for before its run is called gone
                pod = client.pods().inNamespace(namespace).withName(name).get();
            }
            PodFailures.reason(pod).ifPresent(gone1 -> gone.put(session.id(), gone1));
        }
        return gone;
    }

    /**
     * Every session pod: the pod watcher's copy while its watch is up (no request, however many pods run),
     * else a list from the API server.
     */
    private List<Pod> sessionPods() {
        return watchedPods.get().orElseGet(this::listSessionPods);
    }

    /** Every session pod, listed from the API server. */
    private List<Pod> listSessionPods() {
        return client.pods().inNamespace(namespace).withLabel(MANAGED_BY, MANAGER).list().getItems();
    }

    /** Deleting the pod sends its processes SIGTERM and waits the grace period for the state to be saved. */
    @Override
    public void pause(Session session) {
        String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(PAUSE_GRACE_SECONDS).delete();
    }

    /**
     * Removes every pod and Secret of the session, of every run: pods listed by label, Secrets by the names the runs
     * gave them (the worker may not read Secrets), each deleted one by one, so the Role needs no
     * {@code deletecollection}.
     */
    @Override
    public void terminate(Session session) {
        client.pods().inNamespace(namespace).withLabel(SESSION_LABEL, session.id()).list().getItems()
                .forEach(pod -> client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete());
        for (int run = 1; run <= Math.max(1, session.run()); run++) {
            client.secrets().inNamespace(namespace).withName(SessionLauncher.podName(session.id(), run)).delete();
        }
    }

    static Map<String, String> labels(Session session) {
        if (session.team() != null && LABEL_VALUE.matcher(session.team()).matches()) {
            return Map.of(MANAGED_BY, MANAGER, AGENT_LABEL, session.agent(), SESSION_LABEL, session.id(),
                    RUN_LABEL, Integer.toString(session.run()), TEAM_LABEL, session.team());
        }
        return Map.of(MANAGED_BY, MANAGER, AGENT_LABEL, session.agent(), SESSION_LABEL, session.id(),
                RUN_LABEL, Integer.toString(session.run()));
    }
}
