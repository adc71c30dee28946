package dev.agentservices.common.session;

import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One conversation and its runs, the value stored under the session id in the {@code sessions} bucket.
 * Changed only by compare-and-set on the KV revision, so {@code applied} (the dedup ids of the messages
 * that changed it, most recent last) changes in the same write as the state it guards.
 *
 * @param v            shape version of this JSON, {@link #VERSION}
 * @param run          the current run, counting from 1; 0 before the first
 * @param repliedRun   the last run whose outcome was posted to the origin
 * @param applied      dedup ids of the latest messages applied, bounded by {@link #APPLIED_KEPT}
 */
public record Session(
        int v,
        String id,
        String agent,
        SessionSource source,
        SessionKey key,
        String team,
        String title,
        Origin origin,
        SessionStatus status,
        String podName,
        int run,
        List<SessionMessage> messages,
        String prompt,
        String instructions,
        String lastAssistantMessage,
        List<Artifact> artifacts,
        String stateKey,
        String scrollbackKey,
        Usage usage,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String error,
        int repliedRun,
        List<String> applied) {

    public static final int VERSION = 1;
    public static final int APPLIED_KEPT = 64;

    public Session {
        messages = messages == null ? List.of() : List.copyOf(messages);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        applied = applied == null ? List.of() : List.copyOf(applied);
    }

    /** A new session with its first message, before any run. */
    public static Session open(String id, SessionKey key, String team, String title, Origin origin, Instant now) {
        return new Session(VERSION, id, key.agent(), key.source(), key, team, title, origin, SessionStatus.PENDING, null, 0,
                List.of(), null, null, null, List.of(), null, null, null, now, null, null, null, 0, List.of());
    }

    public boolean hasApplied(String dedupId) {
        return applied.contains(dedupId);
    }

    /** Adds a message and remembers which delivery brought it. */
    public Session withMessage(SessionMessage message, String dedupId) {
        List<SessionMessage> all = new ArrayList<>(messages);
        all.add(message);
        return new Session(v, id, agent, source, key, team, title, origin, status, podName, run, all, prompt, instructions,
                lastAssistantMessage, artifacts, stateKey, scrollbackKey, usage, createdAt, startedAt, finishedAt, error,
                repliedRun, remember(dedupId));
    }

    /** Starts the next run: PENDING, no pod yet, the previous outcome cleared. */
    public Session withNextRun(String runPrompt) {
        return new Session(v, id, agent, source, key, team, title, origin, SessionStatus.PENDING, null, run + 1, messages,
                runPrompt, instructions, lastAssistantMessage, List.of(), stateKey, scrollbackKey, usage, createdAt, null, null,
                null, repliedRun, applied);
    }

    public Session withStatus(SessionStatus newStatus, String newPodName, Instant now) {
        Instant started = newStatus == SessionStatus.RUNNING && startedAt == null ? now : startedAt;
        Instant finished = newStatus == SessionStatus.PENDING || newStatus == SessionStatus.RUNNING ? null : now;
        return new Session(v, id, agent, source, key, team, title, origin, newStatus, newPodName == null ? podName : newPodName,
                run, messages, prompt, instructions, lastAssistantMessage, artifacts, stateKey, scrollbackKey, usage, createdAt,
                started, finished, error, repliedRun, applied);
    }

    /** Records a run's reported outcome. */
    public Session withOutcome(SessionStatus outcome, String finalMessage, List<Artifact> runArtifacts, Usage runUsage,
            String runError, String dedupId, Instant now) {
        return new Session(v, id, agent, source, key, team, title, origin, outcome, podName, run, messages, prompt, instructions,
                finalMessage, runArtifacts, stateKey, scrollbackKey, runUsage == null ? usage : runUsage, createdAt, startedAt,
                now, runError, repliedRun, remember(dedupId));
    }

    /** Records a pause: the state to restore on the next run. */
    public Session withPause(String newStateKey, String newScrollbackKey, String finalMessage, String dedupId, Instant now) {
        return new Session(v, id, agent, source, key, team, title, origin, SessionStatus.PAUSED, podName, run, messages, prompt,
                instructions, finalMessage == null ? lastAssistantMessage : finalMessage, artifacts, newStateKey,
                newScrollbackKey, usage, createdAt, startedAt, now, error, repliedRun, remember(dedupId));
    }

    /** The standing instructions every run of this session gets, e.g. from the dashboard or a team default. */
    public Session withInstructions(String newInstructions) {
        return new Session(v, id, agent, source, key, team, title, origin, status, podName, run, messages, prompt,
                newInstructions, lastAssistantMessage, artifacts, stateKey, scrollbackKey, usage, createdAt, startedAt,
                finishedAt, error, repliedRun, applied);
    }

    public Session withRepliedRun(int replied) {
        return new Session(v, id, agent, source, key, team, title, origin, status, podName, run, messages, prompt, instructions,
                lastAssistantMessage, artifacts, stateKey, scrollbackKey, usage, createdAt, startedAt, finishedAt, error,
                replied, applied);
    }

    private List<String> remember(String dedupId) {
        if (dedupId == null) {
            return applied;
        }
        Set<String> ids = new LinkedHashSet<>(applied);
        ids.remove(dedupId);
        ids.add(dedupId);
        List<String> kept = new ArrayList<>(ids);
        return kept.size() > APPLIED_KEPT ? kept.subList(kept.size() - APPLIED_KEPT, kept.size()) : kept;
    }
}
