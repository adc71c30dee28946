package dev.agentservices.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.model.WebhookEnvelope;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.trace.MessageTracing;
import dev.agentservices.worker.consume.ConsumerConfig;
import dev.agentservices.worker.conversation.ConversationHandler;
import dev.agentservices.worker.consume.StreamConsumer;
import dev.agentservices.worker.consume.UnprocessableMessageException;
import dev.agentservices.worker.runner.RunnerMessageHandler;
import dev.agentservices.worker.session.ControlHandler;
import io.nats.client.Message;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Singleton;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Starts the worker's durable consumers at start-up: {@code WEBHOOKS} to sessions, {@code RUNNER} to
 * outcomes and replies, {@code CONTROL} to users' commands. All replicas share the same durable names, so JetStream spreads the work.
 */
@Singleton
public class WorkerConsumers {


    private final NatsConnection nats;
    private final JetStreamPublisher publisher;
    private final MessageTracing tracing;
    private final ConsumerConfig config;
    private final ObjectMapper mapper;
    private final AgentRegistry agents;
    private final ConversationHandler conversations;
    private final RunnerMessageHandler runner;
    private final ControlHandler control;
    private final boolean enabled;
    private List<StreamConsumer> consumers = List.of();

    public WorkerConsumers(NatsConnection nats, JetStreamPublisher publisher, MessageTracing tracing, ConsumerConfig config, ObjectMapper mapper, AgentRegistry agents,
            ConversationHandler conversations, RunnerMessageHandler runner, ControlHandler control,
            @ConfigProperty(name = "worker.consumers.enabled", defaultValue = "true") boolean enabled) {
        this.nats = nats;
        this.publisher = publisher;
        this.tracing = tracing;
        this.config = config;
        this.mapper = mapper;
        this.agents = agents;
        this.conversations = conversations;
        this.runner = runner;
        this.control = control;
        this.enabled = enabled;
    }

    void start(@Observes StartupEvent event) {
        if (!enabled) {
            return;
        }
        NatsConfigNames names = new NatsConfigNames(nats);
        consumers = List.of(
                new StreamConsumer(nats, publisher, tracing, config, names.webhooks, "session-worker-webhooks", Subjects.WEBHOOKS_ALL, this::webhook),
                new StreamConsumer(nats, publisher, tracing, config, names.runner, "session-worker-runner", Subjects.RUNNER_ALL, runner::handle),
                new StreamConsumer(nats, publisher, tracing, config, names.control, "session-worker-control", Subjects.CONTROL_ALL, control::handle));
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

    private record NatsConfigNames(String webhooks, String runner, String control) {
        NatsConfigNames(NatsConnection nats) {
            this(nats.config().streams().webhooks().name(), nats.config().streams().runner().name(),
                    nats.config().streams().control().name());
        }
    }
}
