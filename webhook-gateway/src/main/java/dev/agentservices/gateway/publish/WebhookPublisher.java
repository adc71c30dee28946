package dev.agentservices.gateway.publish;

import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.NatsUnavailableException;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.gateway.http.GatewayConfig;
import dev.agentservices.gateway.http.GatewayMetrics;
import dev.agentservices.gateway.http.WebhookRejection;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;


/**
 * Stores a verified webhook on {@code WEBHOOKS} with its dedup id as {@code Nats-Msg-Id}. The returned
 * {@link Uni} completes only once JetStream acknowledged the message, and fails with
 * {@link NatsUnavailableException} when NATS is down or the ack does not come in time. Never blocks.
 */
@Singleton
public class WebhookPublisher {

    private static final Logger LOG = Logger.getLogger(WebhookPublisher.class);

    private final NatsConnection nats;
    private final JetStreamPublisher publisher;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;

    public WebhookPublisher(NatsConnection nats, JetStreamPublisher publisher, GatewayConfig config, GatewayMetrics metrics) {
        this.nats = nats;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
    }

    /** What the stream said: stored now, or already stored under the same dedup id. */
    public enum Outcome {
        STORED,
        DUPLICATE
    }

    public Uni<Outcome> publish(WebhookEnvelope envelope) {
        return Uni.createFrom().deferred(() -> {
            Timer.Sample sample = Timer.start();
            byte[] data = publisher.json(envelope);
            long limit = config.maxEnvelopeSize().asLongValue();
            if (data.length > limit) {
                // the body limit alone does not promise this: the envelope holds the text and more besides
                return Uni.createFrom().failure(new WebhookRejection(413, "body_too_large", "The webhook's content is "
                        + data.length + " bytes as stored, over the " + limit + " one message may hold"));
            }
            JetStreamPublisher.Outgoing message = new JetStreamPublisher.Outgoing(
                    Subjects.webhook(envelope.agent(), envelope.source()), nats.config().streams().webhooks().name(),
                    envelope.dedupId(), envelope.sessionKey() == null ? null : envelope.sessionKey().toString(), null, data);
            return publisher.publish(message, config.ackTimeout()).map(published -> {
                sample.stop(metrics.publishTimer(envelope.agent(), envelope.source()));
                if (published.isDuplicate()) {
                    metrics.duplicate(envelope.agent(), envelope.source());
                    LOG.debugf("Duplicate webhook %s (stream seq %d)", envelope.dedupId(), published.getSeqno());
                    return Outcome.DUPLICATE;
                }
                metrics.accepted(envelope.agent(), envelope.source());
                LOG.debugf("Stored webhook %s (stream seq %d)", envelope.dedupId(), published.getSeqno());
                return Outcome.STORED;
            });
        });
    }
}
