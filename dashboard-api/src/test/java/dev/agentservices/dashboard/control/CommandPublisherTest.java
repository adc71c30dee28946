package dev.agentservices.dashboard.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestResource;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.api.MessageInfo;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Tag;

@QuarkusTest
@QuarkusTestResource(NatsTestResource.class)
@Tag("component")
class CommandPublisherTest {

    @Inject
    CommandPublisher commands;

    @Inject
    ObjectMapper mapper;

    @Test
    void commandIsStoredOnControlForTheWorker() throws Exception {
        SessionKey key = SessionKey.github("buck", "acme/api", 42);
        Session session = Session.open("0b1f6a3c-1111-4c0e-9d7e-6f1f9b0c2a11", key, "team-a", "t", Origin.github("acme/api", 42),
                Instant.now());
        try (JetStreamProbe control = new JetStreamProbe(NatsTestServer.url(), "CONTROL")) {
            long mark = control.lastSequence();
            ControlCommand sent = commands.send(session, ControlCommand.MESSAGE, "also fix the docs", "ana@example.com")
                    .await().atMost(Duration.ofSeconds(10));

            List<MessageInfo> stored = control.messagesAfter(mark);
            assertEquals(1, stored.size());
            assertEquals("control.buck." + session.id() + ".message", stored.get(0).getSubject());
            assertEquals(sent.dedupId(), stored.get(0).getHeaders().getFirst("Nats-Msg-Id"));
            assertEquals("buck:github:acme/api#42", stored.get(0).getHeaders().getFirst("Agent-Services-Session-Key"));
            JsonNode json = mapper.readTree(stored.get(0).getData());
            assertEquals("also fix the docs", json.get("text").asText());
            assertEquals("ana@example.com", json.get("requestedBy").asText());
        }
    }
}
