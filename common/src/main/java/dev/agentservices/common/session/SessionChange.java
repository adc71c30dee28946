package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.agentservices.common.model.SessionSource;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One change of a live session record, as the worker publishes it on {@code history.{agent}.{sessionId}} for the
 * history's projector: the summary as it now stands, and only what the change added to the conversation (new
 * messages and artifacts, turns that changed), never the whole record or its model conversation. {@code revision} is
 * the record's KV revision: a projector keeps a summary only when it is newer than the one it has, and messages and
 * artifacts are added at most once, so a replayed or reordered event changes nothing.
 *
 * @param lastAssistantMessage the last answer when this change set it; null when it did not change
 * @param deleted              the session was deleted by a user: its history goes too
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SessionChange(int v, String id, long revision, boolean deleted, String agent, SessionSource source, String key,
        String team, String title, SessionStatus status, String waitingFor, String podName, int run, int turn,
        Instant createdAt, Instant startedAt, Instant finishedAt, String error, Usage usage, long podMillis,
        String lastAssistantMessage, List<SessionMessage> messages, List<Turn> turns, List<Artifact> artifacts) {

    public static final int VERSION = 1;

    public SessionChange {
        messages = messages == null ? List.of() : List.copyOf(messages);
        turns = turns == null ? List.of() : List.copyOf(turns);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        usage = usage == null ? Usage.NONE : usage;
    }

    /** The change from {@code before} (null: the session is new, everything it holds is added) to {@code after}. */
    public static SessionChange between(Session before, Session after, long revision) {
        List<SessionMessage> messages = added(before == null ? List.of() : before.messages(), after.messages());
        List<Artifact> artifacts = added(before == null ? List.of() : before.artifacts(), after.artifacts());
        List<Turn> turns = added(before == null ? List.of() : before.turns(), after.turns());
        String answer = before != null && Objects.equals(before.lastAssistantMessage(), after.lastAssistantMessage()) ? null
                : after.lastAssistantMessage();
        return new SessionChange(VERSION, after.id(), revision, false, after.agent(), after.source(), after.key().toString(),
                after.team(), after.title(), after.status(), after.waitingFor(), after.podName(), after.run(), after.turn(),
                after.createdAt(), after.startedAt(), after.finishedAt(), after.error(), after.usage(), after.podMillis(), answer,
                messages, turns, artifacts);
    }

    /**
     * Whether this change (made from {@code before}) alters nothing the history keeps: no message, turn, artifact or
     * answer added, and the same summary (a reply marked as posted, a progress report, a dedup id remembered). The
     * worker does not publish such a change.
     */
    public boolean altersNothingOf(Session before) {
        return before != null && messages.isEmpty() && turns.isEmpty() && artifacts.isEmpty() && lastAssistantMessage == null
                && Objects.equals(team, before.team()) && Objects.equals(title, before.title()) && status == before.status()
                && Objects.equals(waitingFor, before.waitingFor()) && Objects.equals(podName, before.podName()) && run == before.run()
                && turn == before.turn() && Objects.equals(startedAt, before.startedAt())
                && Objects.equals(finishedAt, before.finishedAt()) && Objects.equals(error, before.error())
                && Objects.equals(usage, before.usage() == null ? Usage.NONE : before.usage()) && podMillis == before.podMillis();
    }

    /** The whole session as one change: what the archiver and a catch-up write, so the history holds all of it. */
    public static SessionChange whole(Session session, long revision) {
        return between(null, session, revision);
    }

    /** The session was deleted: {@code revision} orders it after every change of the record. */
    public static SessionChange deletion(Session session, long revision) {
        return new SessionChange(VERSION, session.id(), revision, true, session.agent(), session.source(), session.key().toString(),
                session.team(), session.title(), session.status(), null, null, session.run(), session.turn(), session.createdAt(),
                session.startedAt(), session.finishedAt(), session.error(), session.usage(), session.podMillis(), null, List.of(),
                List.of(), List.of());
    }

    /** The items of {@code after} that {@code before} does not hold (a record keeps its latest items, oldest dropped first). */
    private static <T> List<T> added(List<T> before, List<T> after) {
        if (before.isEmpty()) {
            return after;
        }
        Set<T> known = new HashSet<>(before);
        return after.stream().filter(item -> !known.contains(item)).toList();
    }
}
