package dev.agentservices.common.session;

import dev.agentservices.common.model.SessionKey;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The live session records, as the worker's decisions need them: read by id or by conversation key, created once per
 * key, changed by compare-and-set on a revision, and the record of which messages were applied. {@link SessionStore}
 * keeps them in NATS KV; a plain in-memory implementation with the same rules lets the decisions be tested without a
 * broker or a framework.
 *
 * <p>The rules every implementation keeps: {@link #open} gives racing callers of one key the same session;
 * {@link #update} applies its change to the current version and retries on a newer one, and a change that returns the
 * same instance writes nothing; {@link #archive} takes a session out only at the revision given.
 */
public interface SessionRepository {

    /** A session with the revision it was read or written at. */
    record Versioned(Session session, long revision) {
    }

    /** The session of a conversation, and whether this call created it. */
    record Opened(Versioned versioned, boolean created) {
    }

    Optional<Versioned> get(String id);

    Optional<String> idFor(SessionKey key);

    /** The session of {@code key}, created from {@code factory} (given the new id) when there is none. */
    default Opened open(SessionKey key, Function<String, Session> factory) {
        return open(key, UUID.randomUUID().toString(), factory);
    }

    /** As {@link #open(SessionKey, Function)}, with the id chosen by the caller. */
    Opened open(SessionKey key, String id, Function<String, Session> factory);

    /** Applies {@code change} to the current version by compare-and-set, reading again when another writer got there first. */
    Versioned update(String id, UnaryOperator<Session> change);

    /** As {@link #update(String, UnaryOperator)}, starting from a version the caller just read or wrote. */
    Versioned update(Versioned from, UnaryOperator<Session> change);

    /** Removes a session and its key; removing what is already gone is not an error. */
    void delete(Session session);

    /** Records that the message with this dedup id was applied. */
    void markProcessed(String dedupId);

    boolean isProcessed(String dedupId);

    /** The live session, or an archived one brought back to live; empty when it is in neither. */
    Optional<Versioned> getOrRestore(String id);

    /** Takes a session out of the live records, only at {@code versioned}'s revision; returns whether it left. */
    boolean archive(Versioned versioned);

    /**
     * Makes sure the {@link RunView} of this version is stored (every write keeps it in step; this repairs one a failure
     * left behind); a view taken from a newer version stays.
     */
    void keepRunView(Versioned versioned);
}
