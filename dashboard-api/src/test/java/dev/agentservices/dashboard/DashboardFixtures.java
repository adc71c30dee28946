package dev.agentservices.dashboard;

import static org.awaitility.Awaitility.await;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/** What the dashboard's tests start from: sessions as the worker stores them, and dead letters as it writes them. */
public record DashboardFixtures(SessionStore store, SessionView view) {

    /** A new Slack session of {@code team}, PENDING, with a unique title; returned once the view has it. */
    public Session session(String team) {
        return session(team, SessionStatus.PENDING, null);
    }

    /** A new Slack session of {@code team} in {@code status} (with {@code podName} unless PENDING). */
    public Session session(String team, SessionStatus status, String podName) {
        String title = "session-" + UUID.randomUUID();
        SessionKey key = SessionKey.slack("buck", "C0DASH", "1712345678." + UUID.randomUUID().toString().substring(0, 8));
        String id = store.open(key, newId -> {
            Session open = Session.open(newId, key, team, title, Origin.slack("C0DASH", "1"), Instant.now());
            return status == SessionStatus.PENDING && podName == null ? open : open.withStatus(status, podName, Instant.now());
        }).versioned().session().id();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.get(id).isPresent());
        return view.get(id).orElseThrow().session();
    }

    /** A dead letter as the worker writes it: the original's headers plus where it came from and why it failed. */
    public static long deadLetter(String payload) throws Exception {
        try (Connection nats = Nats.connect(NatsTestServer.url())) {
            Headers headers = new Headers().put(Subjects.SESSION_KEY_HEADER, "buck:slack:C1:1.2")
                    .put("Agent-Services-Stream", "WEBHOOKS").put("Agent-Services-Subject", "webhooks.buck.slack")
                    .put("Agent-Services-Sequence", "7").put("Agent-Services-Deliveries", "5")
                    .put("Agent-Services-Error", "IllegalStateException: boom");
            return nats.jetStream().publish(NatsMessage.builder().subject("deadletter.webhooks.buck.slack").headers(headers)
                    .data(payload.getBytes(StandardCharsets.UTF_8)).build()).getSeqno();
        }
    }
}
