package dev.agentservices.common.nats;

import java.util.Set;
import org.jboss.logging.Logger;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One thread that looks at every publish still waiting for its JetStream ack every {@link #EVERY_MILLIS}
 * ms, sending it again or failing it by its deadline ({@link JetStreamPublisher.InFlight#tick}). Two
 * timers per message (a resend and a timeout, each scheduled and cancelled) cost the gateway more than
 * the publish; the sweep costs nothing while nothing waits. Deadlines are met within one sweep.
 */
final class AckSweeper implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AckSweeper.class);

    static final long EVERY_MILLIS = 50;

    private final Set<JetStreamPublisher.InFlight> waiting = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread t = new Thread(task, "jetstream-ack-sweeper");
        t.setDaemon(true);
        return t;
    });
    private final ScheduledFuture<?> sweeps = thread.scheduleWithFixedDelay(this::sweep, EVERY_MILLIS, EVERY_MILLIS,
            TimeUnit.MILLISECONDS);

    /** Watches a publish until its ack comes, it fails, or its deadline passes. */
    void watch(JetStreamPublisher.InFlight flight) {
        waiting.add(flight);
        if (flight.isDone()) {
            // the ack may have come before it was added: the sweep would drop it, this keeps the set small
            waiting.remove(flight);
        }
    }

    private void sweep() {
        if (waiting.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        waiting.removeIf(flight -> {
            if (!flight.isDone()) {
                try {
                    flight.tick(now);
                } catch (RuntimeException e) {
                    // thrown by a caller's continuation run here: the sweeps must go on for the others
                    LOG.warn("A publish's continuation failed on the ack sweeper", e);
                }
            }
            return flight.isDone();
        });
    }

    @Override
    public void close() {
        sweeps.cancel(false);
        thread.shutdownNow();
    }
}
