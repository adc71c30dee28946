package dev.agentservices.gateway.http;

import dev.agentservices.common.model.WebhookSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counters per agent, source and outcome ({@code accepted}, {@code duplicate}, {@code ignored},
 * {@code rejected} with a reason) and the publish latency timer. Each meter is looked up in the registry
 * once per tag set and kept: building and registering one per webhook cost more than the count itself.
 */
@Singleton
public class GatewayMetrics {

    static final String WEBHOOKS = "gateway.webhooks";
    static final String PUBLISH = "gateway.publish";
    private static final String UNKNOWN_AGENT = "unknown";

    private final MeterRegistry registry;
    private final Map<CounterTags, Counter> counters = new ConcurrentHashMap<>();
    private final Map<TimerTags, Timer> timers = new ConcurrentHashMap<>();

    private record CounterTags(String outcome, String agent, String source, String reason) {
    }

    private record TimerTags(String agent, WebhookSource source) {
    }

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
        return timers.computeIfAbsent(new TimerTags(agent, source), tags -> Timer.builder(PUBLISH)
                .description("Time from publish to JetStream acknowledgement")
                .tag("agent", tags.agent())
                .tag("source", tags.source().subjectToken())
                .publishPercentiles(0.5, 0.99)
                .register(registry));
    }

    private Counter counter(String outcome, String agent, String source, String reason) {
        return counters.computeIfAbsent(new CounterTags(outcome, agent, source, reason), tags -> Counter.builder(WEBHOOKS)
                .description("Webhooks received, by outcome")
                .tag("outcome", tags.outcome())
                .tag("agent", tags.agent())
                .tag("source", tags.source())
                .tag("reason", tags.reason())
                .register(registry));
    }
}
