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
 * <p>Every write that changes what the session's run may know also writes its {@link RunView} to the bucket {@code runs},
 * which is all runner-api reads.
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
    /** The run views this replica wrote last, by session id; forgotten when the session leaves the live bucket. */
    private final Map<String, Written> runsWritten = new ConcurrentHashMap<>();

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
            runChanged(null, created, revision); // the race's winner only: a loser's purged record has no run
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
                runChanged(current.session(), changed, revision);
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
            runs().delete(session.id());
            runsWritten.remove(session.id());
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
            return RecordWatch.of(sessions(), id, mapper, Session.class, onChange);
        } catch (IOException e) {
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
            runs().delete(versioned.session().id()); // a finished session has no run to tell anything
            runsWritten.remove(versioned.session().id());
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
            runChanged(null, archived.get(), revision);
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

    /**
     * Keeps the run's view in step with a write at {@code revision}, when the write changed what it says. A view that
     * could not be written (NATS went away between the two writes) is written by {@link #keepRunView} later (the
     * worker's reconciler looks at every live run); the write of the record itself stands.
     */
    private void runChanged(Session before, Session after, long revision) {
        if (after.run() == 0) {
            return; // no run yet: nothing for one to read
        }
        RunView view = RunView.of(after, revision);
        if (before != null && before.run() > 0 && view.sameRunAs(RunView.of(before, revision))) {
            return;
        }
        try {
            write(view, true, before == null || before.run() == 0);
        } catch (SessionStoreException e) {
            LOG.warnf("The run view of session %s is behind its record (%s); the reconciler writes it", after.id(), e.getMessage());
        }
    }

    @Override
    public void keepRunView(Versioned versioned) {
        if (versioned.session().run() > 0) {
            write(RunView.of(versioned.session(), versioned.revision()), false, false); // reads the entry: trusts no memory
        }
    }

    /**
     * Writes {@code view} unless the bucket holds one taken from the same or a newer record; compare-and-set on the entry,
     * so that replicas writing one session at once leave the newest view. {@code fromMemory}: start from the entry this
     * replica wrote last, without reading it (one round trip; a stale memory only costs the read); {@code first}: the
     * session's first view, created without a read.
     */
    private void write(RunView view, boolean fromMemory, boolean first) {
        try {
            byte[] value = mapper.writeValueAsBytes(view);
            Written last = fromMemory ? runsWritten.get(view.id()) : null;
            if (last == null && first) {
                // the session's first run: its first view, created without a read (a racing replica's makes this fail)
                try {
                    written(view, runs().create(view.id(), value));
                    return;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                        throw e;
                    }
                }
            }
            if (last != null) {
                if (last.viewRevision() >= view.revision()) {
                    return; // this replica wrote a newer view already
                }
                // this replica wrote the entry last (the usual case): one compare-and-set, no read
                try {
                    written(view, runs().update(view.id(), value, last.entryRevision()));
                    return;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                        throw e;
                    }
                }
            }
            for (int attempt = 0; attempt < 50; attempt++) {
                KeyValueEntry entry = runs().get(view.id());
                try {
                    if (entry == null || entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
                        written(view, runs().create(view.id(), value));
                        return;
                    }
                    RunView stored = mapper.readValue(entry.getValue(), RunView.class);
                    if (stored.revision() >= view.revision()) {
                        return;
                    }
                    written(view, runs().update(view.id(), value, entry.getRevision()));
                    return;
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != WRONG_LAST_SEQUENCE) {
                        throw e;
                    }
                }
            }
            throw new SessionStoreException("the run view of session " + view.id() + " kept changing under its writer", null);
        } catch (IOException | JetStreamApiException e) {
            throw new SessionStoreException("writing the run view of session " + view.id(), e);
        }
    }

    /** Remembers the entry this replica wrote, for the next write's compare-and-set; the newest view wins. */
    private void written(RunView view, long entryRevision) {
        runsWritten.merge(view.id(), new Written(entryRevision, view.revision()),
                (before, now) -> before.viewRevision() > now.viewRevision() ? before : now);
    }

    /** A run view this replica wrote: the entry's KV revision and the record revision the view was taken from. */
    private record Written(long entryRevision, long viewRevision) {
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

    private KeyValue runs() throws IOException {
        return bucket(buckets.runs().name());
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
