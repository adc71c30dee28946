package dev.agentservices.worker.launch;

import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    static final String CONTAINER = "runner";
    static final String TOKEN_KEY = "RUNNER_TOKEN";
    static final String GITHUB_TOKEN_KEY = "GITHUB_TOKEN";
    /** The runner's home and work folder: its files, the agent's session files, the state it saves. */
    static final String HOME = "/home/runner";
    private static final String HOME_VOLUME = "home";
    private static final String TMP_VOLUME = "tmp";
    private static final int CONFLICT = 409;
    /** Sets each run's Secret's owner after the launch (one patch each, in the order the pods were requested). */
    private static final java.util.concurrent.ExecutorService OWNERS = java.util.concurrent.Executors.newFixedThreadPool(2, runnable -> {
        Thread thread = new Thread(runnable, "secret-owner");
        thread.setDaemon(true);
        return thread;
    });
    private static final long PAUSE_GRACE_SECONDS = 120;
    /** A pod name or uid as Kubernetes writes them (lower-case letters, digits, dashes): safe inside JSON text. */
    private static final java.util.regex.Pattern KUBERNETES_NAME = java.util.regex.Pattern.compile("[a-z0-9][a-z0-9.-]*");

    private static final Logger LOG = Logger.getLogger(KubernetesLauncher.class);

    private final KubernetesClient client;
    private final LauncherConfig.Kubernetes config;
    private final RunnerConfig runner;
    private final String namespace;
    private final java.time.Duration idleTimeout;

    public KubernetesLauncher(KubernetesClient client, LauncherConfig.Kubernetes config, RunnerConfig runner, String namespace,
            java.time.Duration idleTimeout) {
        this.client = client;
        this.idleTimeout = idleTimeout;
        this.config = config;
        this.runner = runner;
        this.namespace = namespace;
    }

    @Override
    public Launched launch(Session session, RunOptions options) {
        String name = SessionLauncher.podName(session);
        Map<String, String> labels = labels(session);
        Secret secret = new SecretBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withType("Opaque")
                .withStringData(secretData(options))
                .build();
        createIfAbsent(() -> client.secrets().inNamespace(namespace).resource(secret).create());
        Pod created;
        try {
            created = client.pods().inNamespace(namespace).resource(pod(session, name, labels, options)).create();
        } catch (KubernetesClientException e) {
            if (e.getCode() != CONFLICT) {
                throw e;
            }
            // launched before (a redelivery after a crash): the pod is there already
            created = client.pods().inNamespace(namespace).withName(name).get();
        }
        Pod pod = created;
        // off the launch's path: the pod is requested, the message can be acknowledged; removeFinished and
        // terminate delete the Secret by name anyway, the owner only makes Kubernetes do it too
        OWNERS.execute(() -> {
            try {
                ownSecretByPod(name, pod);
            } catch (RuntimeException e) {
                LOG.warnf("Could not make pod %s/%s the owner of its Secret: %s", namespace, name, e.toString());
            }
        });
        LOG.infof("Requested pod %s/%s for run %d of session %s", namespace, name, session.run(), session.id());
        return new Launched(name, SessionStatus.PENDING);
    }

    Pod pod(Session session, String name, Map<String, String> labels, RunOptions options) {
        List<EnvVar> env = new ArrayList<>(List.of(
                new EnvVar("SESSION_ID", session.id(), null),
                new EnvVar("RUNNER_API_URL", runner.apiUrl().orElseThrow(
                        () -> new IllegalStateException("RUNNER_API_URL is not set; session pods could not reach the runner API")), null),
                new EnvVarBuilder().withName(TOKEN_KEY).withNewValueFrom().withNewSecretKeyRef(TOKEN_KEY, name, false)
                        .endValueFrom().build(),
                new EnvVar("RUNNER_MODE", options.mode(), null),
                new EnvVar("HOME", HOME, null),
                new EnvVar("RUNNER_WORK_DIR", HOME, null),
                new EnvVar("RUNNER_IDLE_TIMEOUT", Long.toString(idleTimeout.toSeconds()), null)));
        config.agentCommand().ifPresent(command -> env.add(new EnvVar("AGENT_COMMAND", command, null)));
        if (options.traceparent() != null) {
            env.add(new EnvVar("TRACEPARENT", options.traceparent(), null));
        }
        if (options.githubToken() != null) {
            env.add(new EnvVarBuilder().withName(GITHUB_TOKEN_KEY).withNewValueFrom().withNewSecretKeyRef(GITHUB_TOKEN_KEY, name, false)
                    .endValueFrom().build());
        }
        long user = config.runAsUser();
        return new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).withLabels(labels).endMetadata()
                .withNewSpec()
                .withRestartPolicy("Never")
                .withActiveDeadlineSeconds(config.activeDeadline().toSeconds())
                .withServiceAccountName(config.serviceAccount().orElse(null))
                .withAutomountServiceAccountToken(false)
                .withEnableServiceLinks(false)
                // PodSecurity "restricted": a numeric non-root user, no privilege escalation, no capabilities,
                // the runtime's seccomp profile, and a read-only image with writable scratch folders only
                .withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(user).withRunAsGroup(user).withFsGroup(user)
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolume().withName(HOME_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity(config.homeSizeLimit()))
                .endEmptyDir().endVolume()
                .addNewVolume().withName(TMP_VOLUME).withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir().endVolume()
                .addNewContainer()
                .withName(CONTAINER)
                .withImage(options.image() != null ? options.image() : runner.image())
                .withEnv(env)
                .withNewResources()
                .withRequests(Map.of("cpu", new Quantity(config.cpuRequest()), "memory", new Quantity(config.memoryRequest()),
                        "ephemeral-storage", new Quantity(config.ephemeralStorageRequest())))
                .withLimits(Map.of("cpu", new Quantity(config.cpuLimit()), "memory", new Quantity(config.memoryLimit()),
                        "ephemeral-storage", new Quantity(config.ephemeralStorageLimit())))
                .endResources()
                .withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withPrivileged(false).withRunAsNonRoot(true).withRunAsUser(user)
                .withRunAsGroup(user).withReadOnlyRootFilesystem(true)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .endSecurityContext()
                .addNewVolumeMount().withName(HOME_VOLUME).withMountPath(HOME).endVolumeMount()
                .addNewVolumeMount().withName(TMP_VOLUME).withMountPath("/tmp").endVolumeMount()
                .endContainer()
                .endSpec()
                .build();
    }

    /** The run's Secret: its pod token, and the GitHub token of its repository when it has one. */
    private static Map<String, String> secretData(RunOptions options) {
        return options.githubToken() == null ? Map.of(TOKEN_KEY, options.podToken())
                : Map.of(TOKEN_KEY, options.podToken(), GITHUB_TOKEN_KEY, options.githubToken());
    }

    /**
     * The Secret belongs to its pod: Kubernetes removes it with the pod, whoever deletes the pod. One merge
     * patch with the uid the pod's creation answered (no read of the pod or the Secret first), written as
     * text: the typed patch first copies the whole Secret through JSON, which cost more than the call.
     */
    private void ownSecretByPod(String name, Pod pod) {
        String uid = pod == null || pod.getMetadata() == null ? null : pod.getMetadata().getUid();
        if (uid == null || !KUBERNETES_NAME.matcher(uid).matches() || !KUBERNETES_NAME.matcher(name).matches()) {
            return;
        }
        String patch = "{\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"name\":\"" + name
                + "\",\"uid\":\"" + uid + "\"}]}}";
        client.secrets().inNamespace(namespace).withName(name).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    }

    @Override
    public void removeFinished(java.util.function.Function<String, java.util.Optional<Session>> sessions) {
        java.time.Instant before = java.time.Instant.now().minus(config.finishedPodGrace());
        for (Pod pod : client.pods().inNamespace(namespace).withLabel(MANAGED_BY, MANAGER).list().getItems()) {
            Map<String, String> labels = pod.getMetadata().getLabels();
            int run = Integer.parseInt(labels.getOrDefault(RUN_LABEL, "0"));
            java.util.Optional<Session> session = sessions.apply(labels.get(SESSION_LABEL));
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
        Map<String, Pod> pods = new java.util.HashMap<>();
        client.pods().inNamespace(namespace).withLabel(MANAGED_BY, MANAGER).list().getItems()
                .forEach(pod -> pods.put(pod.getMetadata().getName(), pod));
        Map<String, Gone> gone = new java.util.HashMap<>();
        for (Session session : live) {
            String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
            PodFailures.reason(pods.get(name)).ifPresent(gone1 -> gone.put(session.id(), gone1));
        }
        return gone;
    }

    /** Deleting the pod sends its processes SIGTERM and waits the grace period for the state to be saved. */
    @Override
    public void pause(Session session) {
        String name = session.podName() != null ? session.podName() : SessionLauncher.podName(session);
        client.pods().inNamespace(namespace).withName(name).withGracePeriod(PAUSE_GRACE_SECONDS).delete();
    }

    /**
     * Removes every pod and Secret of the session, of every run: listed by label and deleted one by one, so
     * the worker's Role needs no {@code deletecollection}.
     */
    @Override
    public void terminate(Session session) {
        client.pods().inNamespace(namespace).withLabel(SESSION_LABEL, session.id()).list().getItems()
                .forEach(pod -> client.pods().inNamespace(namespace).withName(pod.getMetadata().getName()).delete());
        client.secrets().inNamespace(namespace).withLabel(SESSION_LABEL, session.id()).list().getItems()
                .forEach(secret -> client.secrets().inNamespace(namespace).withName(secret.getMetadata().getName()).delete());
    }

    static Map<String, String> labels(Session session) {
        return Map.of(MANAGED_BY, MANAGER, AGENT_LABEL, session.agent(), SESSION_LABEL, session.id(),
                RUN_LABEL, Integer.toString(session.run()));
    }

    private static void createIfAbsent(Runnable create) {
        try {
            create.run();
        } catch (KubernetesClientException e) {
            if (e.getCode() != CONFLICT) {
                throw e;
            }
        }
    }
}
