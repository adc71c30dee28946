package dev.agentservices.gateway.bench;

import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsUnavailableException;
import dev.agentservices.gateway.http.GatewayConfig;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code POST /bench/floor}: stores the body as it came on {@link BenchFloorStream}, with a {@code Nats-Msg-Id}
 * of its own, and answers 200 once JetStream acknowledged it, through the same publisher and on the event loop
 * as the webhook endpoints. The benchmark's second baseline: what any endpoint that stores a request durably
 * before answering costs (the JetStream publish, its ack, nats-server's own work), without the gateway's work of
 * verifying, reading and classifying the webhook. It answers 404 unless {@code gateway.bench-baseline=true}.
 */
@Path("/bench/floor")
public class BenchFloorResource {

    private final BenchFloorStream stream;
    private final JetStreamPublisher publisher;
    private final Duration ackTimeout;
    private final String idPrefix = "floor:" + Long.toHexString(System.nanoTime()) + ":";
    private final AtomicLong stored = new AtomicLong();

    public BenchFloorResource(BenchFloorStream stream, JetStreamPublisher publisher, GatewayConfig config) {
        this.stream = stream;
        this.publisher = publisher;
        this.ackTimeout = config.ackTimeout();
    }

    @POST
    public CompletionStage<Response> store(byte[] body) {
        if (!stream.enabled()) {
            throw new NotFoundException();
        }
        if (!stream.isReady()) {
            throw new NatsUnavailableException("the stream " + BenchFloorStream.NAME + " is not set up yet", null);
        }
        JetStreamPublisher.Outgoing message = new JetStreamPublisher.Outgoing(BenchFloorStream.SUBJECT, BenchFloorStream.NAME,
                idPrefix + stored.incrementAndGet(), null, null, body);
        return publisher.store(message, ackTimeout).thenApply(ack -> Response.ok().build());
    }
}
