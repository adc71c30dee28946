package dev.agentservices.gateway.http;

import dev.agentservices.common.model.WebhookSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

/**
 * Counters per agent, source and outcome ({@code accepted}, {@code duplicate}, {@code ignored},
 * {@code rejected} with a reason) and the publish latency timer.
 */
@Singleton
public class GatewayMetrics {

    static final String WEBHOOKS = "gateway.webhooks";
    static final String PUBLISH = "gateway.publish";
    private static final String UNKNOWN_AGENT = "unknown";

    private final MeterRegistry registry;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    public void accepted(String agent, WebhookSource source) {
        counter("accepted", agent, source.subjectToken(), "none").increment();
    }

    /** JetStream recognised the {@code Nats-Msg-Id}: a retry of something already stored. */
    public void duplicate(String agent, WebhookSource source) {
        counter("duplicate", agent, source.subjectToken(), "none").increment();
    }

    public void ignored(String agent, WebhookSource source, String reason) {
        counter("ignored", agent, source.subjectToken(), reason).increment();
    }

    public void rejected(String source, String reason) {
        counter("rejected", UNKNOWN_AGENT, source, reason).increment();
    }

    public Timer publishTimer(String agent, WebhookSource source) {
        return Timer.builder(PUBLISH)
                .description("Time from publish to JetStream acknowledgement")
                .tag("agent", agent)
                .tag("source", source.subjectToken())
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    private Counter counter(String outcome, String agent, String source, String reason) {
        return Counter.builder(WEBHOOKS)
                .description("Webhooks received, by outcome")
                .tag("outcome", outcome)
                .tag("agent", agent)
                .tag("source", source)
                .tag("reason", reason)
                .register(registry);
    }
}
