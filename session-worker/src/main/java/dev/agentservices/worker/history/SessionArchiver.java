package dev.agentservices.worker.history;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.worker.launch.LauncherConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Keeps the live bucket to live sessions: a finished session with no run, nothing queued and nothing waiting leaves it
 * {@code SESSION_LIVE_RETENTION} after it ended, once the history holds its whole record at its current revision
 * ({@link HistoryWriter#archive}); it leaves only at that revision, so a message that came in meanwhile keeps it. It
 * comes back through {@link HistoryWriter#archived} when written to again. Every replica looks; they agree through the
 * revision.
 */
@Singleton
public class SessionArchiver {

    private static final Logger LOG = Logger.getLogger(SessionArchiver.class);
    private static final SessionQuery FINISHED = new SessionQuery(Set.of(), Set.of(),
            Set.of(SessionStatus.SUCCEEDED, SessionStatus.FAILED, SessionStatus.TERMINATED), Set.of(), null, null, null);

    private final SessionView view;
    private final SessionRepository store;
    private final HistoryWriter writer;
    private final HistoryProjector projector;
    private final Duration retention;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "session-archiver");
        thread.setDaemon(true);
        return thread;
    });

    public SessionArchiver(SessionView view, SessionRepository store, HistoryWriter writer, HistoryProjector projector,
            LauncherConfig config, @ConfigProperty(name = "worker.history.archive-interval", defaultValue = "5s") Duration interval) {
        this.view = view;
        this.store = store;
        this.writer = writer;
        this.projector = projector;
        this.retention = config.liveRetention();
        this.interval = interval;
    }

    void start(@Observes StartupEvent event) {
        if (projector.enabled()) {
            view.start();
            timer.scheduleWithFixedDelay(this::archiveEnded, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** Archives every session that may leave; returns how many left. */
    int archiveEnded() {
        if (!projector.ready()) {
            return 0;
        }
        int archived = 0;
        try {
            Instant cutoff = Instant.now().minus(retention);
            for (Session seen : view.matching(FINISHED)) {
                if (!mayLeave(seen, cutoff)) {
                    continue;
                }
                var current = store.get(seen.id()).filter(versioned -> mayLeave(versioned.session(), cutoff));
                if (current.isPresent() && writer.archive(current.get().session(), current.get().revision())
                        && store.archive(current.get())) {
                    archived++;
                }
            }
        } catch (RuntimeException e) {
            LOG.warnf("Could not archive finished sessions (%s); trying again in %s", e.getMessage(), interval);
        }
        if (archived > 0) {
            LOG.infof("Archived %d finished sessions: they live in the history now", archived);
        }
        return archived;
    }

    /** Finished before {@code cutoff}, with no run going, nothing queued and nothing waiting. */
    public static boolean mayLeave(Session session, Instant cutoff) {
        return session.status().finished() && !session.runLive() && session.queued().isEmpty() && session.waitingFor() == null
                && session.finishedAt() != null && !session.finishedAt().isAfter(cutoff);
    }
}
