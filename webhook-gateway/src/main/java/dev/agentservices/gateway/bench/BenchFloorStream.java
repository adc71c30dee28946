package dev.agentservices.gateway.bench;

import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.NatsTopology;
import dev.agentservices.gateway.http.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * The stream {@link BenchFloorResource} stores on, {@value #NAME} ({@value #SUBJECT}), set up like
 * {@code WEBHOOKS} (storage, replicas, limits, duplicate window), so that storing a request there costs
 * nats-server what storing a webhook costs it. Only with {@code gateway.bench-baseline=true}: it is created once
 * NATS is ready, tried again every {@value #RETRY_MILLIS} ms until it is.
 */
@Singleton
public class BenchFloorStream {

    static final String NAME = "BENCH_FLOOR";
    static final String SUBJECT = "bench.floor";
    private static final long RETRY_MILLIS = 200;
    private static final Logger LOG = Logger.getLogger(BenchFloorStream.class);

    private final boolean enabled;
    private final NatsConnection nats;
    private volatile boolean ready;
    private ScheduledExecutorService setup;

    public BenchFloorStream(GatewayConfig config, NatsConnection nats) {
        this.enabled = config.benchBaseline();
        this.nats = nats;
    }

    boolean enabled() {
        return enabled;
    }

    /** Whether the stream exists: a store on it can be acknowledged. */
    boolean isReady() {
        return ready;
    }

    void onStart(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        LOG.warnf("The benchmark's endpoints are on (gateway.bench-baseline): POST /bench/baseline and /bench/floor take any"
                + " request without a signature and /bench/floor stores it on %s; never turn them on in production", NAME);
        setup = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "bench-floor-stream");
            thread.setDaemon(true);
            return thread;
        });
        setup.scheduleWithFixedDelay(this::ensure, 0, RETRY_MILLIS, TimeUnit.MILLISECONDS);
    }

    void onStop(@Observes ShutdownEvent event) {
        if (setup != null) {
            setup.shutdownNow();
        }
    }

    /** Runs on the set-up thread: JetStream management calls block. */
    private void ensure() {
        if (ready || !nats.isReady()) {
            return;
        }
        NatsTopology topology = new NatsTopology(nats.config());
        try {
            topology.ensure(nats.connection(), topology.streamLike(nats.config().streams().webhooks(), NAME, SUBJECT));
            ready = true;
            setup.shutdown();
        } catch (Exception e) {
            LOG.warnf("Could not set up the benchmark's stream %s (%s); trying again", NAME, e.getMessage());
        }
    }
}
