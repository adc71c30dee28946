package dev.agentservices.dashboard.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.session.Session;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * All sessions in memory, kept by a watch on the {@code sessions} bucket: the watch first replays every
 * current record (the view is ready at its end) and then delivers each change, so lists and metrics never
 * read KV and every change reaches the listeners (the live status streams) with its KV revision.
 */
@Singleton
public class SessionView {

    private static final Logger LOG = Logger.getLogger(SessionView.class);
    private static final Comparator<Versioned> NEWEST_FIRST = Comparator
            .comparing((Versioned v) -> v.session().createdAt()).reversed()
            .thenComparing(v -> v.session().id());

    /** A session with the KV revision of the change that produced it. */
    public record Versioned(Session session, long revision) {
    }

    /** One page of a list and the token of the next, empty at the end. */
    public record Page(List<Session> sessions, String nextPageToken, int totalSize) {
    }

    private final NatsConnection nats;
    private final ObjectMapper mapper;
    private final Map<String, Versioned> sessions = new ConcurrentHashMap<>();
    private final List<Consumer<Versioned>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService starter = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "session-view");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean ready;
    private volatile NatsKeyValueWatchSubscription watch;

    public SessionView(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    void start(@Observes StartupEvent event) {
        starter.execute(this::watchWhenReady);
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
        return Optional.ofNullable(sessions.get(id));
    }

    /** Every session matching {@code query}, in no particular order: for aggregates. */
    public List<Session> matching(SessionQuery query) {
        return sessions.values().stream().map(Versioned::session).filter(query::matches).toList();
    }

    /** Sessions matching {@code query}, newest first, {@code pageSize} at a time. */
    public Page list(SessionQuery query, int pageSize, String pageToken) {
        List<Versioned> matching = new ArrayList<>();
        for (Versioned versioned : sessions.values()) {
            if (query.matches(versioned.session())) {
                matching.add(versioned);
            }
        }
        matching.sort(NEWEST_FIRST);
        int from = pageToken == null || pageToken.isEmpty() ? 0 : after(matching, pageToken);
        int to = Math.min(matching.size(), from + pageSize);
        List<Session> page = matching.subList(from, to).stream().map(Versioned::session).toList();
        String next = to < matching.size() ? token(matching.get(to - 1).session()) : "";
        return new Page(page, next, matching.size());
    }

    /** Called with every change, in revision order, from the watch's thread: keep it short. */
    public Runnable addListener(Consumer<Versioned> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** The page token is the last session of the page: createdAt and id, so inserts do not shift pages. */
    private static String token(Session last) {
        String cursor = last.createdAt().toEpochMilli() + ":" + last.createdAt().getNano() + ":" + last.id();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(cursor.getBytes(StandardCharsets.UTF_8));
    }

    private static int after(List<Versioned> sorted, String pageToken) {
        String[] cursor;
        try {
            cursor = new String(Base64.getUrlDecoder().decode(pageToken), StandardCharsets.UTF_8).split(":", 3);
            Instant createdAt = Instant.ofEpochMilli(Long.parseLong(cursor[0])).with(java.time.temporal.ChronoField.NANO_OF_SECOND,
                    Long.parseLong(cursor[1]));
            for (int i = 0; i < sorted.size(); i++) {
                Session session = sorted.get(i).session();
                int order = createdAt.compareTo(session.createdAt());
                if (order > 0 || (order == 0 && session.id().compareTo(cursor[2]) > 0)) {
                    return i;
                }
            }
            return sorted.size();
        } catch (IllegalArgumentException | ArrayIndexOutOfBoundsException | java.time.DateTimeException e) {
            throw new InvalidPageTokenException();
        }
    }

    /** A page token that this view did not hand out. */
    public static final class InvalidPageTokenException extends RuntimeException {
        InvalidPageTokenException() {
            super("the page token is not one this API returned", null, false, false);
        }
    }

    private final class Watcher implements KeyValueWatcher {
        @Override
        public void watch(KeyValueEntry entry) {
            if (entry.getOperation() != KeyValueOperation.PUT) {
                sessions.remove(entry.getKey());
                return;
            }
            try {
                Versioned versioned = new Versioned(mapper.readValue(entry.getValue(), Session.class), entry.getRevision());
                sessions.merge(entry.getKey(), versioned, (old, fresh) -> fresh.revision() >= old.revision() ? fresh : old);
                listeners.forEach(listener -> listener.accept(versioned));
            } catch (Exception e) {
                LOG.warnf("Skipped session %s at revision %d: %s", entry.getKey(), entry.getRevision(), e.getMessage());
            }
        }

        @Override
        public void endOfData() {
            ready = true;
            LOG.infof("Session view ready with %d sessions", sessions.size());
        }
    }
}
