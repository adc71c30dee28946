package dev.agentservices.worker.consume;

import dev.agentservices.common.nats.DeadLetterHeaders;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.session.SessionRecordTooLargeException;
import dev.agentservices.common.trace.MessageTracing;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One durable pull consumer shared by every worker replica (that is how the worker scales out): it
 * pulls on its own thread and hands each message on as it arrives, applies the messages of different sessions
 * in parallel and those of one session in order, acknowledges a message only after its handler stored the
 * result, asks for redelivery with backoff when the handler fails, and after the last attempt
 * publishes the message with its error to {@code deadletter.{subject}} instead of dropping it. The attempt
 * limit is counted here, with JetStream redelivering without limit, so a message whose dead letter cannot
 * be stored comes again; an ack that fails after the message was applied does not count as a failure.
 */
public final class StreamConsumer implements Runnable {

    private static final Logger LOG = Logger.getLogger(StreamConsumer.class);
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread ticker = new Thread(runnable, "ack-progress");
        ticker.setDaemon(true);
        return ticker;
    });

    private final NatsConnection nats;
    private final JetStreamPublisher publisher;
    private final MessageTracing tracing;
    private final ConsumerConfig config;
    private final String stream;
    private final String durable;
    private final String filter;
    private final MessageHandler handler;
    private final ExecutorService workers;
    private final Semaphore inFlight;
    /** The last message taken of each session with messages not yet done; the next one runs after it. */
    private final Map<String, CompletableFuture<Void>> lanes = new ConcurrentHashMap<>();
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
    private volatile boolean running = true;
    private Thread thread;

    public StreamConsumer(NatsConnection nats, JetStreamPublisher publisher, MessageTracing tracing, ConsumerConfig config,
            String stream, String durable, String filter, MessageHandler handler) {
        this.nats = nats;
        this.publisher = publisher;
        this.tracing = tracing;
        this.config = config;
        this.stream = stream;
        this.durable = durable;
        this.filter = filter;
        this.handler = handler;
        this.inFlight = new Semaphore(config.maxInFlight());
        this.workers = Executors.newFixedThreadPool(config.parallelism(), runnable -> {
            Thread worker = new Thread(runnable, "apply-" + durable);
            worker.setDaemon(true);
            return worker;
        });
    }

    public void start() {
        thread = new Thread(this, "consumer-" + durable);
        thread.setDaemon(true);
        thread.start();
    }

    public void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(5_000);
        }
        workers.shutdownNow();
    }

    @Override
    public void run() {
        JetStreamSubscription subscription = null;
        while (running) {
            try {
                if (!nats.isReady()) {
                    Thread.sleep(200);
                    continue;
                }
                if (subscription == null) {
                    subscription = subscribe();
                }
                // a pull for as many messages as there is room for; each is handed on as it arrives, not when
                // the pull is full or expires
                int room = Math.max(1, Math.min(config.batchSize(), inFlight.availablePermits()));
                Iterator<Message> messages = subscription.iterate(room, config.fetchWait());
                while (messages.hasNext()) {
                    dispatch(messages.next());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                if (!running) {
                    return;
                }
                LOG.warnf("Consumer %s on %s: %s; retrying", durable, stream, e.toString());
                subscription = null;
                pause(Duration.ofSeconds(1));
            }
        }
    }

    /**
     * Applies the message on a worker thread once the messages of its session (the session-key header, else
     * the subject) that came before it are done: one session's messages one after another in stream order,
     * different sessions at once, at most {@code worker.consumer.max-in-flight} messages taken and not yet
     * done. No message waits for another session's.
     */
    private void dispatch(Message message) throws InterruptedException {
        inFlight.acquire();
        String key = partition(message);
        // JetStream hears the message is being worked on from the moment it is taken, also while it waits in
        // its lane behind a slow message of its session, so it is not delivered again after ack-wait
        long every = Math.max(config.ackWait().toMillis() / 3, 100);
        ScheduledFuture<?> progress = TICKER.scheduleAtFixedRate(() -> inProgress(message), every, every, TimeUnit.MILLISECONDS);
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] mine = new CompletableFuture[1];
        lanes.compute(key, (ignored, tail) -> {
            mine[0] = (tail == null ? DONE : tail).thenRunAsync(() -> process(message, progress), workers);
            return mine[0];
        });
        mine[0].whenComplete((ignored, error) -> {
            progress.cancel(false);
            inFlight.release();
            lanes.remove(key, mine[0]);
            if (error != null && running) {
                LOG.errorf("Applying %s failed unexpectedly: %s", message.getSubject(), error.toString());
            }
        });
    }

    private static String partition(Message message) {
        String key = message.getHeaders() == null ? null : message.getHeaders().getFirst(Subjects.SESSION_KEY_HEADER);
        return key != null ? key : message.getSubject();
    }

    private JetStreamSubscription subscribe() throws Exception {
        ConsumerConfiguration consumer = ConsumerConfiguration.builder()
                .durable(durable)
                .filterSubject(filter)
                .deliverPolicy(DeliverPolicy.All)
                .ackPolicy(AckPolicy.Explicit)
                .ackWait(config.ackWait())
                // the limit is kept here, not by JetStream: a message whose last attempt cannot be
                // dead-lettered (DEADLETTER unreachable) must come again rather than be dropped
                .maxDeliver(-1)
                .build();
        nats.connection().jetStreamManagement().addOrUpdateConsumer(stream, consumer);
        return nats.jetStream().subscribe(filter, PullSubscribeOptions.bind(stream, durable));
    }

    /** Applies one message in a span that continues the trace it carries, so what it publishes and launches does too. */
    private void process(Message message, ScheduledFuture<?> progress) {
        try {
            tracing.consume(message, "process", () -> apply(message, progress));
        } catch (Exception e) {
            // apply handles every failure itself; only the span's bookkeeping could get here
            LOG.errorf("Applying %s failed unexpectedly: %s", message.getSubject(), e.toString());
        }
    }

    /**
     * Applies the message and acknowledges it, or asks for it again. {@code progress} (started when the message
     * was taken) keeps telling JetStream it is at work during a long handler (a slow Slack post, a pod launch), so
     * it is not handed to another replica after ack-wait; it stops before the ack or nak.
     */
    private void apply(Message message, ScheduledFuture<?> progress) {
        long delivered = message.metaData().deliveredCount();
        try {
            handler.handle(message);
        } catch (Exception e) {
            failed(message, delivered, e);
            return;
        } finally {
            progress.cancel(false);
        }
        try {
            message.ack();
        } catch (RuntimeException e) {
            // applied and stored: a lost ack only means one more (harmless) delivery, not a failed attempt
            LOG.warnf("Could not acknowledge %s#%d (%s); it will come again and change nothing", message.getSubject(),
                    message.metaData().streamSequence(), e.toString());
        }
    }

    private static void inProgress(Message message) {
        try {
            message.inProgress();
        } catch (RuntimeException e) {
            LOG.debugf("Could not extend the ack deadline of %s: %s", message.getSubject(), e.getMessage());
        }
    }

    private void failed(Message message, long delivered, Exception e) {
        if (delivered >= config.maxDeliver() || e instanceof SessionRecordTooLargeException
                || e instanceof UnprocessableMessageException || e instanceof com.fasterxml.jackson.core.JsonProcessingException) {
            deadLetter(message, e);
            return;
        }
        Duration delay = backoff(delivered);
        if (e instanceof RetryLater later && later.retryAfter() != null && later.retryAfter().compareTo(delay) > 0) {
            delay = later.retryAfter();
        }
        LOG.warnf(e, "Message %s#%d failed (attempt %d of %d), again in %s: %s", message.getSubject(),
                message.metaData().streamSequence(), delivered, config.maxDeliver(), delay, e.toString());
        message.nakWithDelay(delay);
    }

    private void deadLetter(Message message, Exception error) {
        long sequence = message.metaData().streamSequence();
        try {
            Headers headers = new Headers();
            if (message.getHeaders() != null) {
                // the original's own headers (e.g. the session key) travel along, so a replay is the same message
                message.getHeaders().entrySet().stream().filter(header -> !header.getKey().startsWith("Nats-"))
                        .forEach(header -> headers.put(header.getKey(), header.getValue()));
            }
            headers.put(DeadLetterHeaders.STREAM, stream)
                    .put(DeadLetterHeaders.SUBJECT, message.getSubject())
                    .put(DeadLetterHeaders.SEQUENCE, Long.toString(sequence))
                    .put(DeadLetterHeaders.DELIVERIES, Long.toString(message.metaData().deliveredCount()))
                    .put(DeadLetterHeaders.ERROR, headerValue(error));
            publisher.publishAndWait(new JetStreamPublisher.Outgoing(Subjects.deadletter(message.getSubject()),
                    nats.config().streams().deadletter().name(), "deadletter:" + stream + ":" + sequence, null, headers,
                    message.getData()), JetStreamPublisher.DEFAULT_ACK_TIMEOUT);
            message.term();
            LOG.errorf("Message %s#%d dead-lettered after %d deliveries: %s", message.getSubject(), sequence,
                    message.metaData().deliveredCount(), error.toString());
        } catch (Exception e) {
            LOG.errorf("Could not dead-letter %s#%d (%s); it will be delivered again", message.getSubject(), sequence, e);
            message.nakWithDelay(backoff(message.metaData().deliveredCount()));
        }
    }

    /** The error as one header line: its type and message, without line breaks, at most 500 characters. */
    static String headerValue(Exception error) {
        String text = (error.getClass().getSimpleName() + ": " + error.getMessage()).replaceAll("[\\r\\n\\t]+", " ");
        return text.length() <= 500 ? text : text.substring(0, 499) + "…";
    }

    private Duration backoff(long delivered) {
        List<Duration> steps = config.backoff();
        return steps.get((int) Math.min(Math.max(delivered - 1, 0), steps.size() - 1));
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
