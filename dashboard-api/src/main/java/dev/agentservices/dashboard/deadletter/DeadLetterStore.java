package dev.agentservices.dashboard.deadletter;

import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.nats.DeadLetterHeaders;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The {@code DEADLETTER} stream as the dashboard sees it: messages that exhausted their deliveries, newest
 * first, and their replay. The dashboard publishes no webhook, report or command of another's: a replay is a
 * request on {@code deadletter.replay.{sequence}} (who asked, when) in the same stream, which the worker carries
 * out (it applies the dead letter through the handler of its stream) and then marks on
 * {@code deadletter.replayed.{sequence}}; both live beside the dead letter and expire with it. All methods block
 * on NATS: call them from worker threads.
 */
@Singleton
public class DeadLetterStore {

    /** Headers the worker sets when it dead-letters a message; see the worker's StreamConsumer. */

    /** JetStream's error code for "no message found". */
    private static final int NO_MESSAGE = 10037;

    private final NatsConnection nats;

    public DeadLetterStore(NatsConnection nats) {
        this.nats = nats;
    }

    /** One dead letter, and the last replay of it if any. */
    public record DeadLetter(long sequence, String originalSubject, String error, long deliveries, Instant deadAt,
            byte[] payload, Headers headers, Optional<Replay> replay) {
    }

    public record Replay(String by, Instant at) {
    }

    /** A page, newest first; {@code next} is where the following page starts, 0 when there is none. */
    public record Page(List<DeadLetter> deadLetters, long next) {
    }

    /**
     * Up to {@code size} dead letters at or below sequence {@code from} (0: from the newest), skipping replay
     * markers and messages that were deleted.
     */
    public Page list(int size, long from) throws IOException, JetStreamApiException {
        StreamInfo info = management().getStreamInfo(stream());
        long first = info.getStreamState().getFirstSequence();
        long sequence = from <= 0 ? info.getStreamState().getLastSequence() : Math.min(from, info.getStreamState().getLastSequence());
        List<DeadLetter> page = new ArrayList<>(size);
        for (; sequence >= first && sequence > 0 && page.size() < size; sequence--) {
            read(sequence).ifPresent(page::add);
        }
        return new Page(page, sequence >= first && sequence > 0 ? sequence : 0);
    }

    public Optional<DeadLetter> get(long sequence) throws IOException, JetStreamApiException {
        return read(sequence);
    }

    /** Asks the worker to replay the dead letter, as {@code by}; returns the request's sequence in the stream. */
    public long replay(DeadLetter deadLetter, String by) throws IOException, JetStreamApiException {
        PublishAck ack = nats.jetStream().publish(NatsMessage.builder()
                .subject(DeadLetterHeaders.REPLAY_REQUEST_PREFIX + deadLetter.sequence())
                .headers(new Headers().put(DeadLetterHeaders.REPLAYED_BY, by).put(DeadLetterHeaders.REPLAYED_AT, Instant.now().toString()))
                .data(new byte[0]).build(), PublishOptions.builder().messageId("replay:" + UUID.randomUUID()).expectedStream(stream()).build());
        return ack.getSeqno();
    }

    private Optional<DeadLetter> read(long sequence) throws IOException, JetStreamApiException {
        Optional<MessageInfo> found = message(sequence).filter(DeadLetterStore::isDeadLetter);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        MessageInfo message = found.get();
        Headers headers = message.getHeaders();
        String subject = headers.getFirst(DeadLetterHeaders.SUBJECT);
        if (subject == null) {
            subject = message.getSubject().substring("deadletter.".length());
        }
        return Optional.of(new DeadLetter(sequence, subject, headers.getFirst(DeadLetterHeaders.ERROR),
                parseLong(headers.getFirst(DeadLetterHeaders.DELIVERIES)), message.getTime().toInstant(),
                message.getData() == null ? new byte[0] : message.getData(), headers, replayOf(sequence)));
    }

    /** The last replay of the dead letter: the worker's mark of one done, else the last request for one. */
    private Optional<Replay> replayOf(long sequence) throws IOException, JetStreamApiException {
        Optional<MessageInfo> marker = last(DeadLetterHeaders.REPLAYED_PREFIX + sequence);
        if (marker.isEmpty()) {
            marker = last(DeadLetterHeaders.REPLAY_REQUEST_PREFIX + sequence);
        }
        return marker.map(found -> new Replay(found.getHeaders().getFirst(DeadLetterHeaders.REPLAYED_BY), found.getTime().toInstant()));
    }

    private Optional<MessageInfo> last(String subject) throws IOException, JetStreamApiException {
        try {
            return Optional.of(management().getLastMessage(stream(), subject));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private Optional<MessageInfo> message(long sequence) throws IOException, JetStreamApiException {
        try {
            return Optional.of(management().getMessage(stream(), sequence));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean isDeadLetter(MessageInfo message) {
        return !message.getSubject().startsWith(DeadLetterHeaders.REPLAYED_PREFIX)
                && !message.getSubject().startsWith(DeadLetterHeaders.REPLAY_REQUEST_PREFIX) && message.getHeaders() != null;
    }

    private static long parseLong(String value) {
        try {
            return value == null ? 0 : Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private String stream() {
        return nats.config().streams().deadletter().name();
    }

    private JetStreamManagement management() throws IOException {
        return nats.connection().jetStreamManagement();
    }
}
