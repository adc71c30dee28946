package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.util.List;

/**
 * One turn of a session's conversation: a prompt (the first message, or the follow-ups that came while
 * the turn before ran) and the agent's answer to it. Kept in the record for the dashboard and for the
 * reactions on the messages that started it.
 *
 * @param number the session's turn count, from 1
 * @param run    the run (pod) the turn ran in
 * @param refs   the platform references of the messages that make up its prompt
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Turn(int number, int run, SessionStatus status, Instant startedAt, Instant finishedAt, Usage usage,
        List<String> refs) {

    public Turn {
        refs = refs == null ? List.of() : List.copyOf(refs);
    }

    Turn ended(SessionStatus outcome, Usage turnUsage, Instant now) {
        return new Turn(number, run, outcome, startedAt, now, turnUsage, refs);
    }

    Turn inRun(int newRun) {
        return new Turn(number, newRun, SessionStatus.PENDING, startedAt, null, null, refs);
    }
}
