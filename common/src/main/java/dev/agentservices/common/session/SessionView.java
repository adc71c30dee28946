package dev.agentservices.common.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.nats.NatsConnection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * All sessions in memory, kept by a watch on the {@code sessions} bucket (the dashboard's lists and live
 * streams, the worker's count of running sessions per team): the watch first replays every
 * current record (the view is ready at its end) and then delivers each change, so lists and metrics never
 * read KV and every change reaches the listeners (the live status streams) with its KV revision.
 */
@Singleton
public class SessionView {

    private static final Logger LOG = Logger.getLogger(SessionView.class);

    /**
     * A session with the KV revision of the change that produced it. Its JSON is read when the session is
     * first asked for, not when the change arrives: a session changes several times per run and per message,
     * and most of those versions are replaced before anything reads them.
     */
    public static final class Versioned {
        private final long revision;
        private final ObjectMapper mapper;
        private final String key;
        private byte[] json;
        private volatile Session session;
        private volatile boolean unreadable;

        private Versioned(String key, byte[] json, long revision, ObjectMapper mapper) {
            this.key = key;
            this.json = json;
            this.revision = revision;
            this.mapper = mapper;
        }

        public long revision() {
            return revision;
        }

        /** The session, or null when this revision is not a session record (it was logged once). */
        public Session session() {
            Session read = session;
            if (read != null || unreadable) {
                return read;
            }
            synchronized (this) {
                if (session == null && !unreadable) {
                    try {
                        session = mapper.readValue(json, Session.class);
                    } catch (java.io.IOException | RuntimeException e) {
                        unreadable = true;
                        LOG.warnf("Skipped session %s at revision %d: %s", key, revision, e.getMessage());
                    }
                    json = null;
                }
                return session;
            }
        }
    }

    /** One page of a list and the token of the next, empty at the end. */
    public record Page(List<Session> sessions, String nextPageToken, int totalSize) {
    }

    private final NatsConnection nats;
    private final ObjectMapper mapper;
    private final Map<String, Versioned> sessions = new ConcurrentHashMap<>();
    /** The same sessions newest first, so a page is read in order instead of sorting them all per request. */
    private final ConcurrentSkipListMap<Order, Versioned> ordered = new ConcurrentSkipListMap<>();
    /** Each session's place in {@link #ordered}, by KV key, so a change need not be read to be put in its place. */
    private final Map<String, Order> orders = new ConcurrentHashMap<>();
    private final List<Consumer<Versioned>> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, List<Consumer<Versioned>>> sessionListeners = new ConcurrentHashMap<>();
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "session-view");
        thread.setDaemon(true);
        return thread;
    });
    private final java.util.concurrent.atomic.AtomicBoolean started = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean ready;
    private volatile NatsKeyValueWatchSubscription watch;

    public SessionView(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    /** Starts watching (once): the services that read the view call it at start-up. */
    public void start() {
        if (started.compareAndSet(false, true)) {
            starter.execute(this::watchWhenReady);
        }
    }

    /** Stops watching before the NATS connection closes. */
    void stop(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) ShutdownEvent event) {
        starter.shutdownNow();
        NatsKeyValueWatchSubscription current = watch;
        if (current != null) {
            current.unsubscribe();
        }
    }

    /** Waits for NATS and its buckets, then starts the watch; the client resumes it after reconnects. */
    private void watchWhenReady() {
        if (!nats.isReady()) {
            starter.schedule(this::watchWhenReady, 200, TimeUnit.MILLISECONDS);
            return;
        }
        try {
            KeyValue bucket = nats.connection().keyValue(nats.config().buckets().sessions().name());
            watch = bucket.watchAll(new Watcher());
        } catch (Exception e) {
            LOG.warnf("Could not watch the sessions bucket (%s); retrying", e.getMessage());
            starter.schedule(this::watchWhenReady, 1, TimeUnit.SECONDS);
        }
    }

    /** Whether the view holds every session that existed when it started. */
    public boolean isReady() {
        return ready;
    }

    public Optional<Versioned> get(String id) {
        return Optional.ofNullable(sessions.get(id)).filter(versioned -> versioned.session() != null);
    }

    /** Every session matching {@code query}, in no particular order: for aggregates. */
    public List<Session> matching(SessionQuery query) {
        return sessions.values().stream().map(Versioned::session).filter(session -> session != null && query.matches(session))
                .toList();
    }

    /**
     * Sessions matching {@code query}, newest first, {@code pageSize} at a time: one pass over the sessions
     * in order, counting the matches and keeping those of the page (the ones after the page token's).
     */
    public Page list(SessionQuery query, int pageSize, String pageToken) {
        Order cursor = pageToken == null || pageToken.isEmpty() ? null : cursor(pageToken);
        List<Session> page = new ArrayList<>(pageSize);
        int total = 0;
        boolean more = false;
        for (Map.Entry<Order, Versioned> entry : ordered.entrySet()) {
            Session session = entry.getValue().session();
            if (session == null || !query.matches(session)) {
                continue;
            }
            total++;
            if (cursor == null || entry.getKey().compareTo(cursor) > 0) {
                if (page.size() < pageSize) {
                    page.add(session);
                } else {
                    more = true;
                }
            }
        }
        return new Page(page, more ? token(page.get(page.size() - 1)) : "", total);
    }

    /** Called with every change, in revision order, from the watch's thread: keep it short. */
    public Runnable addListener(Consumer<Versioned> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** As {@link #addListener(Consumer)}, for the changes of one session only. */
    public Runnable addListener(String sessionId, Consumer<Versioned> listener) {
        sessionListeners.computeIfAbsent(sessionId, id -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> sessionListeners.computeIfPresent(sessionId, (id, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    /** Where a session stands in the newest-first order: creation time, then id. */
    private record Order(Instant createdAt, String id) implements Comparable<Order> {
        static Order of(Session session) {
            return new Order(session.createdAt() == null ? Instant.EPOCH : session.createdAt(), session.id());
        }

        @Override
        public int compareTo(Order other) {
            int byTime = other.createdAt.compareTo(createdAt);
            return byTime != 0 ? byTime : id.compareTo(other.id);
        }
    }

    /** The page token is the last session of the page: createdAt and id, so inserts do not shift pages. */
    private static String token(Session last) {
        String cursor = last.createdAt().toEpochMilli() + ":" + last.createdAt().getNano() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
    }

    private static Order cursor(String pageToken) {
        try {
            String[] cursor = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).split(":", 3);
            Instant createdAt = Instant.ofEpochMilli(Long.parseLong(cursor[0])).with(java.time.temporal.ChronoField.NANO_OF_SECOND,
                    Long.parseLong(cursor[1]));
            return new Order(createdAt, cursor[2]);
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | java.time.DateTimeException e) {
            throw new InvalidPageTokenException();
        }
    }

    /** A page token that this view did not hand out. */
    public static final class InvalidPageTokenException extends RuntimeException {
        public InvalidPageTokenException() {
            super("the page token is not one this API returned", null, false, false);
        }
    }

    private final class Watcher implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            if (entry.getOperation() != KeyValueOperation.PUT) {
                sessions.remove(entry.getKey());
                Order order = orders.remove(entry.getKey());
                if (order != null) {
                    ordered.remove(order);
                }
                return;
            }
            Versioned versioned = new Versioned(entry.getKey(), entry.getValue(), entry.getRevision(), mapper);
            List<Consumer<Versioned>> forSession = sessionListeners.get(entry.getKey());
            Versioned kept = sessions.merge(entry.getKey(), versioned,
                    (old, fresh) -> fresh.revision() >= old.revision() ? fresh : old);
            if (kept != versioned) {
                return;
            }
            // the order (creation time, id) never changes: read a session here only when it is new or when
            // someone listens to its changes; other versions are read when asked for, if ever
            Order order = orders.get(entry.getKey());
            if (order == null || !listeners.isEmpty() || forSession != null) {
                if (versioned.session() == null) {
                    return;
                }
                Order read = Order.of(versioned.session());
                if (order != null && !order.equals(read)) {
                    ordered.remove(order);
                }
                order = read;
                orders.put(entry.getKey(), order);
            }
            ordered.put(order, versioned);
            listeners.forEach(listener -> listener.accept(versioned));
            if (forSession != null) {
                forSession.forEach(listener -> listener.accept(versioned));
            }
        }

        @Override
        public void endOfData() {
            ready = true;
            LOG.infof("Session view ready with %d sessions", sessions.size());
        }
    }
}
