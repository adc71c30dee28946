package dev.agentservices.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.testing.JetStreamProbe;
import dev.agentservices.common.testing.NatsTestServer;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The {@code WEBHOOKS} stream as a test sees it: the position is marked before each test (or by
 * {@link #mark()}), then a test asserts exactly what its requests stored after it. Register it with
 * {@code @RegisterExtension}.
 */
public final class WebhooksStream implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final JetStreamProbe probe = new JetStreamProbe(NatsTestServer.url(), "WEBHOOKS");
    private long mark;

    /** A stored message: its subject, {@code Nats-Msg-Id}, envelope and W3C {@code traceparent} header. */
    public record Stored(String subject, String msgId, JsonNode envelope, String traceparent) {
    }

    public WebhooksStream mark() {
        mark = probe.lastSequence();
        return this;
    }

    public List<Stored> sinceMark() {
        return probe.messagesAfter(mark).stream().map(WebhooksStream::stored).toList();
    }

    public Stored onlyOneSinceMark() {
        List<Stored> stored = sinceMark();
        assertEquals(1, stored.size(), "messages stored: " + stored);
        return stored.get(0);
    }

    public void assertNothingSinceMark() {
        assertEquals(List.of(), sinceMark());
    }

    private static Stored stored(MessageInfo info) {
        try {
            return new Stored(info.getSubject(), info.getHeaders() == null ? null : info.getHeaders().getFirst("Nats-Msg-Id"),
                    MAPPER.readTree(info.getData()), info.getHeaders() == null ? null : info.getHeaders().getFirst("traceparent"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        mark();
    }

    @Override
    public void afterEach(ExtensionContext context) throws InterruptedException {
        close();
    }

    @Override
    public void close() throws InterruptedException {
        probe.close();
    }
}
