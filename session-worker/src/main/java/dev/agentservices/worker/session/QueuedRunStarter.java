package dev.agentservices.worker.session;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionQuery;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.SessionView;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Starts the runs that waited for a free slot of their team or for its budget, oldest first, when a slot
 * frees or the budget allows ({@link SessionService#launch} decides again), and gives a live run the follow-ups
 * held for the budget once it allows ({@link SessionService#releaseHeld}). It looks
 * every {@code worker.queue.check-interval} and takes only sessions it already saw waiting the time
 * before, so it never races the message handler that is launching a run at this moment.
 */
@Singleton
public class QueuedRunStarter {

    private static final Logger LOG = Logger.getLogger(QueuedRunStarter.class);

    private final SessionView view;
    private final SessionRepository store;
    private final SessionService sessions;
    private final TeamSlots slots;
    private final TeamBudget budget;
    private final Duration interval;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "queued-runs");
        thread.setDaemon(true);
        return thread;
    });
    private Set<String> seenWaiting = Set.of();
    private Set<String> seenHeld = Set.of();

    public QueuedRunStarter(SessionView view, SessionRepository store, SessionService sessions, TeamSlots slots, TeamBudget budget,
            @ConfigProperty(name = "worker.queue.check-interval", defaultValue = "5s") Duration interval) {
        this.view = view;
        this.store = store;
        this.sessions = sessions;
        this.slots = slots;
        this.budget = budget;
        this.interval = interval;
    }

    void start(@Observes StartupEvent event) {
        view.start();
        timer.scheduleWithFixedDelay(this::startWaitingRuns, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent event) {
        timer.shutdownNow();
    }

    /** Live runs whose follow-ups wait for the budget (a turn ended, something queued): given to the run once it allows. */
    private void releaseHeldFollowUps() {
        SessionQuery ended = new SessionQuery(Set.of(), Set.of(), Set.of(SessionStatus.SUCCEEDED, SessionStatus.FAILED), Set.of(),
                null, null, null);
        Set<String> now = new HashSet<>();
        for (Session session : view.matching(ended)) {
            if (!session.runLive() || session.queued().isEmpty()) {
                continue;
            }
            now.add(session.id());
            if (seenHeld.contains(session.id()) && budget.overBudget(session).isEmpty()) {
                sessions.releaseHeld(session);
            }
        }
        seenHeld = now;
    }

    void startWaitingRuns() {
        try {
            SessionQuery pending = new SessionQuery(Set.of(), Set.of(), Set.of(SessionStatus.PENDING), Set.of(), null, null, null);
            List<Session> waiting = view.matching(pending).stream()
                    // a run waiting for a member's confirmation starts on their answer only; sessions without a team
                    // wait for their shared budget or the run rate, never for a slot
                    .filter(s -> s.podName() == null && s.run() > 0 && !Session.WAITING_FOR_CONFIRMATION.equals(s.waitingFor())
                            && (s.team() != null || s.waitingFor() != null))
                    .sorted(Comparator.comparing(Session::createdAt)).toList();
            Set<String> now = new HashSet<>();
            for (Session session : waiting) {
                now.add(session.id());
                boolean waits = session.waitingFor() != null || slots.limit(session) > 0;
                if (seenWaiting.contains(session.id()) && waits && slots.mayStart(session) && budget.overBudget(session).isEmpty()) {
                    store.get(session.id()).map(SessionRepository.Versioned::session)
                            .filter(current -> current.status() == SessionStatus.PENDING && current.podName() == null)
                            .ifPresent(current -> {
                                LOG.infof("Session %s of team %s: it may start now (it waited for its %s), starting run %d",
                                        current.id(), current.team(), current.waitingFor() == null ? Session.WAITING_FOR_SLOT
                                                : current.waitingFor(), current.run());
                                sessions.launch(current);
                            });
                }
            }
            seenWaiting = now;
            releaseHeldFollowUps();
        } catch (RuntimeException e) {
            LOG.warnf("Could not start waiting runs (%s); trying again in %s", e.getMessage(), interval);
        }
    }
}
