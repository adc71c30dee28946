package dev.agentservices.worker.agent;

import dev.agentservices.common.session.Usage;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * What the model-backed agents' model calls do, per agent: {@code worker_model_calls_total} by outcome
 * ({@code answered}, {@code unavailable}, {@code budget}), {@code worker_model_call_seconds} (p50, p99) and
 * {@code worker_model_tokens_total} by kind ({@code input}, {@code output}).
 */
@Singleton
public class ModelMetrics {

    static final String CALLS = "worker.model.calls";
    static final String SECONDS = "worker.model.call";
    static final String TOKENS = "worker.model.tokens";

    private final MeterRegistry registry;

    public ModelMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void answered(String agent, Duration took, Usage usage) {
        calls(agent, "answered").increment();
        Timer.builder(SECONDS).tag("agent", agent).publishPercentiles(0.5, 0.99).register(registry).record(took);
        Counter.builder(TOKENS).tag("agent", agent).tag("kind", "input").register(registry)
                .increment(usage.inputTokens() + usage.cacheCreationTokens() + usage.cacheReadTokens());
        Counter.builder(TOKENS).tag("agent", agent).tag("kind", "output").register(registry).increment(usage.outputTokens());
    }

    void unavailable(String agent) {
        calls(agent, "unavailable").increment();
    }

    void overBudget(String agent) {
        calls(agent, "budget").increment();
    }

    private Counter calls(String agent, String outcome) {
        return Counter.builder(CALLS).tag("agent", agent).tag("outcome", outcome).register(registry);
    }
}
