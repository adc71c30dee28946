package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonAlias;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One conversation and its runs, the value stored under the session id in the {@code sessions} bucket.
 * Changed only by compare-and-set on the KV revision, so {@code applied} (the dedup ids of the messages
 * that changed it, most recent last) changes in the same write as the state it guards.
 *
 * <p>A conversation is a sequence of <em>turns</em>: a prompt and the agent's answer. A <em>run</em> is one
 * pod (or local process) that takes turns until it has been idle for its window. A follow-up that arrives
 * while a turn runs is queued and becomes the next turn when that one ends: in the same run when the run
 * is still waiting for turns, else in a new run that restores the saved state.
 *
 * @param v            shape version of this JSON, {@link #VERSION}; version 1 records (one turn per run) are read
 *                     as such
 * @param run          the current run, counting from 1; 0 before the first
 * @param turn         the current turn of the conversation, counting from 1; 0 before the first
 * @param runEnded     the current run's process has ended (idle window over, paused, failed): the next turn
 *                     needs a new run
 * @param queued       follow-ups that came while the current turn ran, oldest first, for the next turn
 * @param agentSessionId the agent CLI's own conversation id (Claude Code's {@code session_id}), to resume it
 * @param usage        summed over all turns
 * @param turns        the latest turns, bounded by {@link #TURNS_KEPT}
 * @param repliedTurn  the last turn whose answer was posted to the origin
 * @param replyIntentTurn the last turn whose answer a worker set out to post: a later attempt for that turn first
 *                     looks at the origin for what was already posted, so a crash mid-post never posts twice
 * @param applied      dedup ids of the latest messages applied, bounded by {@link #APPLIED_KEPT}
 * @param runStartedAt when the current run's pod (or local process) was created; null once it ended
 * @param podMillis    how long the session's ended runs had a pod, summed: its pod time, idle waits included
 * @param waitingFor   why the current run has not started: {@link #WAITING_FOR_SLOT}, {@link #WAITING_FOR_BUDGET},
 *                     {@link #WAITING_FOR_RATE} or {@link #WAITING_FOR_CONFIRMATION};
 *                     null when it is not waiting
 * @param conversation the session's conversation with its model (the model-backed agent policy); null for the
 *                     pass-through policy
 * @param workspace    the repository the session works on, planned before its first run; null when it works on
 *                     none (an empty folder)
 * @param progress     how far the current turn's agent got, as its run reported it; null before a report
 */
@JsonIgnoreProperties(ignoreUnknown = true)
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
        int turn,
        boolean runEnded,
        List<SessionMessage> messages,
        List<SessionMessage> queued,
        String prompt,
        String instructions,
        String lastAssistantMessage,
        List<Artifact> artifacts,
        String stateKey,
        String scrollbackKey,
        String agentSessionId,
        Usage usage,
        List<Turn> turns,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        String error,
        @JsonAlias("repliedRun") int repliedTurn,
        int replyIntentTurn,
        List<String> applied,
        Instant runStartedAt,
        long podMillis,
        String waitingFor,
        AgentConversation conversation,
        Workspace workspace,
        Progress progress) {

    /** The run waits for a free slot of its team's concurrency limit. */
    public static final String WAITING_FOR_SLOT = "slot";
    /** The run waits because its team has spent its monthly budget. */
    public static final String WAITING_FOR_BUDGET = "budget";
    /** The run waits because the session started its limit of runs in the last hour. */
    public static final String WAITING_FOR_RATE = "rate";
    /**
     * The run waits for a member to confirm that it may act on what outsiders wrote in its briefing (only a member's
     * answer counts; nothing else starts it).
     */
    public static final String WAITING_FOR_CONFIRMATION = "confirmation";

    public static final int VERSION = 2;
    public static final int APPLIED_KEPT = 64;
    public static final int TURNS_KEPT = 50;
    /** Past this many queued follow-ups, a new one joins the last, so none is dropped and the record stays bounded. */
    public static final int QUEUED_KEPT = 20;
    /** The conversation the record shows: its latest messages, each cut to this many characters. */
    public static final int MESSAGES_KEPT = 50;
    public static final int MESSAGE_TEXT_KEPT = 16_000;
    /** The conversation the record shows holds at most this many characters in all, the oldest messages dropped first. */
    public static final int MESSAGES_TEXT_KEPT = 320_000;
    /** The last answer as the record shows it (the reply itself is posted whole, in pieces). */
    public static final int ANSWER_KEPT = 64_000;

    public Session {
        messages = messages == null ? List.of() : List.copyOf(messages);
        queued = queued == null ? List.of() : List.copyOf(queued);
        artifacts = artifacts == null ? List.of() : List.copyOf(artifacts);
        turns = turns == null ? List.of() : List.copyOf(turns);
        applied = applied == null ? List.of() : List.copyOf(applied);
        if (v < 2) {
            // version 1: each run was one turn, and a run that was not going any more had ended
            turn = run;
            runEnded = status != SessionStatus.PENDING && status != SessionStatus.RUNNING;
            v = VERSION;
        }
    }

    /** A new session with its first message, before any run. */
    public static Session open(String id, SessionKey key, String team, String title, Origin origin, Instant now) {
        return new Session(VERSION, id, key.agent(), key.source(), key, team, title, origin, SessionStatus.PENDING, null, 0, 0,
                false, List.of(), List.of(), null, null, null, List.of(), null, null, null, null, List.of(), now, null, null,
                null, 0, 0, List.of(), null, 0, null, null, null, null);
    }

    public boolean hasApplied(String dedupId) {
        return applied.contains(dedupId);
    }

    /** A turn is going or about to: a follow-up now waits in the queue. */
    public boolean turnInProgress() {
        return run > 0 && (status == SessionStatus.PENDING || status == SessionStatus.RUNNING);
    }

    /** The current run's process is up and can take the next turn without a new run. */
    public boolean runLive() {
        return run > 0 && !runEnded && status != SessionStatus.PAUSED && status != SessionStatus.TERMINATED;
    }

    /** The session's pod time up to {@code now}: its ended runs, and the current one while its pod lives. */
    public long podMillis(Instant now) {
        return podMillis + (runStartedAt == null ? 0 : Math.max(0, now.toEpochMilli() - runStartedAt.toEpochMilli()));
    }

    /** The run waits (PENDING, no pod) for {@code reason}; the launch that follows clears it. */
    public Session withWaiting(String reason) {
        return copy().waitingFor(reason).build();
    }

    /** The turn record of {@code number}, if still kept. */
    public java.util.Optional<Turn> turnRecord(int number) {
        return turns.stream().filter(t -> t.number() == number).findFirst();
    }

    /**
     * Adds a message to the conversation the record shows (the latest {@link #MESSAGES_KEPT}, each cut to
     * {@link #MESSAGE_TEXT_KEPT} characters, {@link #MESSAGES_TEXT_KEPT} in all; the turn's prompt keeps the
     * whole text) and remembers which delivery brought it.
     */
    public Session withMessage(SessionMessage message, String dedupId) {
        List<SessionMessage> all = new ArrayList<>(messages);
        all.add(new SessionMessage(message.author(), cut(message.text(), MESSAGE_TEXT_KEPT), message.attachments(),
                message.time(), message.ref(), message.role()));
        List<SessionMessage> kept = all.size() > MESSAGES_KEPT ? all.subList(all.size() - MESSAGES_KEPT, all.size()) : all;
        long characters = kept.stream().mapToLong(m -> m.text() == null ? 0 : m.text().length()).sum();
        int from = 0;
        while (characters > MESSAGES_TEXT_KEPT && from < kept.size() - 1) {
            characters -= kept.get(from).text() == null ? 0 : kept.get(from).text().length();
            from++;
        }
        return copy().messages(kept.subList(from, kept.size())).applied(remember(dedupId)).build();
    }

    /** {@code text} cut to {@code limit} characters, saying how long it was. */
    static String cut(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        String note = "\n… (" + text.length() + " characters in all)";
        int end = limit - note.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + note;
    }

    /** Queues a follow-up for the turn after the one going. */
    public Session withQueued(SessionMessage message) {
        List<SessionMessage> all = new ArrayList<>(queued);
        if (all.size() >= QUEUED_KEPT) {
            SessionMessage last = all.remove(all.size() - 1);
            message = new SessionMessage(last.author(), last.text() + "\n\n" + message.text(), concat(last.attachments(),
                    message.attachments()), last.time(), last.ref());
        }
        all.add(message);
        return copy().queued(all).build();
    }

    /**
     * Starts the next turn with {@code message} after whatever was queued: in the current run when it is
     * still waiting for turns (RUNNING at once), else in a new run (PENDING, no pod yet).
     */
    public Session withNextTurn(SessionMessage message, Instant now) {
        List<SessionMessage> parts = new ArrayList<>(queued);
        if (message != null) {
            parts.add(message);
        }
        if (parts.isEmpty()) {
            return this;
        }
        String nextPrompt = parts.stream().map(SessionMessage::text).collect(Collectors.joining("\n\n"));
        List<String> refs = parts.stream().map(SessionMessage::ref).filter(r -> r != null).toList();
        boolean sameRun = runLive();
        int nextRun = sameRun ? run : run + 1;
        SessionStatus nextStatus = sameRun ? SessionStatus.RUNNING : SessionStatus.PENDING;
        List<Turn> allTurns = new ArrayList<>(turns);
        allTurns.add(new Turn(turn + 1, nextRun, nextStatus, now, null, null, refs));
        Builder next = copy().turn(turn + 1).queued(List.of()).prompt(nextPrompt).status(nextStatus).artifacts(List.of())
                .finishedAt(null).error(null).turns(bounded(allTurns));
        return sameRun ? next.build() : next.run(nextRun).podName(null).runEnded(false).build();
    }

    /** The queued follow-ups become the next turn; unchanged when none are queued. */
    public Session withQueuedAsNextTurn(Instant now) {
        return queued.isEmpty() ? this : withNextTurn(null, now);
    }

    /** The current turn again, in a new run: its run ended before it took the turn. */
    public Session withTurnInNewRun() {
        List<Turn> allTurns = turns.stream().map(t -> t.number() == turn ? t.inRun(run + 1) : t).toList();
        return copy().run(run + 1).podName(null).runEnded(false).status(SessionStatus.PENDING).finishedAt(null)
                .turns(allTurns).build();
    }

    /** Resumes a paused session in a new run: a turn of its own, from the saved state. */
    public Session withResume(SessionMessage message, String dedupId, Instant now) {
        return withMessage(message, dedupId).withNextTurn(message, now);
    }

    public Session withStatus(SessionStatus newStatus, String newPodName, Instant now) {
        Instant started = newStatus == SessionStatus.RUNNING && startedAt == null ? now : startedAt;
        Instant finished = newStatus == SessionStatus.PENDING || newStatus == SessionStatus.RUNNING ? null : now;
        Builder next = copy().status(newStatus).podName(newPodName == null ? podName : newPodName).startedAt(started)
                .finishedAt(finished).runEnded(runEnded || newStatus == SessionStatus.TERMINATED).waitingFor(null);
        if (newPodName != null && !newPodName.equals(podName)) {
            next.runStartedAt(now);
        }
        if (newStatus == SessionStatus.TERMINATED) {
            next.endRun(now);
        }
        return next.build();
    }

    /** Records the end of turn {@code turnNumber} as the runner reported it; its usage is added to the session's. */
    public Session withTurnOutcome(int turnNumber, SessionStatus outcome, String finalMessage, List<Artifact> turnArtifacts,
            Usage turnUsage, String turnError, String newAgentSessionId, String dedupId, Instant now) {
        List<Turn> allTurns = turns.stream().map(t -> t.number() == turnNumber ? t.ended(outcome, turnUsage, now) : t).toList();
        return copy().status(outcome).lastAssistantMessage(cut(finalMessage, ANSWER_KEPT)).artifacts(turnArtifacts)
                .usage(turnUsage == null ? usage : (usage == null ? Usage.NONE : usage).plus(turnUsage)).error(turnError)
                .agentSessionId(newAgentSessionId == null ? agentSessionId : newAgentSessionId).finishedAt(now)
                .turns(allTurns).applied(remember(dedupId)).build();
    }

    /** The run's process failed or vanished: the turn going (if any) failed with {@code reason}. */
    public Session withRunFailed(String reason, Instant now) {
        Session failed = turnInProgress()
                ? withTurnOutcome(turn, SessionStatus.FAILED, lastAssistantMessage, artifacts, null, reason, null, null, now)
                : this;
        return failed.copy().runEnded(true).endRun(now).build();
    }

    /** The run's process ended after its idle window, its state saved under {@code newStateKey}. */
    public Session withRunEnded(String newStateKey, String dedupId, Instant now) {
        return copy().runEnded(true).stateKey(newStateKey == null ? stateKey : newStateKey).applied(remember(dedupId))
                .endRun(now).build();
    }

    /** Records a pause: the state to restore on the next run. */
    public Session withPause(String newStateKey, String newScrollbackKey, String finalMessage, String dedupId, Instant now) {
        return copy().status(SessionStatus.PAUSED).runEnded(true)
                .lastAssistantMessage(finalMessage == null ? lastAssistantMessage : cut(finalMessage, ANSWER_KEPT)).stateKey(newStateKey)
                .scrollbackKey(newScrollbackKey).finishedAt(now).applied(remember(dedupId)).endRun(now).build();
    }

    /** The standing instructions every run of this session gets, e.g. from the dashboard or a team default. */
    /** The repository the session works on, once planned (see {@link Workspace}). */
    public Session withWorkspace(Workspace newWorkspace) {
        return copy().workspace(newWorkspace).build();
    }

    public Session withInstructions(String newInstructions) {
        return copy().instructions(newInstructions).build();
    }

    /** The current turn's progress as its run reported it (see {@link Progress}). */
    public Session withProgress(Progress newProgress) {
        return copy().progress(newProgress).build();
    }

    /** The progress of turn {@code turnNumber} of the current run, if that is what was reported last. */
    public java.util.Optional<Progress> progressOf(int turnNumber) {
        return java.util.Optional.ofNullable(progress).filter(p -> p.run() == run && p.turn() == turnNumber);
    }

    public Session withRepliedTurn(int replied) {
        return copy().repliedTurn(replied).build();
    }

    /** The model conversation as changed by {@code change} (from an empty one when the session has none). */
    public Session withConversation(java.util.function.UnaryOperator<AgentConversation> change) {
        return copy().conversation(change.apply(conversation == null ? AgentConversation.empty() : conversation)).build();
    }

    /** Adds what a model call used to the session's usage. */
    public Session withModelUsage(Usage used) {
        return copy().usage((usage == null ? Usage.NONE : usage).plus(used)).build();
    }

    /** Adds a message the record shows without it being a delivery of its own (the agent's reply, a run's answer). */
    public Session withShown(SessionMessage message) {
        return withMessage(message, null);
    }

    public Session withReplyIntent(int turnToPost) {
        return copy().replyIntentTurn(turnToPost).build();
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

    private static List<Turn> bounded(List<Turn> all) {
        return all.size() > TURNS_KEPT ? all.subList(all.size() - TURNS_KEPT, all.size()) : all;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private Builder copy() {
        return new Builder(this);
    }

    /** A copy with some fields changed: the one place that lists every field, so each change names only its own. */
    private static final class Builder {
        private final Session s;
        private SessionStatus status;
        private String podName;
        private int run;
        private int turn;
        private boolean runEnded;
        private List<SessionMessage> messages;
        private List<SessionMessage> queued;
        private String prompt;
        private String instructions;
        private String lastAssistantMessage;
        private List<Artifact> artifacts;
        private String stateKey;
        private String scrollbackKey;
        private String agentSessionId;
        private Usage usage;
        private List<Turn> turns;
        private Instant startedAt;
        private Instant finishedAt;
        private String error;
        private int repliedTurn;
        private int replyIntentTurn;
        private List<String> applied;
        private Instant runStartedAt;
        private long podMillis;
        private String waitingFor;
        private AgentConversation conversation;
        private Workspace workspace;
        private Progress progress;

        Builder(Session s) {
            this.s = s;
            status = s.status;
            podName = s.podName;
            run = s.run;
            turn = s.turn;
            runEnded = s.runEnded;
            messages = s.messages;
            queued = s.queued;
            prompt = s.prompt;
            instructions = s.instructions;
            lastAssistantMessage = s.lastAssistantMessage;
            artifacts = s.artifacts;
            stateKey = s.stateKey;
            scrollbackKey = s.scrollbackKey;
            agentSessionId = s.agentSessionId;
            usage = s.usage;
            turns = s.turns;
            startedAt = s.startedAt;
            finishedAt = s.finishedAt;
            error = s.error;
            repliedTurn = s.repliedTurn;
            replyIntentTurn = s.replyIntentTurn;
            applied = s.applied;
            runStartedAt = s.runStartedAt;
            podMillis = s.podMillis;
            waitingFor = s.waitingFor;
            conversation = s.conversation;
            workspace = s.workspace;
            progress = s.progress;
        }

        Builder status(SessionStatus value) { status = value; return this; }
        Builder podName(String value) { podName = value; return this; }
        Builder run(int value) { run = value; return this; }
        Builder turn(int value) { turn = value; return this; }
        Builder runEnded(boolean value) { runEnded = value; return this; }
        Builder messages(List<SessionMessage> value) { messages = value; return this; }
        Builder queued(List<SessionMessage> value) { queued = value; return this; }
        Builder prompt(String value) { prompt = value; return this; }
        Builder instructions(String value) { instructions = value; return this; }
        Builder lastAssistantMessage(String value) { lastAssistantMessage = value; return this; }
        Builder artifacts(List<Artifact> value) { artifacts = value; return this; }
        Builder stateKey(String value) { stateKey = value; return this; }
        Builder scrollbackKey(String value) { scrollbackKey = value; return this; }
        Builder agentSessionId(String value) { agentSessionId = value; return this; }
        Builder usage(Usage value) { usage = value; return this; }
        Builder turns(List<Turn> value) { turns = value; return this; }
        Builder startedAt(Instant value) { startedAt = value; return this; }
        Builder finishedAt(Instant value) { finishedAt = value; return this; }
        Builder error(String value) { error = value; return this; }
        Builder repliedTurn(int value) { repliedTurn = value; return this; }
        Builder replyIntentTurn(int value) { replyIntentTurn = value; return this; }
        Builder applied(List<String> value) { applied = value; return this; }
        Builder runStartedAt(Instant value) { runStartedAt = value; return this; }
        Builder waitingFor(String value) { waitingFor = value; return this; }
        Builder conversation(AgentConversation value) { conversation = value; return this; }
        Builder workspace(Workspace value) { workspace = value; return this; }
        Builder progress(Progress value) { progress = value; return this; }

        /** The run's pod is gone (or going): its time joins the session's pod time. */
        Builder endRun(Instant now) {
            if (runStartedAt != null && now != null) {
                podMillis += Math.max(0, now.toEpochMilli() - runStartedAt.toEpochMilli());
                runStartedAt = null;
            }
            return this;
        }

        Session build() {
            return new Session(s.v, s.id, s.agent, s.source, s.key, s.team, s.title, s.origin, status, podName, run, turn,
                    runEnded, messages, queued, prompt, instructions, lastAssistantMessage, artifacts, stateKey, scrollbackKey,
                    agentSessionId, usage, turns, s.createdAt, startedAt, finishedAt, error, repliedTurn, replyIntentTurn, applied,
                    runStartedAt, podMillis, waitingFor, conversation, workspace, progress);
        }
    }
}
