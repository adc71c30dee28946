package dev.agentservices.dashboard.control;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.NatsUnavailableException;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.UUID;


/**
 * Sends a user's command to the worker on {@code control.{agent}.{id}.{command}}. The returned
 * {@link Uni} completes once JetStream acknowledged it, and fails with {@link CommandNotStoredException}
 * when NATS cannot take it, so the API answers {@code unavailable} rather than claiming success.
 */
@Singleton
public class CommandPublisher {

    private final NatsConnection nats;
    private final JetStreamPublisher publisher;

    public CommandPublisher(NatsConnection nats, JetStreamPublisher publisher) {
        this.nats = nats;
        this.publisher = publisher;
    }

    public Uni<ControlCommand> send(Session session, String command, String text, String requestedBy) {
        ControlCommand control = new ControlCommand(ControlCommand.VERSION, session.id(), command, text, requestedBy,
                Instant.now(), UUID.randomUUID().toString(), null);
        return publish(session.agent(), session.key(), control);
    }

    /** Asks the worker to start the session {@code key} (source {@code dashboard}, conversation = its id). */
    public Uni<ControlCommand> create(SessionKey key, ControlCommand.NewSession spec, String prompt, String requestedBy) {
        ControlCommand control = new ControlCommand(ControlCommand.VERSION, key.conversation(), ControlCommand.CREATE,
                prompt, requestedBy, Instant.now(), UUID.randomUUID().toString(), spec);
        return publish(key.agent(), key, control);
    }

    private Uni<ControlCommand> publish(String agent, SessionKey key, ControlCommand control) {
        return Uni.createFrom().deferred(() -> publisher.publish(new JetStreamPublisher.Outgoing(
                        Subjects.control(agent, control.sessionId(), control.command()), nats.config().streams().control().name(),
                        control.dedupId(), key.toString(), null, publisher.json(control)), JetStreamPublisher.DEFAULT_ACK_TIMEOUT))
                .onFailure(NatsUnavailableException.class).transform(e -> new CommandNotStoredException(e.getMessage(), e))
                .replaceWith(control);
    }

    /** The command was not stored; nothing will happen and the caller may retry. */
    public static final class CommandNotStoredException extends RuntimeException {
        CommandNotStoredException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
