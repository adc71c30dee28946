package dev.agentservices.common.nats;

/**
 * The headers of a dead letter and of its replay, named once for the worker that writes them and the
 * dashboard that reads and replays them. A dead letter keeps the original message's own headers too.
 */
public final class DeadLetterHeaders {

    /** Every header of ours starts so; a replay drops them (except the session key) from the original. */
    public static final String PREFIX = "Agent-Services-";
    public static final String STREAM = PREFIX + "Stream";
    public static final String SUBJECT = PREFIX + "Subject";
    public static final String SEQUENCE = PREFIX + "Sequence";
    public static final String DELIVERIES = PREFIX + "Deliveries";
    public static final String ERROR = PREFIX + "Error";
    public static final String REPLAYED_BY = PREFIX + "Replayed-By";
    public static final String REPLAYED_AT = PREFIX + "Replayed-At";
    public static final String REPLAY_OF = PREFIX + "Replay-Of";
    /**
     * Where the dashboard asks for a replay: {@code deadletter.replay.{sequence}} on {@code DEADLETTER}, with
     * {@link #REPLAYED_BY}; the worker applies the dead letter and writes the marker.
     */
    public static final String REPLAY_REQUEST_PREFIX = "deadletter.replay.";
    /** The marker of a replay done, beside its dead letter: {@code deadletter.replayed.{sequence}}. */
    public static final String REPLAYED_PREFIX = "deadletter.replayed.";

    private DeadLetterHeaders() {
    }
}
