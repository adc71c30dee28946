package dev.agentservices.common.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.history.HistoryConfig;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.nats.JetStreamPublisher;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.nats.NatsConfig;
import dev.agentservices.common.nats.NatsConnection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Sessions in the {@code sessions} bucket, found by key through {@code session-index}, and the
 * {@code processed} record of applied messages. Every change is a compare-and-set on the KV revision,
 * and index entries are made with KV {@code create}, so replicas racing on one conversation converge on
 * one session. All methods block on NATS: call them from worker threads, never the event loop.
 *
 * <p>With a history (PostgreSQL, {@code PGHOST}), every write also publishes its {@link SessionChange} on
 * {@code history.{agent}.{id}}, named {@code {id}:{revision}}, and a session that left the live bucket comes back from
 * the {@link SessionArchive} when it is written to again.
 */
@Singleton
public class SessionStore implements SessionRepository {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(SessionStore.class);

    /** A record stays well under NATS's default 1 MiB max_payload, with room for the headers. */
    public static final int MAX_RECORD_BYTES = 900 * 1024;

    /** JetStream's error code for a compare-and-set whose expected revision is not the current one. */
    private static final int WRONG_LAST_SEQUENCE = 10071;

    private final NatsConnection nats;
    private final ObjectMapper mapper;
    private final NatsConfig.Buckets buckets;
    private final Map<String, KeyValue> handles = new ConcurrentHashMap<>();
    private final JetStreamPublisher publisher;
    private final boolean publishChanges;
    private final Instance<SessionArchive> archive;

    public SessionStore(NatsConnection nats, ObjectMapper mapper, JetStreamPublisher publisher, HistoryConfig history,
            Instance<SessionArchive> archive) {
        this.nats = nats;
        this.mapper = mapper;
        this.buckets = nats.config().buckets();
        this.publisher = publisher;
        this.publishChanges = history.host().isPresent();
        this.archive = archive;
    }

    @Override
    public Optional<Versioned> get(String id) {
        try {
            KeyValueEntry entry = sessions().get(id);
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                return Optional.empty();
            }
            return Optional.of(new Versioned(mapper.readValue(entry.getValue(), Session.class), entry.getRevision()));
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("reading session " + id, e);
        }
    }

    @Override
    public Optional<String> idFor(SessionKey key) {
        try {
            KeyValueEntry entry = index().get(key.kvKey());
            if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                return Optional.empty();
            }
            return Optional.of(entry.getValueAsString());
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("reading the index of " + key, e);
        }
    }

    /**
     * The record is written first and the index entry second with KV create; the loser of a race deletes its record and
     * returns the winner's session. A session created from the dashboard has its id before the worker stores it, so the
     * API can answer with it at once.
     */
    @Override
    public Opened open(SessionKey key, String id, Function<String, Session> factory) {
        Optional<String> existing = idFor(key);
        if (existing.isPresent()) {
            return new Opened(require(existing.get()), false);
        }
        try {
            Session created = factory.apply(id);
            long revision = sessions().create(id, mapper.writeValueAsBytes(created));
            changed(null, created, revision);
            try {
                index().create(key.kvKey(), id.getBytes(StandardCharsets.UTF_8));
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                    throw e;
                }
                sessions().purge(id);
                String winner = idFor(key).orElseThrow(() -> new SessionStoreException("index of " + key + " vanished", e));
                return new Opened(require(winner), false);
            }
            return new Opened(new Versioned(created, revision), true);
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("creating the session of " + key, e);
        }
    }

    /**
     * Applies {@code change} with compare-and-set, reading again and retrying when another writer got
     * there first. A change that returns the same instance writes nothing.
     */
    @Override
    public Versioned update(String id, UnaryOperator<Session> change) {
        return update(id, null, change);
    }

    /**
     * As {@link #update(String, UnaryOperator)}, starting from a version the caller just read or wrote (one
     * KV round trip less); a stale one only costs the retry that reads the record again.
     */
    @Override
    public Versioned update(Versioned from, UnaryOperator<Session> change) {
        return update(from.session().id(), from, change);
    }

    private Versioned update(String id, Versioned from, UnaryOperator<Session> change) {
        for (int attempt = 0; ; attempt++) {
            Versioned current = attempt == 0 && from != null ? from : require(id);
            Session changed = change.apply(current.session());
            if (changed == current.session()) {
                return current;
            }
            try {
                byte[] value = mapper.writeValueAsBytes(changed);
                if (value.length > MAX_RECORD_BYTES) {
                    throw new SessionRecordTooLargeException(id, value.length, MAX_RECORD_BYTES);
                }
                long revision = sessions().update(id, value, current.revision());
                changed(current.session(), changed, revision);
                return new Versioned(changed, revision);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE || attempt >= 50) {
                    throw new SessionStoreException("updating session " + id, e);
                }
            } catch (IOException e) {
                throw new SessionStoreException("updating session " + id, e);
            }
        }
    }

    /**
     * Removes a session: its index entry first (only while it still names this session), then the record.
     * Deleting what is already gone is not an error, so a redelivered delete changes nothing.
     */
    @Override
    public void delete(Session session) {
        try {
            KeyValueEntry indexed = index().get(session.key().kvKey());
            if (indexed != null && indexed.getOperation() == KeyValueOperation.PUT
                    && session.id().equals(new String(indexed.getValue(), StandardCharsets.UTF_8))) {
                index().delete(session.key().kvKey(), indexed.getRevision());
            }
            sessions().delete(session.id());
            if (publishChanges) {
                // after every revision the record had: a late change event cannot bring the deleted session back
                publish(SessionChange.deletion(session, Long.MAX_VALUE));
            }
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                throw new SessionStoreException("deleting session " + session.id(), e);
            }
            delete(session);
        } catch (IOException e) {
            throw new SessionStoreException("deleting session " + session.id(), e);
        }
    }

    /** Records that the message with this dedup id was applied; the bucket forgets after its max age. */
    @Override
    public void markProcessed(String dedupId) {
        try {
            processed().put(processedKey(dedupId), Instant.now().toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("recording " + dedupId + " as processed", e);
        }
    }

    @Override
    public boolean isProcessed(String dedupId) {
        try {
            KeyValueEntry entry = processed().get(processedKey(dedupId));
            return entry != null && entry.getOperation() == KeyValueOperation.PUT;
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("reading processed " + dedupId, e);
        }
    }

    /**
     * Calls {@code onChange} with the session's current state and then with every change of it (empty once
     * it is deleted), from the NATS dispatcher's thread, until the returned handle is closed. Blocks while
     * the watch is set up.
     */
    public AutoCloseable watch(String id, Consumer<Optional<Session>> onChange) {
        try {
            NatsKeyValueWatchSubscription subscription = sessions().watch(id, new KeyValueWatcher() {
                @Override
                public void watch(KeyValueEntry entry) {
                    if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                        onChange.accept(Optional.empty());
                        return;
                    }
                    try {
                        onChange.accept(Optional.of(mapper.readValue(entry.getValue(), Session.class)));
                    } catch (IOException e) {
                        throw new SessionStoreException("reading session " + id, e);
                    }
                }

                @Override
                public void endOfData() {
                }
            });
            return subscription::unsubscribe;
        } catch (IOException | JetStreamApiException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new SessionStoreException("watching session " + id, e);
        }
    }

    /**
     * Takes an archived session out of the live bucket (its history is safe in PostgreSQL): only at {@code revision},
     * so a change that came in since keeps it live. Its index entry stays, so a later message finds it and brings it
     * back. Returns whether it left.
     */
    @Override
    public boolean archive(Versioned versioned) {
        try {
            sessions().purge(versioned.session().id(), versioned.revision());
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == WRONG_LAST_SEQUENCE) {
                return false;
            }
            throw new SessionStoreException("archiving session " + versioned.session().id(), e);
        } catch (IOException e) {
            throw new SessionStoreException("archiving session " + versioned.session().id(), e);
        }
    }

    /** The live session, or the archived one brought back into the live bucket; fails when it is in neither. */
    private Versioned require(String id) {
        return getOrRestore(id).orElseThrow(() -> new SessionStoreException("session " + id + " does not exist", null));
    }

    /**
     * The live session, or an archived one brought back into the live bucket (KV create: racing replicas bring it back
     * once): for a message or command to a session that may have left it. Empty when it is in neither.
     */
    @Override
    public Optional<Versioned> getOrRestore(String id) {
        Optional<Versioned> live = get(id);
        if (live.isPresent()) {
            return live;
        }
        Optional<Session> archived = archive.isResolvable() ? archive.get().archived(id) : Optional.empty();
        if (archived.isEmpty()) {
            return Optional.empty();
        }
        try {
            long revision = sessions().create(id, mapper.writeValueAsBytes(archived.get()));
            changed(null, archived.get(), revision);
            return Optional.of(new Versioned(archived.get(), revision));
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                throw new SessionStoreException("restoring session " + id, e);
            }
            // another replica brought it back first
            return get(id);
        } catch (IOException e) {
            throw new SessionStoreException("restoring session " + id, e);
        }
    }

    /** Publishes what a write changed, when there is a history to project it into and the change alters it. */
    private void changed(Session before, Session after, long revision) {
        if (publishChanges) {
            SessionChange change = SessionChange.between(before, after, revision);
            if (!change.altersNothingOf(before)) {
                publish(change);
            }
        }
    }

    /**
     * Sends the change without waiting for its ack (the publisher resends it until stored): a change lost in a crash
     * between the write and the send is made good by the archiver, which writes the whole record before it lets go.
     */
    private void publish(SessionChange change) {
        String msgId = change.id() + ":" + (change.deleted() ? "deleted" : Long.toString(change.revision()));
        publisher.store(new JetStreamPublisher.Outgoing(Subjects.history(change.agent(), change.id()),
                nats.config().streams().history().name(), msgId, change.key(), null, publisher.json(change)),
                JetStreamPublisher.DEFAULT_ACK_TIMEOUT).exceptionally(e -> {
                    LOG.warnf("Change %s of session %s was not stored (%s); the archiver writes the whole record later",
                            change.revision(), change.id(), e.getMessage());
                    return null;
                });
    }

    static String processedKey(String dedupId) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dedupId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private KeyValue sessions() throws IOException {
        return bucket(buckets.sessions().name());
    }

    private KeyValue index() throws IOException {
        return bucket(buckets.sessionIndex().name());
    }

    private KeyValue processed() throws IOException {
        return bucket(buckets.processed().name());
    }

    private KeyValue bucket(String name) throws IOException {
        KeyValue bucket = handles.get(name);
        if (bucket == null) {
            bucket = nats.connection().keyValue(name);
            handles.put(name, bucket);
        }
        return bucket;
    }
}
