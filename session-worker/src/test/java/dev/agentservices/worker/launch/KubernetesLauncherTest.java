package dev.agentservices.worker.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.WebhookSource;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.worker.ThirdPartyApis;
import dev.agentservices.worker.WorkerFixtures;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
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
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The Kubernetes launcher against fabric8's mock API server in CRUD mode, with a real NATS. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesLauncherTest.Profile.class)
class KubernetesLauncherTest {

    static final String NAMESPACE = "agent-sessions-test";

    /** The worker with the Kubernetes launcher. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "agents.buck.slack.signing-secret", "buck-slack-signing-secret",
                    "session.launcher", "kubernetes",
                    "sessions.namespace", NAMESPACE,
                    "runner.image", "registry.example.com/agent-runner:1.2.3",
                    "runner.api-url", "http://runner-api.agent-services.svc:8081",
                    "runner.token-secret", "a-test-secret-of-at-least-32-bytes-long",
                    "session.kubernetes.active-deadline", "2h");
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

        Secret secret = kubernetes.secrets().inNamespace(NAMESPACE).withName(name).get();
        String token = secret.getStringData() != null && secret.getStringData().containsKey("RUNNER_TOKEN")
                ? secret.getStringData().get("RUNNER_TOKEN")
                : new String(Base64.getDecoder().decode(secret.getData().get("RUNNER_TOKEN")), StandardCharsets.UTF_8);
        assertEquals(3, token.split("\\.").length, "a signed JWT");
        String claims = new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
        assertTrue(claims.contains("\"sub\":\"" + session.id() + "\""), claims);
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
        assertTrue(failed.error().startsWith("DeadlineExceeded"), failed.error());
    }

    @Test
    void aFollowUpIsNeverTypedIntoThePodItBecomesTheRunsNextTurn() throws Exception {
        Session session = startSession();
        WorkerFixtures fixtures = new WorkerFixtures(mapper, store);
        setPhase(session.podName(), "Running", null);
        fixtures.awaitSession(session.key(), s -> s.status() == SessionStatus.RUNNING);
        int requestsBefore = server.getKubernetesMockServer().getRequestCount();

        String thread = session.key().conversation().substring(session.key().conversation().indexOf(':') + 1);
        fixtures.publishWebhook(WebhookSource.SLACK, "buck:slack:Ev" + UUID.randomUUID(), null, "message", "application/json",
                "{\"type\":\"event_callback\",\"event\":{\"type\":\"message\",\"user\":\"U0ANA\",\"text\":\"- also a test\","
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
        assertTrue(server.getKubernetesMockServer().getRequestCount() - requestsBefore < 5, "no exec into the pod");
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
        fixtures.publishWebhook(WebhookSource.SLACK, "buck:slack:Ev" + UUID.randomUUID(), null, "app_mention",
                "application/json", "{\"type\":\"event_callback\",\"event\":{\"type\":\"app_mention\",\"user\":\"U0ANA\","
                        + "\"text\":\"run in a pod\",\"ts\":\"" + thread + "\",\"channel\":\"C0K8S\"}}");
        return fixtures.awaitSession(key, s -> s.status() == SessionStatus.PENDING && s.podName() != null);
    }

    private void setPhase(String pod, String phase, String reason) {
        kubernetes.pods().inNamespace(NAMESPACE).withName(pod)
                .editStatus(p -> {
                    p.setStatus(new PodStatusBuilder().withPhase(phase).withReason(reason).build());
                    return p;
                });
    }
}
