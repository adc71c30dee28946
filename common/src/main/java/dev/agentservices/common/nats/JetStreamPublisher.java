package dev.agentservices.common.nats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import dev.agentservices.common.trace.MessageTracing;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PreDestroy;
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
    private final MessageTracing tracing;
    private final AckSweeper sweeper = new AckSweeper();

    public JetStreamPublisher(NatsConnection nats, ObjectMapper mapper, MessageTracing tracing) {
        this.nats = nats;
        this.mapper = mapper;
        this.tracing = tracing;
    }

    @PreDestroy
    void stop() {
        sweeper.close();
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

    /**
     * Stores the message and completes with the first ack. A message with a dedup id is sent again every
     * {@link #RESEND_EVERY} until one comes (JetStream keeps it once): a stream whose leader is being
     * elected after a node died answers nothing to the first send, and the resend is stored as soon as the
     * new leader is up, within the caller's deadline instead of after it. The message carries the trace
     * context of the caller (taken now, not when the Uni is subscribed).
     */
    public Uni<PublishAck> publish(Outgoing outgoing, Duration ackTimeout) {
        NatsMessage message = message(outgoing);
        return Uni.createFrom().completionStage(() -> send(message, outgoing, ackTimeout));
    }

    /**
     * As {@link #publish}, sent now, as a future: for callers on a hot path that need no Mutiny operators (each
     * one captures and restores the request's context). It never throws; it fails only with
     * {@link NatsUnavailableException}.
     */
    public CompletableFuture<PublishAck> store(Outgoing outgoing, Duration ackTimeout) {
        return send(message(outgoing), outgoing, ackTimeout);
    }

    private CompletableFuture<PublishAck> send(NatsMessage message, Outgoing outgoing, Duration ackTimeout) {
        if (!nats.isConnected()) {
            return CompletableFuture.failedFuture(new NatsUnavailableException("NATS is not connected", null));
        }
        InFlight flight = new InFlight(message, outgoing, ackTimeout, System.nanoTime());
        try {
            send(flight);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new NatsUnavailableException("publish failed: " + e.getMessage(), e));
        }
        sweeper.watch(flight);
        return flight.ack;
    }

    /** A sent message waiting for its ack: when to send it again, and when to give up. */
    final class InFlight {
        private final NatsMessage message;
        private final Outgoing outgoing;
        private final Duration ackTimeout;
        private final long deadlineNanos;
        private final CompletableFuture<PublishAck> ack = new CompletableFuture<>();
        private long nextResendNanos;

        private InFlight(NatsMessage message, Outgoing outgoing, Duration ackTimeout, long sentNanos) {
            this.message = message;
            this.outgoing = outgoing;
            this.ackTimeout = ackTimeout;
            this.deadlineNanos = sentNanos + ackTimeout.toNanos();
            this.nextResendNanos = outgoing.msgId() == null ? Long.MAX_VALUE : sentNanos + RESEND_EVERY.toNanos();
        }

        boolean isDone() {
            return ack.isDone();
        }

        /**
         * Called by the sweeper only: fails the publish past its deadline, or sends it again when a resend is
         * due and the deadline is not near (a resend then could only be stored after the caller gave up).
         */
        void tick(long now) {
            if (now - deadlineNanos >= 0) {
                ack.completeExceptionally(unavailable(new TimeoutException("no JetStream ack within " + ackTimeout)));
                return;
            }
            if (now - nextResendNanos < 0) {
                return;
            }
            nextResendNanos = now + RESEND_EVERY.toNanos();
            if (now + RESEND_EVERY.toNanos() / 2 - deadlineNanos < 0 && nats.isConnected()) {
                try {
                    send(this);
                } catch (RuntimeException ignored) {
                    // the next resend, or the deadline, decides
                }
            }
        }
    }

    /** Whether a send failed only for want of an answer in time: the one failure a resend may cure. */
    private static boolean isTimeout(Throwable error) {
        for (Throwable e = error; e != null; e = e.getCause()) {
            if (e instanceof TimeoutException || e instanceof java.util.concurrent.CancellationException
                    || (e.getMessage() != null && e.getMessage().contains("Timeout"))) {
                return true;
            }
        }
        return false;
    }

    private static NatsUnavailableException unavailable(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
        return new NatsUnavailableException("JetStream did not acknowledge: " + cause.getMessage(), cause);
    }

    /** How often a message with a dedup id is sent again while no ack came. */
    static final Duration RESEND_EVERY = Duration.ofMillis(500);

    private void send(InFlight flight) {
        nats.jetStream().publishAsync(flight.message, options(flight.outgoing)).whenComplete((ack, error) -> {
            if (ack != null) {
                flight.ack.complete(ack);
            } else if (!isTimeout(error)) {
                // an answer that refuses (a wrong stream, no stream at all): no resend will do better
                flight.ack.completeExceptionally(unavailable(error));
            }
        });
    }

    /** As {@link #publish}, waiting for the ack: call it from worker threads only. */
    public PublishAck publishAndWait(Outgoing outgoing, Duration ackTimeout) {
        return publish(outgoing, ackTimeout).await().atMost(ackTimeout.plusSeconds(1));
    }

    private NatsMessage message(Outgoing outgoing) {
        Headers headers = new Headers();
        if (outgoing.headers() != null) {
            outgoing.headers().forEach((name, values) -> headers.put(name, values));
        }
        tracing.inject(headers);
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
