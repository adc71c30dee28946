package dev.agentservices.common.testing;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.RunView;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionStoreException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The session records in memory, with the rules of the NATS-backed {@link dev.agentservices.common.session.SessionStore}:
 * one revision sequence for all records, compare-and-set writes that retry on a newer version, create-once keys, archive
 * only at the revision given, and restore of an archived session. For unit tests of the worker's decisions: no broker,
 * no framework, milliseconds. Thread-safe, so tests can race writers on it.
 */
public final class InMemorySessionRepository implements SessionRepository {

    private final Map<String, Versioned> live = new ConcurrentHashMap<>();
    private final Map<String, Session> archived = new ConcurrentHashMap<>();
    private final Map<String, String> index = new ConcurrentHashMap<>();
    private final Set<String> processed = ConcurrentHashMap.newKeySet();
    private final AtomicLong revisions = new AtomicLong();
    private final List<Versioned> writes = new CopyOnWriteArrayList<>();
    private final AtomicLong conflicts = new AtomicLong();
    private final Map<String, RunView> runViews = new ConcurrentHashMap<>();

    @Override
    public Optional<Versioned> get(String id) {
        return Optional.ofNullable(live.get(id));
    }

    @Override
    public Optional<String> idFor(SessionKey key) {
        return Optional.ofNullable(index.get(key.kvKey()));
    }

    @Override
    public Opened open(SessionKey key, String id, Function<String, Session> factory) {
        Optional<String> existing = idFor(key);
        if (existing.isPresent()) {
            return new Opened(require(existing.get()), false);
        }
        Versioned created = create(id, factory.apply(id))
                .orElseThrow(() -> new SessionStoreException("session " + id + " exists already", null));
        String winner = index.putIfAbsent(key.kvKey(), id);
        if (winner != null) {
            live.remove(id, created);
            runViews.remove(id);
            return new Opened(require(winner), false);
        }
        return new Opened(created, true);
    }

    @Override
    public Versioned update(String id, UnaryOperator<Session> change) {
        return update(id, null, change);
    }

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
            Versioned[] written = {null};
            live.computeIfPresent(id, (key, stored) -> {
                if (stored.revision() != current.revision()) {
                    return stored;
                }
                written[0] = new Versioned(changed, revisions.incrementAndGet());
                return written[0];
            });
            if (written[0] != null) {
                writes.add(written[0]);
                keepRunView(written[0]);
                return written[0];
            }
            conflicts.incrementAndGet();
            if (attempt >= 50) {
                throw new SessionStoreException("updating session " + id + ": too many concurrent writers", null);
            }
        }
    }

    @Override
    public void delete(Session session) {
        index.remove(session.key().kvKey(), session.id());
        live.remove(session.id());
        archived.remove(session.id());
        runViews.remove(session.id());
    }

    @Override
    public void markProcessed(String dedupId) {
        processed.add(dedupId);
    }

    @Override
    public boolean isProcessed(String dedupId) {
        return processed.contains(dedupId);
    }

    @Override
    public Optional<Versioned> getOrRestore(String id) {
        Optional<Versioned> current = get(id);
        if (current.isPresent()) {
            return current;
        }
        Session kept = archived.get(id);
        return kept == null ? Optional.empty() : create(id, kept).or(() -> get(id));
    }

    @Override
    public boolean archive(Versioned versioned) {
        String id = versioned.session().id();
        boolean[] left = {false};
        live.computeIfPresent(id, (key, stored) -> {
            left[0] = stored.revision() == versioned.revision();
            return left[0] ? null : stored;
        });
        if (left[0]) {
            archived.put(id, versioned.session());
            runViews.remove(id);
        }
        return left[0];
    }

    @Override
    public void keepRunView(Versioned versioned) {
        RunView view = RunView.of(versioned.session(), versioned.revision());
        runViews.merge(view.id(), view, (stored, newer) -> stored.revision() >= newer.revision() ? stored : newer);
    }

    /** The run's view of the session as runner-api would read it. */
    public Optional<RunView> runView(String id) {
        return Optional.ofNullable(runViews.get(id));
    }

    /** Every version written by {@link #update}, in order: what a test checks the decisions wrote. */
    public List<Versioned> writes() {
        return List.copyOf(writes);
    }

    /** How many compare-and-sets found a newer version and were decided again. */
    public long conflicts() {
        return conflicts.get();
    }

    /** Whether the session left the live records for the archive. */
    public boolean isArchived(String id) {
        return archived.containsKey(id) && !live.containsKey(id);
    }

    private Optional<Versioned> create(String id, Session session) {
        Versioned created = new Versioned(session, revisions.incrementAndGet());
        if (live.putIfAbsent(id, created) != null) {
            return Optional.empty();
        }
        keepRunView(created);
        return Optional.of(created);
    }

    private Versioned require(String id) {
        return getOrRestore(id).orElseThrow(() -> new SessionStoreException("session " + id + " does not exist", null));
    }
}
