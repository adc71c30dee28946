package dev.agentservices.worker.session;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.launch.PodTokenIssuer;
import dev.agentservices.worker.launch.SessionLauncher;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * Applies a conversation's new message to its session: creates the session on first contact (in the team
 * whose channel, project or repository it comes from), starts
 * the next run when none is running, or types the message into the running pod. Idempotent per dedup id:
 * the id is stored in the same compare-and-set write as the message, and a run that was stored but not
 * launched (a crash in between) is launched when the message comes again.
 */
@Singleton
public class SessionService {

    private static final Logger LOG = Logger.getLogger(SessionService.class);

    private final SessionStore store;
    private final SessionLauncher launcher;
    private final PodTokenIssuer tokens;
    private final TeamStore teams;
    private final TeamSlots slots;
    private final Clock clock = Clock.systemUTC();

    public SessionService(SessionStore store, SessionLauncher launcher, PodTokenIssuer tokens, TeamStore teams,
            TeamSlots slots) {
        this.store = store;
        this.launcher = launcher;
        this.tokens = tokens;
        this.teams = teams;
        this.slots = slots;
    }

    /** What applying a message did, for logs, metrics and tests. */
    public enum Applied {
        STARTED_RUN,
        DELIVERED_TO_RUNNING,
        ALREADY_APPLIED,
        SESSION_TERMINATED
    }

    public Applied apply(SessionKey key, Origin origin, String title, SessionMessage message, String dedupId) {
        Instant now = clock.instant();
        String id = store.open(key, newId -> Session.open(newId, key, teams.teamFor(key).orElse(null), title, origin, now))
                .versioned().session().id();
        boolean[] fresh = {false};
        Session session = store.update(id, current -> {
            fresh[0] = false;
            if (current.hasApplied(dedupId) || current.status() == SessionStatus.TERMINATED) {
                return current;
            }
            fresh[0] = true;
            Session next = current.withMessage(message, dedupId);
            return current.run() == 0 || current.status().startsNextRun() ? next.withNextRun(message.text()) : next;
        }).session();
        store.markProcessed(dedupId);

        if (session.status() == SessionStatus.TERMINATED) {
            return Applied.SESSION_TERMINATED;
        }
        if (session.status() == SessionStatus.PENDING && session.podName() == null) {
            launch(session);
            return fresh[0] ? Applied.STARTED_RUN : Applied.ALREADY_APPLIED;
        }
        if (!fresh[0]) {
            return Applied.ALREADY_APPLIED;
        }
        if (session.status() == SessionStatus.RUNNING) {
            launcher.deliver(session, message.text());
            return Applied.DELIVERED_TO_RUNNING;
        }
        return Applied.STARTED_RUN;
    }

    /**
     * Starts a session whose id was chosen by its creator (the dashboard), in the given team, with its
     * first message; safe to repeat with the same dedup id.
     */
    public Applied start(SessionKey key, String id, String team, String title, String instructions,
            SessionMessage first, String dedupId) {
        Instant now = clock.instant();
        store.open(key, id, newId -> Session.open(newId, key, team, title, null, now).withInstructions(instructions));
        return apply(key, null, title, first, dedupId);
    }

    /**
     * Launches the session's current run and records the pod; safe to repeat. When the team runs as many
     * sessions as its concurrency limit allows, the run waits (PENDING, no pod) for {@link QueuedRunStarter}.
     */
    public void launch(Session session) {
        if (!slots.mayStart(session)) {
            LOG.infof("Session %s (%s) run %d waits: team %s runs its limit of %d sessions", session.id(), session.key(),
                    session.run(), session.team(), slots.limit(session));
            return;
        }
        SessionLauncher.Launched launched = launcher.launch(session, tokens.mint(session));
        Instant now = clock.instant();
        store.update(session.id(), current -> current.run() == session.run() && current.status() == SessionStatus.PENDING
                ? current.withStatus(launched.status(), launched.podName(), now) : current);
        LOG.infof("Session %s (%s) run %d: %s %s", session.id(), session.key(), session.run(), launched.status(),
                launched.podName());
    }
}
