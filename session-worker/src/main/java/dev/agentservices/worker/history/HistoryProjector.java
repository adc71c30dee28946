package dev.agentservices.worker.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.common.session.SessionChange;
import dev.agentservices.worker.consume.RetryLater;
import dev.agentservices.worker.consume.UnprocessableMessageException;
import io.nats.client.Message;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Projects the session change events of {@code HISTORY} into PostgreSQL (through {@link HistoryWriter}), as the
 * handler of the worker's durable consumer {@code session-worker-history}: every replica shares it, and events of one
 * session are applied in order. At start-up it migrates the schema (again every few seconds until the database
 * answers); until then each event waits.
 */
@Singleton
public class HistoryProjector {

    private static final Logger LOG = Logger.getLogger(HistoryProjector.class);
    private static final Duration MIGRATE_AGAIN = Duration.ofSeconds(5);

    private final HistoryDatabase database;
    private final HistoryMigrations migrations;
    private final HistoryWriter writer;
    private final ObjectMapper mapper;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "history-migrations");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean ready;

    public HistoryProjector(HistoryDatabase database, HistoryMigrations migrations, HistoryWriter writer, ObjectMapper mapper) {
        this.database = database;
        this.migrations = migrations;
        this.writer = writer;
        this.mapper = mapper;
    }

    void start(@Observes StartupEvent event) {
        if (database.enabled()) {
            timer.execute(this::migrate);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** Whether there is a history and its schema is up to date. */
    public boolean ready() {
        return ready;
    }

    public boolean enabled() {
        return database.enabled();
    }

    private void migrate() {
        try {
            migrations.migrate();
            ready = true;
        } catch (RuntimeException e) {
            LOG.warnf("Could not migrate the history's schema (%s); trying again in %s", e.getMessage(), MIGRATE_AGAIN);
            timer.schedule(this::migrate, MIGRATE_AGAIN.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Applies one change event; blocks on the database. */
    public void handle(Message message) throws Exception {
        if (!ready) {
            throw new NotReadyYet();
        }
        SessionChange change = mapper.readValue(message.getData(), SessionChange.class);
        if (change.id() == null || change.agent() == null || change.source() == null || change.status() == null
                || change.key() == null || change.createdAt() == null
                || !Subjects.history(change.agent(), change.id()).equals(message.getSubject())) {
            throw new UnprocessableMessageException("the change names session " + change.id() + " of agent " + change.agent()
                    + ", not what its subject " + message.getSubject() + " says, or lacks its summary");
        }
        writer.apply(change);
    }

    /** The schema is not migrated yet: the event comes again later. */
    static final class NotReadyYet extends Exception implements RetryLater {
        NotReadyYet() {
            super("the history's schema is not migrated yet", null, false, false);
        }

        @Override
        public Duration retryAfter() {
            return MIGRATE_AGAIN;
        }
    }
}
