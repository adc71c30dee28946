package dev.agentservices.gateway.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.gateway.http.GatewayConfig;
import dev.agentservices.gateway.http.GatewayMetrics;
import io.micrometer.core.instrument.Timer;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;
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
    private final ObjectMapper mapper;
    private final GatewayConfig config;
    private final GatewayMetrics metrics;

    public WebhookPublisher(NatsConnection nats, ObjectMapper mapper, GatewayConfig config, GatewayMetrics metrics) {
        this.nats = nats;
        this.mapper = mapper;
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
            if (!nats.isConnected()) {
                return Uni.createFrom().failure(new NatsUnavailableException("NATS is not connected", null));
            }
            NatsMessage.Builder builder = NatsMessage.builder()
                    .subject(Subjects.webhook(envelope.agent(), envelope.source()))
                    .data(serialize(envelope));
            if (envelope.sessionKey() != null) {
                builder.headers(new Headers().put(Subjects.SESSION_KEY_HEADER, envelope.sessionKey().toString()));
            }
            NatsMessage message = builder.build();
            PublishOptions options = PublishOptions.builder()
                    .messageId(envelope.dedupId())
                    .expectedStream(nats.config().streams().webhooks().name())
                    .build();
            Timer.Sample sample = Timer.start();
            CompletableFuture<PublishAck> ack;
            try {
                ack = nats.jetStream().publishAsync(message, options);
            } catch (RuntimeException e) {
                return Uni.createFrom().failure(new NatsUnavailableException("publish failed: " + e.getMessage(), e));
            }
            return Uni.createFrom().completionStage(ack)
                    .ifNoItem().after(config.ackTimeout())
                    .failWith(() -> new TimeoutException("no JetStream ack within " + config.ackTimeout()))
                    .onFailure().transform(e -> e instanceof NatsUnavailableException ? e
                            : new NatsUnavailableException("JetStream did not acknowledge: " + e.getMessage(), e))
                    .map(published -> {
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

    private byte[] serialize(WebhookEnvelope envelope) {
        try {
            return mapper.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the webhook envelope could not be serialised", e);
        }
    }
}
