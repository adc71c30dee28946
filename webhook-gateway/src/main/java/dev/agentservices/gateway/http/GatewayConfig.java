package dev.agentservices.gateway.http;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** {@code gateway.*}: limits and timings of the webhook endpoints. */
@ConfigMapping(prefix = "gateway")
public interface GatewayConfig {

    /** Largest webhook body accepted; larger ones get 413. */
    @WithDefault("1M")
    MemorySize maxBodySize();

    /**
     * Largest envelope stored: one NATS message, under the server's default 1 MiB max_payload with room for
     * headers; a webhook whose envelope would be larger gets 413.
     */
    @WithDefault("960K")
    MemorySize maxEnvelopeSize();

    /** How long to wait for JetStream to acknowledge a publish before answering 503. */
    @WithDefault("5s")
    Duration ackTimeout();

    /** The {@code Retry-After} sent with a 503. */
    @WithDefault("5s")
    Duration retryAfter();

    /** How far a Slack request timestamp may be from the server's clock, either way. */
    @WithDefault("5m")
    Duration slackTimestampTolerance();

    /**
     * Serves the benchmark's two baselines, {@code POST /bench/baseline} (a bare 200) and {@code POST /bench/floor}
     * (the body stored on a stream of its own, 200 once acknowledged). Off in production: they take any request.
     */
    @WithDefault("false")
    boolean benchBaseline();
}
