package dev.agentservices.worker.consume;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** {@code worker.consumer.*}: how the worker's durable pull consumers fetch, retry and give up. */
@ConfigMapping(prefix = "worker.consumer")
public interface ConsumerConfig {

    /** Messages asked for per pull (fewer when that many are not done yet). */
    @WithDefault("32")
    int batchSize();

    /**
     * Threads applying messages: sessions applied at once (messages of one session always one after
     * another). Applying mostly waits for NATS and the Kubernetes API, so there are many.
     */
    @WithDefault("32")
    int parallelism();

    /** Messages taken from the stream and not yet done, at most: no more are pulled until some are. */
    @WithDefault("256")
    int maxInFlight();

    /**
     * How long one pull stays open; messages are handed on as they arrive, so this is only how often an
     * idle consumer asks again.
     */
    @WithDefault("1s")
    Duration fetchWait();

    /** How long a message may be processed before JetStream delivers it again. */
    @WithDefault("60s")
    Duration ackWait();

    /** Deliveries of one message before it goes to DEADLETTER. */
    @WithDefault("5")
    int maxDeliver();

    /** Delay before the n-th redelivery; the last value repeats. */
    @WithDefault("1s,5s,30s,2m")
    List<Duration> backoff();
}
