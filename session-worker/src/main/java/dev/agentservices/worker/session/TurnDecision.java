package dev.agentservices.worker.session;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.worker.session.SessionService.Applied;
import java.time.Instant;
import java.util.regex.Pattern;

/**
 * What a member's message does to its session, decided from the session alone: the next turn (in the run waiting for
 * turns or a new run), a follow-up queued behind the turn going or held for the team's budget, the confirmation a waiting
 * run needed, or nothing (applied before, or the session was terminated). {@link SessionService} applies it inside a
 * compare-and-set, so it is decided again on the newer version when another writer got there first.
 *
 * @param applied what the message did
 * @param next the session with the message applied; the same instance when nothing changes
 */
record TurnDecision(Applied applied, Session next) {

    private static final Pattern MENTION = Pattern.compile("<@[^>]+>|@[A-Za-z0-9_-]+(\\[bot])?");
    private static final Pattern CONFIRM = Pattern.compile("(?i)confirm(ed)?[.!]?");

    /**
     * @param budgetSpent the session's team has spent its budget (a turn inside a live run costs as a new run does)
     */
    static TurnDecision of(Session current, SessionMessage message, String dedupId, boolean budgetSpent, Instant now) {
        if (current.hasApplied(dedupId) || current.status() == SessionStatus.TERMINATED) {
            return new TurnDecision(Applied.ALREADY_APPLIED, current);
        }
        Session next = current.withMessage(message, dedupId);
        if (current.workspace() != null && current.workspace().awaitsConfirmation() && confirms(message)) {
            // only members' messages reach a session (the gateway keeps outsiders out), so this one counts
            return new TurnDecision(Applied.CONFIRMED, next.withWorkspace(current.workspace().confirmed()));
        }
        if (current.turnInProgress()) {
            return new TurnDecision(Applied.QUEUED, next.withQueued(message));
        }
        if (current.runLive() && budgetSpent) {
            return new TurnDecision(Applied.HELD_FOR_BUDGET, next.withQueued(message));
        }
        return new TurnDecision(current.runLive() ? Applied.NEXT_TURN : Applied.STARTED_RUN, next.withNextTurn(message, now));
    }

    /**
     * The follow-ups held while the run is live become its next turn; the same instance when a turn is going, the run
     * ended, or nothing is held.
     */
    static Session releasingHeld(Session current, Instant now) {
        return !current.turnInProgress() && current.runLive() && !current.queued().isEmpty()
                ? current.withQueuedAsNextTurn(now) : current;
    }

    /** The session's run is stored but has no pod yet: it waits for its launch (PENDING without a pod). */
    static boolean waitsForLaunch(Session session) {
        return session.status() == SessionStatus.PENDING && session.podName() == null && session.run() > 0;
    }

    /**
     * Whether a member's message confirms the waiting run: besides mentions it says only "confirm" (or "confirmed"), so
     * that a question such as "can you confirm the bug?" does not.
     */
    static boolean confirms(SessionMessage message) {
        return message.text() != null && CONFIRM.matcher(MENTION.matcher(message.text()).replaceAll("").strip()).matches();
    }
}
