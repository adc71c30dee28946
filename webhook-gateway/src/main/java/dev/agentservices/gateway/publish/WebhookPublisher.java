package dev.agentservices.gateway.publish;

import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.NatsUnavailableException;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.gateway.http.GatewayConfig;
import dev.agentservices.gateway.http.GatewayMetrics;
import dev.agentservices.gateway.http.WebhookRejection;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;


/**
 * Stores a verified webhook on {@code WEBHOOKS} with its dedup id as {@code Nats-Msg-Id}. The returned
 * stage completes only once JetStream acknowledged the message, and fails with
 * {@link NatsUnavailableException} when NATS is down or the ack does not come in time. Never blocks.
 */
@Singleton
public class WebhookPublisher {

    private static final Logger LOG = Logger.getLogger(WebhookPublisher.class);

    private final NatsConnection nats;
    private final JetStreamPublisher publisher;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;
    private final EnvelopeWriter writer;

    public WebhookPublisher(NatsConnection nats, JetStreamPublisher publisher, GatewayConfig config, GatewayMetrics metrics,
            EnvelopeWriter writer) {
        this.nats = nats;
        this.publisher = publisher;
        this.writer = writer;
        this.config = config;
        this.metrics = metrics;
    }

    /** What the stream said: stored now, or already stored under the same dedup id. */
    public enum Outcome {
        STORED,
        DUPLICATE
    }

    /**
     * A future rather than a Uni: the request's path has no Mutiny operator, each of which would capture and
     * restore the request's context (a fifth of the gateway's own CPU per webhook, docs/benchmarks.md).
     */
    public CompletionStage<Outcome> publish(WebhookEnvelope envelope) {
        long started = System.nanoTime();
        byte[] data = writer.write(envelope);
        long limit = config.maxEnvelopeSize().asLongValue();
        if (data.length > limit) {
            // the body limit alone does not promise this: the envelope holds the text and more besides
            return CompletableFuture.failedFuture(new WebhookRejection(413, "body_too_large", "The webhook's content is "
                    + data.length + " bytes as stored, over the " + limit + " one message may hold"));
        }
        JetStreamPublisher.Outgoing message = new JetStreamPublisher.Outgoing(
                Subjects.webhook(envelope.agent(), envelope.source()), nats.config().streams().webhooks().name(),
                envelope.dedupId(), envelope.sessionKey() == null ? null : envelope.sessionKey().toString(), null, data);
        return publisher.store(message, config.ackTimeout()).thenApply(published -> {
            metrics.publishTimer(envelope.agent(), envelope.source()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
            if (published.isDuplicate()) {
                metrics.duplicate(envelope.agent(), envelope.source());
                LOG.debugf("Duplicate webhook %s (stream seq %d)", envelope.dedupId(), published.getSeqno());
                return Outcome.DUPLICATE;
            }
            metrics.accepted(envelope.agent(), envelope.source());
            LOG.debugf("Stored webhook %s (stream seq %d)", envelope.dedupId(), published.getSeqno());
            return Outcome.STORED;
        });
    }
}
