package dev.agentservices.worker.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.runner.RunnerConfig;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The Kubernetes launcher against fabric8's mock API server in CRUD mode, with a real NATS. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesLauncherTest.Profile.class)
@Tag("component")
class KubernetesLauncherTest {

    static final String NAMESPACE = "agent-sessions-test";

    /** The worker with the Kubernetes launcher. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.ofEntries(
                    Map.entry("agents.buck.slack.signing-secret", "buck-slack-signing-secret"),
                    Map.entry("session.launcher", "kubernetes"),
                    Map.entry("sessions.namespace", NAMESPACE),
                    Map.entry("runner.image", "registry.example.com/agent-runner:1.2.3"),
                    Map.entry("runner.api-url", "http://runner-api.agent-services.svc:8081"),
                    Map.entry("runner.token-secret", "a-test-secret-of-at-least-32-bytes-long"),
                    Map.entry("session.kubernetes.active-deadline", "2h"),
                    Map.entry("worker.reconcile.interval", "300ms"),
                    Map.entry("session.kubernetes.finished-pod-grace", "2s"),
                    Map.entry("agents.buck.runner.env-secret", "buck-model-credentials"),
                    Map.entry("agents.buck.runner.permission-mode", "acceptEdits"),
                    Map.entry("session.kubernetes.egress-proxy", "session-egress.agent-services.svc.cluster.local:3128"),
                    Map.entry("session.kubernetes.egress-team-ports", "registries=3130, other=3131"),
                    Map.entry("session.kubernetes.egress-agent-ports", "buck=3140"));
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NatsTestResource.class), new TestResourceEntry(ThirdPartyApis.class));
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient kubernetes;

    @Inject
    SessionStore store;

    @Inject
    ObjectMapper mapper;

    @Inject
    SessionLauncher launcher;

    @Inject
    TeamStore teams;

    @Inject
    LauncherConfig launcherConfig;

    @Inject
    RunnerConfig runner;

    @Test
    void mentionCreatesTheRunsSecretAndPodAsSpecified() throws Exception {
        Session session = startSession();
        String name = session.podName();

        Pod pod = kubernetes.pods().inNamespace(NAMESPACE).withName(name).get();
        assertEquals(Map.of("app.kubernetes.io/managed-by", "agent-services", "agent-services.dev/agent", "buck",
                "agent-services.dev/session-id", session.id(), "agent-services.dev/run", "1"), pod.getMetadata().getLabels());
        assertEquals("Never", pod.getSpec().getRestartPolicy());
        assertEquals(7200L, pod.getSpec().getActiveDeadlineSeconds());
        Container container = pod.getSpec().getContainers().get(0);
        assertEquals("registry.example.com/agent-runner:1.2.3", container.getImage());
        assertEquals("1Gi", container.getResources().getRequests().get("memory").toString());
        Map<String, EnvVar> env = container.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
        assertEquals(session.id(), env.get("SESSION_ID").getValue());
        assertEquals("http://runner-api.agent-services.svc:8081", env.get("RUNNER_API_URL").getValue());
        assertNull(env.get("RUNNER_TOKEN").getValue(), "the token must come from the Secret, not the pod spec");
        assertEquals(name, env.get("RUNNER_TOKEN").getValueFrom().getSecretKeyRef().getName());
        assertTrue(env.get("TRACEPARENT").getValue().matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]"),
                "the run continues the trace of the message that started it: " + env.get("TRACEPARENT").getValue());
        // the run's model credentials: every key of the agent's Secret, which must exist for the pod to start
        assertEquals(1, container.getEnvFrom().size());
        assertEquals("buck-model-credentials", container.getEnvFrom().get(0).getSecretRef().getName());
        assertEquals(Boolean.FALSE, container.getEnvFrom().get(0).getSecretRef().getOptional());
        assertEquals("acceptEdits", env.get("RUNNER_PERMISSION_MODE").getValue());
        assertEquals("https://github.com", env.get("GITHUB_GIT_URL").getValue());
        // out only through the egress proxy (the agent's own port: the session has no team with one), named by the session
        // for its access log; runner-api directly
        String proxy = "http://" + session.id() + ":run@session-egress.agent-services.svc.cluster.local:3140";
        for (String variable : List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy")) {
            assertEquals(proxy, env.get(variable).getValue(), variable);
        }
        assertTrue(env.get("NO_PROXY").getValue().startsWith("runner-api.agent-services.svc,"), env.get("NO_PROXY").getValue());

        Secret secret = kubernetes.secrets().inNamespace(NAMESPACE).withName(name).get();
        String token = secret.getStringData() != null && secret.getStringData().containsKey("RUNNER_TOKEN")
                ? secret.getStringData().get("RUNNER_TOKEN")
                : new String(Base64.getDecoder().decode(secret.getData().get("RUNNER_TOKEN")), StandardCharsets.UTF_8);
        assertEquals(3, token.split("\\.").length, "a signed JWT");
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"sub\":\"" + session.id() + "\""), claims);
    }

    /** What the worker writes is what the API server takes: its pod and Secret against the Kubernetes API's schemas. */
    @Test
    void theRunsPodAndSecretPassTheKubernetesApiSchemas() throws Exception {
        Session session = startSession();
        Pod pod = kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get();
        Secret secret = kubernetes.secrets().inNamespace(NAMESPACE).withName(session.podName()).get();
        java.nio.file.Path manifests = java.nio.file.Files.createTempFile("run-manifests", ".yaml");
        java.nio.file.Files.writeString(manifests, kubernetes.getKubernetesSerialization().asYaml(pod) + "\n---\n"
                + kubernetes.getKubernetesSerialization().asYaml(secret));

        Process validate = new ProcessBuilder("../deploy/kubernetes/validate.sh", manifests.toString()).redirectErrorStream(true)
                .start();
        String report = new String(validate.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, validate.waitFor(), report);
        assertTrue(report.contains("2 objects, 0 failures"), report);
    }

    /** Each rule of the PodSecurity "restricted" profile (which includes "baseline"), one assertion each. */
    @Test
    void theSessionPodMeetsEveryRuleOfPodSecurityRestricted() throws Exception {
        Pod pod = kubernetes.pods().inNamespace(NAMESPACE).withName(startSession().podName()).get();
        PodSpec spec = pod.getSpec();
        PodSecurityContext podSecurity = spec.getSecurityContext();
        List<Container> containers = new java.util.ArrayList<>(spec.getContainers());
        if (spec.getInitContainers() != null) {
            containers.addAll(spec.getInitContainers());
        }
        Set<String> allowedVolumes = Set.of("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim",
                "projected", "secret");
        Set<String> safeSysctls = Set.of("kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start",
                "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time",
                "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes");

        // baseline
        assertTrue(containers.stream().allMatch(c -> c.getSecurityContext() == null || c.getSecurityContext().getWindowsOptions() == null
                || !Boolean.TRUE.equals(c.getSecurityContext().getWindowsOptions().getHostProcess())), "HostProcess");
        assertTrue(!Boolean.TRUE.equals(spec.getHostNetwork()) && !Boolean.TRUE.equals(spec.getHostPID())
                && !Boolean.TRUE.equals(spec.getHostIPC()), "host namespaces");
        assertTrue(containers.stream().noneMatch(c -> Boolean.TRUE.equals(c.getSecurityContext().getPrivileged())), "privileged");
        assertTrue(spec.getVolumes().stream().allMatch(v -> v.getHostPath() == null), "hostPath volumes");
        assertTrue(containers.stream().allMatch(c -> c.getPorts() == null || c.getPorts().stream().allMatch(p -> p.getHostPort() == null
                || p.getHostPort() == 0)), "host ports");
        assertTrue(containers.stream().allMatch(c -> c.getSecurityContext().getAppArmorProfile() == null
                || !"Unconfined".equals(c.getSecurityContext().getAppArmorProfile().getType())), "AppArmor");
        assertTrue(podSecurity.getSeLinuxOptions() == null && containers.stream().allMatch(c -> c.getSecurityContext().getSeLinuxOptions() == null),
                "SELinux");
        assertTrue(containers.stream().allMatch(c -> c.getSecurityContext().getProcMount() == null
                || "Default".equals(c.getSecurityContext().getProcMount())), "/proc mount type");
        assertTrue(podSecurity.getSysctls() == null || podSecurity.getSysctls().stream().allMatch(x -> safeSysctls.contains(x.getName())),
                "sysctls");
        // restricted
        assertTrue(spec.getVolumes().stream().allMatch(v -> allowedVolumes.stream().anyMatch(type -> volumeHas(v, type))), "volume types");
        assertTrue(containers.stream().allMatch(c -> Boolean.FALSE.equals(c.getSecurityContext().getAllowPrivilegeEscalation())),
                "privilege escalation");
        assertTrue(Boolean.TRUE.equals(podSecurity.getRunAsNonRoot())
                && containers.stream().allMatch(c -> !Boolean.FALSE.equals(c.getSecurityContext().getRunAsNonRoot())), "running as non-root");
        assertTrue(podSecurity.getRunAsUser() != null && podSecurity.getRunAsUser() != 0
                && containers.stream().allMatch(c -> c.getSecurityContext().getRunAsUser() == null || c.getSecurityContext().getRunAsUser() != 0),
                "running as a non-root user (numeric)");
        assertEquals("RuntimeDefault", podSecurity.getSeccompProfile().getType(), "seccomp");
        assertTrue(containers.stream().allMatch(c -> c.getSecurityContext().getCapabilities().getDrop().contains("ALL")
                && (c.getSecurityContext().getCapabilities().getAdd() == null
                        || c.getSecurityContext().getCapabilities().getAdd().stream().allMatch("NET_BIND_SERVICE"::equals))), "capabilities");
        // and what the issue asks beyond the profile
        assertTrue(containers.stream().allMatch(c -> Boolean.TRUE.equals(c.getSecurityContext().getReadOnlyRootFilesystem())),
                "read-only root filesystem");
        assertEquals(Set.of("/home/runner", "/tmp"), containers.get(0).getVolumeMounts().stream().map(m -> m.getMountPath())
                .collect(Collectors.toSet()), "writable emptyDirs for home (the work folder) and tmp");
        assertEquals(Boolean.FALSE, spec.getAutomountServiceAccountToken(), "no service-account token");
        assertEquals(10001L, podSecurity.getRunAsGroup(), "numeric group");
        assertEquals(10001L, podSecurity.getFsGroup(), "fsGroup");
        assertTrue(containers.get(0).getResources().getLimits().containsKey("ephemeral-storage"), "ephemeral-storage limit");
    }

    private static boolean volumeHas(io.fabric8.kubernetes.api.model.Volume volume, String type) {
        return switch (type) {
            case "configMap" -> volume.getConfigMap() != null;
            case "csi" -> volume.getCsi() != null;
            case "downwardAPI" -> volume.getDownwardAPI() != null;
            case "emptyDir" -> volume.getEmptyDir() != null;
            case "ephemeral" -> volume.getEphemeral() != null;
            case "persistentVolumeClaim" -> volume.getPersistentVolumeClaim() != null;
            case "projected" -> volume.getProjected() != null;
            case "secret" -> volume.getSecret() != null;
            default -> false;
        };
    }

    @Test
    void podPhasesFlowIntoTheSession() throws Exception {
        Session session = startSession();
        SessionKey key = session.key();
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);

        setPhase(session.podName(), "Running", null);
        fixtures.awaitSession(key, s -> s.status() == SessionStatus.RUNNING && s.startedAt() != null);

        setPhase(session.podName(), "Failed", "DeadlineExceeded");
        Session failed = fixtures.awaitSession(key, s -> s.status() == SessionStatus.FAILED);
        assertEquals("its pod failed: DeadlineExceeded", failed.error());
    }

    @Test
    void deletingThePodOfARunningSessionEndsItFailedWithTheReason() throws Exception {
        Session session = startSession();
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        setPhase(session.podName(), "Running", null);
        fixtures.awaitSession(session.key(), s -> s.status() == SessionStatus.RUNNING);

        kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).withGracePeriod(0).delete();
        // the failure is recorded first, then told, then the telling recorded: wait for the last
        Session failed = fixtures.awaitSession(session.key(), s -> s.status() == SessionStatus.FAILED && s.repliedTurn() == 1);
        assertEquals("its pod was deleted", failed.error());
        assertTrue(failed.runEnded());
    }

    @Test
    void aPodThatCannotPullItsImageFailsTheRunAndIsRemoved() throws Exception {
        Session session = startSession();
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).editStatus(p -> {
            p.setStatus(new PodStatusBuilder().withPhase("Pending").addNewContainerStatus().withName("runner").withNewState()
                    .withNewWaiting().withReason("ImagePullBackOff").withMessage("Back-off pulling image").endWaiting().endState()
                    .endContainerStatus().build());
            return p;
        });

        Session failed = fixtures.awaitSession(session.key(), s -> s.status() == SessionStatus.FAILED);
        assertTrue(failed.error().startsWith("its pod cannot start: ImagePullBackOff"), failed.error());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(
                () -> kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get() == null);
    }

    @Test
    void aFollowUpIsNeverTypedIntoThePodItBecomesTheRunsNextTurn() throws Exception {
        Session session = startSession();
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        setPhase(session.podName(), "Running", null);
        fixtures.awaitSession(session.key(), s -> s.status() == SessionStatus.RUNNING);
        requestPaths(); // what came before

        String thread = session.key().conversation().substring(session.key().conversation().indexOf(':') + 1);
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"user\":\"U0ANA\",\"text\":\"- also a test\","
                        + "\"ts\":\"" + thread + "1\",\"thread_ts\":\"" + thread + "\",\"channel\":\"C0K8S\"}}");
        Session queued = fixtures.awaitSession(session.key(), s -> s.queued().size() == 1);
        assertEquals("- also a test", queued.queued().get(0).text());

        RunOutcome done = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                null, null, null);
        fixtures.publishOutcome(done, done.dedupId());
        Session next = fixtures.awaitSession(session.key(), s -> s.turn() == 2);
        assertEquals(SessionStatus.RUNNING, next.status());
        assertEquals(1, next.run(), "the pod waiting for turns takes the follow-up");
        assertEquals("- also a test", next.prompt());
        assertTrue(next.queued().isEmpty());
        fixtures.awaitIdle();
        assertNull(kubernetes.pods().inNamespace(NAMESPACE).withName(SessionLauncher.podName(next.withTurnInNewRun())).get(),
                "no second pod");
        assertTrue(requestPaths().stream().noneMatch(path -> path.contains("/exec")), "no exec into the pod");
    }

    @Test
    void aTeamsDefaultImageAndInstructionsApplyToItsNewRuns() throws Exception {
        String channel = "C0T" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        teams.put(new TeamSettings(TeamSettings.VERSION, "imaged-" + channel.toLowerCase(), List.of(channel), List.of(), List.of(), 0,
                "registry.example.com/team-runner:2", "Run the linter before you answer.", "interactive"));
        String thread = "1712388889." + String.format("%06d", (int) (Math.random() * 1_000_000));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":"
                + "\"app_mention\",\"user\":\"U0ANA\",\"text\":\"build it\",\"ts\":\"" + thread + "\",\"channel\":\"" + channel + "\"}}");
        Session session = fixtures.awaitSession(SessionKey.slack("buck", channel, thread), s -> s.podName() != null);

        assertEquals("Run the linter before you answer.", session.instructions());
        Container container = kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get().getSpec()
                .getContainers().get(0);
        assertEquals("registry.example.com/team-runner:2", container.getImage());
        assertEquals("interactive", container.getEnv().stream().filter(e -> e.getName().equals("RUNNER_MODE")).findFirst()
                .orElseThrow().getValue());
    }

    @Test
    void aTeamWithAProxyPortOfItsOwnGoesOutThroughItRatherThanItsAgentsAndItsPodsCarryTheTeamForTheNetworkPolicy() throws Exception {
        String channel = "C0P" + UUID.randomUUID().toString().substring(0, 6).toUpperCase();
        teams.put(new TeamSettings(TeamSettings.VERSION, "registries", List.of(channel), List.of(), List.of(), 0, null, null, null));
        String thread = "1712388890." + String.format("%06d", (int) (Math.random() * 1_000_000));
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":"
                + "\"app_mention\",\"user\":\"U0ANA\",\"text\":\"fetch it\",\"ts\":\"" + thread + "\",\"channel\":\"" + channel + "\"}}");
        Session session = fixtures.awaitSession(SessionKey.slack("buck", channel, thread), s -> s.podName() != null);

        Pod pod = kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get();
        assertEquals("registries", pod.getMetadata().getLabels().get("agent-services.dev/team"));
        String proxy = pod.getSpec().getContainers().get(0).getEnv().stream().filter(e -> e.getName().equals("HTTPS_PROXY"))
                .findFirst().orElseThrow().getValue();
        assertEquals("http://" + session.id() + ":run@session-egress.agent-services.svc.cluster.local:3130", proxy);
    }

    @Test
    void theWorkerNeverReadsNorPatchesASecretAndAFinishedRunsPodAndSecretAreRemovedAfterItsGrace() throws Exception {
        Session session = startSession();
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        assertTrue(kubernetes.secrets().inNamespace(NAMESPACE).withName(session.podName()).get().getMetadata().getOwnerReferences()
                .isEmpty(), "no owner: that would take a patch right on every Secret of the namespace");

        // the turn answered, the run ends after its idle window and its pod stops
        setPhase(session.podName(), "Running", null);
        fixtures.awaitSession(session.key(), s -> s.status() == SessionStatus.RUNNING);
        RunOutcome done = new RunOutcome(RunOutcome.VERSION, session.id(), 1, 1, SessionStatus.SUCCEEDED, "Done.", List.of(),
                null, null, null);
        fixtures.publishOutcome(done, done.dedupId());
        fixtures.awaitSession(session.key(), s -> s.repliedTurn() == 1);
        setPhase(session.podName(), "Succeeded", null);
        fixtures.awaitSession(session.key(), Session::runEnded);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(
                () -> kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get() == null
                        && kubernetes.secrets().inNamespace(NAMESPACE).withName(session.podName()).get() == null);
    }

    @Test
    void theRunsPodIsToldItsModeAndIdleWindow() throws Exception {
        Session session = startSession();
        Pod pod = kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get();
        Map<String, EnvVar> env = pod.getSpec().getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, Function.identity()));
        assertEquals("one-shot", env.get("RUNNER_MODE").getValue());
        assertEquals("600", env.get("RUNNER_IDLE_TIMEOUT").getValue());
    }

    @Test
    void aRepeatedLaunchOfARunFindsItsPodAndSecretAndCreatesNothingTwice() throws Exception {
        Session session = startSession();
        String uid = kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get().getMetadata().getUid();
        requestPaths(); // what came before

        SessionLauncher.Launched again = launcher.launch(session, new SessionLauncher.RunOptions("another-token", "one-shot", null));

        assertEquals(session.podName(), again.podName());
        assertEquals(SessionStatus.PENDING, again.status());
        assertEquals(1, kubernetes.pods().inNamespace(NAMESPACE).withLabel("agent-services.dev/session-id", session.id()).list()
                .getItems().size());
        assertEquals(uid, kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get().getMetadata().getUid());
        assertTrue(requestPaths().stream().noneMatch(path -> path.contains("/secrets/")), "no Secret is read or patched");
    }

    @Test
    void aCreateTheApiServerRefusesFailsTheLaunchWithItsCodeAndMessage() throws Exception {
        Session session = startSession().withTurnInNewRun();
        server.expect().post().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods")
                .andReturn(403, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
                        + "\"pods is forbidden: exceeded quota\",\"reason\":\"Forbidden\",\"code\":403}").once();

        var refused = org.junit.jupiter.api.Assertions.assertThrows(io.fabric8.kubernetes.client.KubernetesClientException.class,
                () -> launcher.launch(session, new SessionLauncher.RunOptions("a-token", "one-shot", null)));

        assertEquals(403, refused.getCode());
        assertTrue(refused.getMessage().contains("exceeded quota"), refused.getMessage());
        assertNull(kubernetes.pods().inNamespace(NAMESPACE).withName(SessionLauncher.podName(session)).get());
    }

    @Test
    void theReconcilerLooksAtThePodWatchersCopyInsteadOfListingPodsEveryPass() throws Exception {
        Session session = startSession();
        setPhase(session.podName(), "Running", null);
        new WorkerFixtures(mapper, store).awaitSession(session.key(), s -> s.status() == SessionStatus.RUNNING);
        requestPaths(); // what came before
        Thread.sleep(1_500); // five passes of the reconciler (every 300 ms here)

        List<String> lists = requestPaths().stream().filter(path -> path.startsWith("/api/v1/namespaces/" + NAMESPACE + "/pods?")
                && !path.contains("watch=true")).toList();
        assertEquals(List.of(), lists, "no pod lists while the watch is up");
        assertEquals(SessionStatus.RUNNING, store.get(session.id()).orElseThrow().session().status(),
                "the running pod is seen as running");
    }

    @Test
    void aPodMissingFromTheWatchersCopyIsAskedForBeforeItsRunIsCalledGone() throws Exception {
        Session session = startSession();
        setPhase(session.podName(), "Running", null);
        // a copy that has not seen the pod yet, as after a watch that resumed past a gap
        KubernetesLauncher behind = new KubernetesLauncher(kubernetes, () -> Optional.of(List.of()),
                launcherConfig.kubernetes(), runner, NAMESPACE, launcherConfig.idleTimeout(), launcherConfig.gitUrl());
        requestPaths(); // what came before

        assertEquals(Map.of(), behind.goneRuns(List.of(session)), "the API server has the pod: its run is not gone");
        assertEquals(List.of("/api/v1/namespaces/" + NAMESPACE + "/pods/" + session.podName()), requestPaths().stream()
                .filter(path -> path.startsWith("/api/v1/namespaces/" + NAMESPACE + "/pods") && !path.contains("watch=true")).toList(),
                "one read of the missing pod, no list");

        kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).delete();
        assertEquals(Set.of(session.id()), behind.goneRuns(List.of(session)).keySet(), "a pod the API server lacks too is gone");
    }

    @Test
    void terminateDeletesThePodAndTheSecret() throws Exception {
        Session session = startSession();
        launcher.terminate(session);

        assertNull(kubernetes.pods().inNamespace(NAMESPACE).withName(session.podName()).get());
        assertNull(kubernetes.secrets().inNamespace(NAMESPACE).withName(session.podName()).get());
    }

    private Session startSession() throws Exception {
        String thread = "1712388888." + String.format("%06d", (int) (Math.random() * 1_000_000));
        SessionKey key = SessionKey.slack("buck", "C0K8S", thread);
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        fixtures.publishSlackEvent("buck:slack:Ev" + UUID.randomUUID(), "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\","
                        + "\"text\":\"run in a pod\",\"ts\":\"" + thread + "\",\"channel\":\"C0K8S\"}}");
        return fixtures.awaitSession(key, s -> s.status() == SessionStatus.PENDING && s.podName() != null);
    }

    /** The paths of the requests the mock API server received since the last call. */
    private List<String> requestPaths() throws InterruptedException {
        List<String> paths = new java.util.ArrayList<>();
        for (var request = server.getKubernetesMockServer().takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS); request != null;
                request = server.getKubernetesMockServer().takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            paths.add(request.getPath());
        }
        return paths;
    }

    private void setPhase(String pod, String phase, String reason) {
        kubernetes.pods().inNamespace(NAMESPACE).withName(pod)
                .editStatus(p -> {
                    p.setStatus(new PodStatusBuilder().withPhase(phase).withReason(reason).build());
                    return p;
                });
    }
}
