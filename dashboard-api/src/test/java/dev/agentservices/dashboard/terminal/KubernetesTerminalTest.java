package dev.agentservices.dashboard.terminal;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.dashboard.DashboardTestProfile;
import dev.agentservices.common.session.SessionView;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.fabric8.kubernetes.client.server.mock.OutputStreamMessage;
import io.fabric8.kubernetes.client.server.mock.StatusStreamMessage;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

/** The terminal WebSocket attached to a session pod through fabric8's mock API server's exec. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
@TestProfile(KubernetesTerminalTest.Profile.class)
@Tag("component")
class KubernetesTerminalTest {

    static final String NAMESPACE = "agent-sessions-terminal";

    /** The dashboard with the Kubernetes terminal. */
    public static class Profile extends DashboardTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>(super.getConfigOverrides());
            config.put("dashboard.terminal.mode", "kubernetes");
            config.put("sessions.namespace", NAMESPACE);
            return config;
        }
    }

    @KubernetesTestServer
    KubernetesServer server;

    @Inject
    KubernetesClient client;

    @Inject
    SessionStore store;

    @Inject
    SessionView view;

    @Inject
    Vertx vertx;

    @Test
    void thePodsTmuxOutputReachesTheBrowserAndTheEndOfTheExecClosesTheSocket() throws Exception {
        Session session = runningSession(true);
        server.expect().get().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + session.podName()
                        + "/exec?command=env&command=TERM%3Dxterm-256color&command=tmux&command=attach&command=-t&command=runner"
                        + "&container=runner&tty=true&stdin=true&stdout=true")
                .andUpgradeToWebSocket().open()
                // the terminal's first size (channel 4); the mock closes with 1002 on any message it does not expect
                .expect("\u0004{\"Width\":120,\"Height\":40}").andEmit(new OutputStreamMessage("")).once()
                .waitFor(200).andEmit(new OutputStreamMessage("agent at work$ "))
                .waitFor(1500).andEmit(new OutputStreamMessage("bye"))
                // tmux attach exits: the API server reports it on channel 3, then the exec closes
                .waitFor(1600).andEmit(new StatusStreamMessage(0)).done().once();

        try (TerminalClient terminal = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            String closed = terminal.closed.get(15, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("1000 ") && closed.contains("ended"), closed);
            assertTrue(terminal.output().contains("agent at work$ bye"), "output \"" + terminal.output() + "\", closed " + closed);
        }
    }

    @Test
    void aSessionWhosePodIsGoneClosesWithTheReason() throws Exception {
        Session session = runningSession(false);
        try (TerminalClient terminal = (TerminalClient) TerminalClient.connect(vertx, RestAssured.port, session.id(),
                DashboardTestProfile.memberToken(), null, null)) {
            String closed = terminal.closed.get(10, TimeUnit.SECONDS);
            assertTrue(closed.startsWith("4404 ") && closed.contains("no running pod"), closed);
        }
    }

    private Session runningSession(boolean withPod) {
        String podName = "session-" + UUID.randomUUID().toString().substring(0, 8) + "-1";
        if (withPod) {
            client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(podName).endMetadata()
                    .withNewSpec().addNewContainer().withName("runner").withImage("runner").endContainer().endSpec()
                    .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition()
                    .addNewContainerStatus().withName("runner").withReady(true).endContainerStatus().endStatus().build()).create();
        }
        SessionKey key = SessionKey.slack("buck", "C0POD", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> Session.open(newId, key, "team-a", "pod", Origin.slack("C0POD", "1"), Instant.now())
                .withStatus(SessionStatus.RUNNING, podName, Instant.now())).versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        return view.get(id).orElseThrow().session();
    }
}
