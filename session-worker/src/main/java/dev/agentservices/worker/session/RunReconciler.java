package dev.agentservices.worker.session;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionView;
import dev.agentservices.worker.launch.SessionLauncher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Compares the runs the records call live with what is really running (the session pods, or the local
 * tmux sessions), every {@code worker.reconcile.interval} (30 s), so that nothing stays RUNNING for ever
 * and no team slot is held by a run that is gone. A run is acted on only when it was found gone at two
 * looks in a row: a runner reports its pause or the end of its idle window just before its process
 * stops, and that report, not the reconciler, must decide. Then {@link RunFailures} ends it. Each look
 * also removes the pods of runs that are over, once their grace for logs has passed, and writes the run view of a
 * live run that a failed write left behind.
 */
@Singleton
public class RunReconciler {

    private static final Logger LOG = Logger.getLogger(RunReconciler.class);

    private final SessionView view;
    private final SessionRepository store;
    private final SessionLauncher launcher;
    private final RunFailures failures;
    private final Duration interval;
    private final Duration replyRetryAfter;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "run-reconciler");
        thread.setDaemon(true);
        return thread;
    });
    /** Runs found gone at the last look: session id → run. */
    private Map<String, Integer> goneBefore = Map.of();
    /** Failure replies found owed at the last look: session id → turn. */
    private Map<String, Integer> owedBefore = Map.of();

    public RunReconciler(SessionView view, SessionRepository store, SessionLauncher launcher, RunFailures failures,
            @ConfigProperty(name = "worker.reconcile.interval", defaultValue = "30s") Duration interval,
            @ConfigProperty(name = "worker.reconcile.reply-retry-after", defaultValue = "5m") Duration replyRetryAfter) {
        this.replyRetryAfter = replyRetryAfter;
        this.view = view;
        this.store = store;
        this.launcher = launcher;
        this.failures = failures;
        this.interval = interval;
    }

    void start(@Observes StartupEvent event) {
        view.start();
        timer.scheduleWithFixedDelay(this::reconcile, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    void reconcile() {
        try {
            List<Session> live = view.matching(SessionQuery.ALL).stream()
                    .filter(s -> s.runLive() && s.podName() != null).toList();
            Map<String, SessionLauncher.Gone> gone = live.isEmpty() ? Map.of() : launcher.goneRuns(live);
            Map<String, Integer> now = new HashMap<>();
            for (Session session : live) {
                SessionLauncher.Gone reason = gone.get(session.id());
                if (reason == null) {
                    continue;
                }
                now.put(session.id(), session.run());
                if (Integer.valueOf(session.run()).equals(goneBefore.get(session.id()))) {
                    end(session, reason);
                }
            }
            goneBefore = now;
            owedBefore = owedReplies();
            keepRunViews();
            launcher.removeFinished(id -> view.get(id).map(SessionView.Versioned::session));
        } catch (RuntimeException e) {
            LOG.warnf("Could not compare live runs with what runs (%s); trying again in %s", e.getMessage(), interval);
        }
    }

    /**
     * The run view of every live run as its record now is: every write keeps it in step, and this writes one that a
     * failure between the two writes left behind (a view from a newer record stays).
     */
    private void keepRunViews() {
        for (Session session : view.matching(SessionQuery.ALL)) {
            if (session.runLive()) {
                try {
                    store.get(session.id()).ifPresent(store::keepRunView);
                } catch (RuntimeException e) {
                    LOG.warnf("The run view of session %s is still behind: %s", session.id(), e.getMessage());
                }
            }
        }
    }

    /**
     * Failure replies that a failed post left owed: once {@code worker.reconcile.reply-retry-after} (5 min, past
     * the runner message's own retries) has passed since the turn ended, and seen owed at two looks in a row,
     * they are posted again, looking first at what the thread has.
     */
    private Map<String, Integer> owedReplies() {
        Map<String, Integer> owed = new HashMap<>();
        for (Session session : view.matching(SessionQuery.ALL)) {
            if (session.status() != dev.agentservices.common.session.SessionStatus.FAILED || !session.runEnded()
                    || session.replyIntentTurn() < session.turn() || session.repliedTurn() >= session.turn()
                    || session.finishedAt() == null || session.finishedAt().isAfter(java.time.Instant.now().minus(replyRetryAfter))) {
                continue;
            }
            owed.put(session.id(), session.turn());
            if (Integer.valueOf(session.turn()).equals(owedBefore.get(session.id()))) {
                try {
                    failures.replyIfOwed(session);
                } catch (RuntimeException e) {
                    LOG.warnf("The failure reply of session %s is still owed: %s", session.id(), e.getMessage());
                }
            }
        }
        return owed;
    }

    private void end(Session seen, SessionLauncher.Gone gone) {
        store.get(seen.id()).map(SessionRepository.Versioned::session)
                .filter(current -> current.run() == seen.run() && current.runLive())
                .ifPresent(current -> {
                    failures.gone(current.id(), current.run(), gone.reason());
                    if (gone.remove()) {
                        launcher.terminate(current); // a pod that cannot start would wait for ever
                    }
                });
    }
}
