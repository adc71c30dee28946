package dev.agentservices.dashboard.control;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import io.nats.client.PublishOptions;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Sends a user's command to the worker on {@code control.{agent}.{id}.{command}}. The returned
 * {@link Uni} completes once JetStream acknowledged it, and fails with {@link CommandNotStoredException}
 * when NATS cannot take it, so the API answers {@code unavailable} rather than claiming success.
 */
@Singleton
public class CommandPublisher {

    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    private final NatsConnection nats;
    private final ObjectMapper mapper;

    public CommandPublisher(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
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
        return Uni.createFrom().deferred(() -> {
            if (!nats.isConnected()) {
                return Uni.createFrom().failure(new CommandNotStoredException("NATS is not connected", null));
            }
            NatsMessage message = NatsMessage.builder()
                    .subject(Subjects.control(agent, control.sessionId(), control.command()))
                    .headers(new Headers().put(Subjects.SESSION_KEY_HEADER, key.toString()))
                    .data(serialize(control))
                    .build();
            PublishOptions options = PublishOptions.builder().messageId(control.dedupId())
                    .expectedStream(nats.config().streams().control().name()).build();
            return Uni.createFrom().completionStage(() -> nats.jetStream().publishAsync(message, options))
                    .ifNoItem().after(ACK_TIMEOUT).failWith(() -> new CommandNotStoredException("no JetStream ack", null))
                    .onFailure(e -> !(e instanceof CommandNotStoredException))
                    .transform(e -> new CommandNotStoredException(e.getMessage(), e))
                    .replaceWith(control);
        });
    }

    private byte[] serialize(ControlCommand control) {
        try {
            return mapper.writeValueAsBytes(control);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The command was not stored; nothing will happen and the caller may retry. */
    public static final class CommandNotStoredException extends RuntimeException {
        CommandNotStoredException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }
}
