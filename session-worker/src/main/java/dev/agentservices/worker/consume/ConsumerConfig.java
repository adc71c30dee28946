package dev.agentservices.worker.consume;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** {@code worker.consumer.*}: how the worker's durable pull consumers fetch, retry and give up. */
@ConfigMapping(prefix = "worker.consumer")
public interface ConsumerConfig {

    /** Messages fetched per pull. */
    @WithDefault("32")
    int batchSize();

    /** Sessions applied at once from one batch; messages of one session always one after another. */
    @WithDefault("8")
    int parallelism();

    /**
     * How long one pull waits for a full batch: a message that arrives into a part-filled batch waits at
     * most this long, and an idle consumer polls this often.
     */
    @WithDefault("100ms")
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
