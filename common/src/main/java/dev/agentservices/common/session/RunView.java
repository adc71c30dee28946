package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import java.util.List;

/**
 * What a session's run may know of its session, and all that runner-api reads of one: the worker keeps it in the KV
 * bucket {@code runs} (key: the session id) beside its own record, written whenever a write of the record changes it and
 * deleted when the session leaves the live bucket. It holds the run's context (prompt, instructions, the messages the
 * record shows, workspace, saved state, where replies go) and what authorizes a report (run, turn, status); never the
 * model conversation, the queue, delivery ids or usage, which are the worker's.
 *
 * @param v        shape version of this JSON, {@link #VERSION}
 * @param revision the KV revision of the session record it was taken from: a view is replaced only by a newer one
 * @param turnRefs the references of the messages that make the current turn
 * @param messages the messages the record showed when the view was last written: the ones of the current turn and
 *                 before (a follow-up queued since comes with its turn)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunView(int v, long revision, String id, String agent, SessionKey key, String title, SessionStatus status,
        int run, int turn, List<String> turnRefs, String prompt, String instructions, List<SessionMessage> messages, String stateKey,
        String scrollbackKey, String agentSessionId, Workspace workspace, Origin origin) {

    public static final int VERSION = 1;

    public RunView {
        messages = messages == null ? List.of() : List.copyOf(messages);
        turnRefs = turnRefs == null ? List.of() : List.copyOf(turnRefs);
    }

    /** The view of {@code session} as stored at {@code revision}. */
    public static RunView of(Session session, long revision) {
        return new RunView(VERSION, revision, session.id(), session.agent(), session.key(), session.title(), session.status(),
                session.run(), session.turn(), session.turnRecord(session.turn()).map(Turn::refs).orElse(List.of()), session.prompt(), session.instructions(), session.messages(), session.stateKey(),
                session.scrollbackKey(), session.agentSessionId(), session.workspace(), session.origin());
    }

    public SessionSource source() {
        return key.source();
    }

    /**
     * Whether the two views say the same of the run, whatever record revision each was taken from and whatever messages
     * came in since: a follow-up queued behind the turn going changes nothing a run needs until its turn starts.
     */
    public boolean sameRunAs(RunView other) {
        return other != null && equals(new RunView(v, revision, other.id, other.agent, other.key, other.title, other.status,
                other.run, other.turn, other.turnRefs, other.prompt, other.instructions, messages, other.stateKey, other.scrollbackKey,
                other.agentSessionId, other.workspace, other.origin));
    }
}
