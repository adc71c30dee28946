package dev.agentservices.common.nats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * The one way every service stores a message on a stream: JSON of a contract record (or raw bytes),
 * {@code Nats-Msg-Id} for dedup, the session-key header consumers partition by, and the stream the
 * subject must land in. {@link #publish} never blocks and completes only once JetStream acknowledged;
 * {@link #publishAndWait} is for worker threads. Both fail with {@link NatsUnavailableException} when
 * NATS is down or the ack does not come in time.
 */
@Singleton
public class JetStreamPublisher {

    /** How long to wait for an ack unless the caller says otherwise. */
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(5);

    private final NatsConnection nats;
    private final ObjectMapper mapper;

    public JetStreamPublisher(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    /**
     * One message to store.
     *
     * @param stream     the stream the subject must land in (checked by JetStream), or null
     * @param msgId      the dedup id, or null for none
     * @param sessionKey the session the message is about, for consumers' per-session order, or null
     * @param headers    further headers, or null
     */
    public record Outgoing(String subject, String stream, String msgId, String sessionKey, Headers headers, byte[] data) {
    }

    /** The JSON of a contract record, as every message body is written. */
    public byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("could not write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public Uni<PublishAck> publish(Outgoing outgoing, Duration ackTimeout) {
        return Uni.createFrom().deferred(() -> {
            if (!nats.isConnected()) {
                return Uni.createFrom().failure(new NatsUnavailableException("NATS is not connected", null));
            }
            CompletableFuture<PublishAck> ack;
            try {
                ack = nats.jetStream().publishAsync(message(outgoing), options(outgoing));
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(new NatsUnavailableException("publish failed: " + e.getMessage(), e));
            }
            return Uni.createFrom().completionStage(ack)
                    .ifNoItem().after(ackTimeout).failWith(() -> new TimeoutException("no JetStream ack within " + ackTimeout))
                    .onFailure(e -> !(e instanceof NatsUnavailableException))
                    .transform(e -> new NatsUnavailableException("JetStream did not acknowledge: " + e.getMessage(), e));
        });
    }

    /** As {@link #publish}, waiting for the ack: call it from worker threads only. */
    public PublishAck publishAndWait(Outgoing outgoing, Duration ackTimeout) {
        return publish(outgoing, ackTimeout).await().atMost(ackTimeout.plusSeconds(1));
    }

    private static NatsMessage message(Outgoing outgoing) {
        Headers headers = new Headers();
        if (outgoing.headers() != null) {
            outgoing.headers().forEach((name, values) -> headers.put(name, values));
        }
        if (outgoing.sessionKey() != null) {
            headers.put(Subjects.SESSION_KEY_HEADER, outgoing.sessionKey());
        }
        NatsMessage.Builder builder = NatsMessage.builder().subject(outgoing.subject()).data(outgoing.data());
        return (headers.isEmpty() ? builder : builder.headers(headers)).build();
    }

    private static PublishOptions options(Outgoing outgoing) {
        PublishOptions.Builder options = PublishOptions.builder();
        if (outgoing.msgId() != null) {
            options.messageId(outgoing.msgId());
        }
        if (outgoing.stream() != null) {
            options.expectedStream(outgoing.stream());
        }
        return options.build();
    }
}
