package dev.agentservices.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.nats.DeadLetterHeaders;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.trace.MessageTracing;
import dev.agentservices.worker.consume.ConsumerConfig;
import dev.agentservices.worker.conversation.ConversationHandler;
import dev.agentservices.worker.history.HistoryProjector;
import dev.agentservices.worker.history.SpendProjector;
import dev.agentservices.worker.consume.StreamConsumer;
import dev.agentservices.worker.consume.UnprocessableMessageException;
import dev.agentservices.worker.runner.RunnerMessageHandler;
import dev.agentservices.worker.session.ControlHandler;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the worker's durable consumers at start-up: {@code WEBHOOKS} to sessions, {@code RUNNER} to
 * outcomes and replies, {@code CONTROL} to users' commands, {@code HISTORY} and the spend bucket's stream to the history (with {@code PGHOST}), and the replay requests on
 * {@code DEADLETTER}
 * ({@code deadletter.replay.{sequence}}, from the dashboard): the worker applies a replayed dead letter itself, through
 * the handler of the stream it came from, so nobody but the gateway and runner-api publishes webhooks or reports.
 * All replicas share the same durable names, so JetStream spreads the work.
 */
@Singleton
public class WorkerConsumers {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(WorkerConsumers.class);
    /** JetStream's error code for "no message found". */
    private static final int NO_MESSAGE = 10037;


    private final NatsConnection nats;
    private final JetStreamPublisher publisher;
    private final MessageTracing tracing;
    private final ConsumerConfig config;
    private final ObjectMapper mapper;
    private final AgentRegistry agents;
    private final ConversationHandler conversations;
    private final RunnerMessageHandler runner;
    private final ControlHandler control;
    private final HistoryProjector history;
    private final SpendProjector spend;
    private final boolean enabled;
    private List<StreamConsumer> consumers = List.of();

    public WorkerConsumers(NatsConnection nats, JetStreamPublisher publisher, MessageTracing tracing, ConsumerConfig config, ObjectMapper mapper, AgentRegistry agents,
            ConversationHandler conversations, RunnerMessageHandler runner, ControlHandler control, HistoryProjector history,
            SpendProjector spend, @ConfigProperty(name = "worker.consumers.enabled", defaultValue = "true") boolean enabled) {
        this.nats = nats;
        this.publisher = publisher;
        this.tracing = tracing;
        this.config = config;
        this.mapper = mapper;
        this.agents = agents;
        this.conversations = conversations;
        this.runner = runner;
        this.control = control;
        this.history = history;
        this.spend = spend;
        this.enabled = enabled;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        NatsConfigNames names = new NatsConfigNames(nats);
        List<StreamConsumer> all = new java.util.ArrayList<>(List.of(
                new StreamConsumer(nats, publisher, tracing, config, names.webhooks, "session-worker-webhooks", Subjects.WEBHOOKS_ALL, this::webhook),
                new StreamConsumer(nats, publisher, tracing, config, names.runner, "session-worker-runner", Subjects.RUNNER_ALL, runner::handle),
                new StreamConsumer(nats, publisher, tracing, config, names.control, "session-worker-control", Subjects.CONTROL_ALL, control::handle),
                new StreamConsumer(nats, publisher, tracing, config, names.deadletter, "session-worker-replays",
                        DeadLetterHeaders.REPLAY_REQUEST_PREFIX + ">", this::replay)));
        if (history.enabled()) {
            all.add(new StreamConsumer(nats, publisher, tracing, config, nats.config().streams().history().name(), "session-worker-history",
                    Subjects.HISTORY_ALL, history::handle));
            all.add(new StreamConsumer(nats, publisher, tracing, config, spend.stream(), SpendProjector.CONSUMER, spend.subjects(),
                    spend::handle));
        }
        consumers = List.copyOf(all);
        consumers.forEach(StreamConsumer::start);
    }

    /** Stops fetching before the NATS connection closes. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) throws InterruptedException {
        for (StreamConsumer consumer : consumers) {
            consumer.stop();
        }
    }

    private void webhook(Message message) throws Exception {
        WebhookEnvelope envelope = mapper.readValue(message.getData(), WebhookEnvelope.class);
        // only the gateway publishes webhooks.{agent}.{source}, and the body must say the same: a body that names
        // another agent or source (a replay to the wrong subject, a publisher that should not) is dead-lettered
        if (envelope.agent() == null || envelope.source() == null
                || !Subjects.webhook(envelope.agent(), envelope.source()).equals(message.getSubject())
                || (envelope.sessionKey() != null && !envelope.agent().equals(envelope.sessionKey().agent()))) {
            throw new UnprocessableMessageException("the envelope names agent " + envelope.agent() + " and source "
                    + envelope.source() + ", not what its subject " + message.getSubject() + " says");
        }
        Agent agent = agents.byName(envelope.agent()).orElse(null);
        if (agent == null) {
            throw new IllegalStateException("agent " + envelope.agent() + " is not configured on this worker");
        }
        conversations.handle(envelope, agent);
    }

    /**
     * A dead letter replayed (the request names its sequence in {@code DEADLETTER}): its message, with its own headers
     * and who replayed it, goes to the handler of the stream it came from, as a new delivery would; then the marker
     * {@code deadletter.replayed.{sequence}} records the replay beside the dead letter. A failing replay is retried and
     * dead-lettered like any message; a dead letter gone since (expired, deleted) is nothing to do. Blocks on NATS.
     */
    private void replay(Message request) throws Exception {
        long sequence;
        try {
            sequence = Long.parseLong(request.getSubject().substring(DeadLetterHeaders.REPLAY_REQUEST_PREFIX.length()));
        } catch (NumberFormatException e) {
            throw new UnprocessableMessageException("not a replay request: " + request.getSubject());
        }
        String stream = nats.config().streams().deadletter().name();
        MessageInfo dead;
        try {
            dead = nats.connection().jetStreamManagement().getMessage(stream, sequence);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE) {
                LOG.warnf("Dead letter %d is gone; its replay does nothing", sequence);
                return;
            }
            throw e;
        }
        Headers kept = dead.getHeaders() == null ? new Headers() : dead.getHeaders();
        String subject = kept.getFirst(DeadLetterHeaders.SUBJECT) != null ? kept.getFirst(DeadLetterHeaders.SUBJECT)
                : dead.getSubject().substring("deadletter.".length());
        if (dead.getSubject().startsWith(DeadLetterHeaders.REPLAY_REQUEST_PREFIX) || dead.getSubject().startsWith(DeadLetterHeaders.REPLAYED_PREFIX)) {
            throw new UnprocessableMessageException("message " + sequence + " of " + stream + " is not a dead letter");
        }
        Headers headers = new Headers();
        kept.entrySet().stream()
                .filter(header -> !header.getKey().startsWith(DeadLetterHeaders.PREFIX) || header.getKey().equals(Subjects.SESSION_KEY_HEADER))
                .filter(header -> !header.getKey().startsWith("Nats-"))
                .forEach(header -> headers.put(header.getKey(), header.getValue()));
        String by = request.getHeaders() == null ? null : request.getHeaders().getFirst(DeadLetterHeaders.REPLAYED_BY);
        headers.put(DeadLetterHeaders.REPLAY_OF, Long.toString(sequence));
        Message original = NatsMessage.builder().subject(subject).headers(headers).data(dead.getData() == null ? new byte[0] : dead.getData())
                .build();
        if (subject.startsWith("webhooks.")) {
            webhook(original);
        } else if (subject.startsWith("runner.")) {
            runner.handle(original);
        } else if (subject.startsWith("control.")) {
            control.handle(original);
        } else if (subject.startsWith("history.") && history.enabled()) {
            history.handle(original);
        } else if (subject.startsWith("$KV.") && history.enabled() && kept.getFirst(DeadLetterHeaders.SEQUENCE) != null) {
            // a charge of the spend ledger, at the stream sequence it was written at
            spend.apply(original, Long.parseLong(kept.getFirst(DeadLetterHeaders.SEQUENCE)));
        } else {
            throw new UnprocessableMessageException("dead letter " + sequence + " came from " + subject + ", which no stream of the worker's holds");
        }
        String requestId = request.getHeaders() == null ? null : request.getHeaders().getFirst("Nats-Msg-Id");
        nats.jetStream().publish(NatsMessage.builder().subject(DeadLetterHeaders.REPLAYED_PREFIX + sequence)
                .headers(new Headers().put(DeadLetterHeaders.REPLAYED_BY, by == null ? "unknown" : by)
                        .put(DeadLetterHeaders.REPLAYED_AT, Instant.now().toString()))
                .data(new byte[0]).build(), PublishOptions.builder().expectedStream(stream)
                .messageId("replayed:" + (requestId != null ? requestId : request.getSubject() + ":" + by)).build());
        LOG.infof("Replayed dead letter %d (%s) for %s", sequence, subject, by);
    }

    private record NatsConfigNames(String webhooks, String runner, String control, String deadletter) {
        NatsConfigNames(NatsConnection nats) {
            this(nats.config().streams().webhooks().name(), nats.config().streams().runner().name(),
                    nats.config().streams().control().name(), nats.config().streams().deadletter().name());
        }
    }
}
