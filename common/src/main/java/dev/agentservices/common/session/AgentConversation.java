package dev.agentservices.common.session;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * A session's conversation with its model (the model-backed agent policy), stored in the session record
 * so that it survives worker restarts and is changed by the same compare-and-set as the rest.
 *
 * <p>Events (people's messages, run outcomes and failures, a pause) wait in the {@code inbox} until the
 * next model call <em>seals</em> them into one user message: first a {@code tool_result} for each tool
 * use of the model's last answer (a run's outcome for {@code start_run}, the person's answer for
 * {@code ask}), then the rest as text. A sealed call is {@code pendingCall} until its answer is stored,
 * so a redelivered event, or another worker, finds the answer and never asks the model twice for it;
 * {@code actIntentCall} and {@code actedCall} do the same for carrying out the answer's actions.
 *
 * @param messages      the latest calls' messages, bounded by {@link #MESSAGES_KEPT} and {@link #TEXT_KEPT} (older
 *                      calls are dropped whole)
 * @param inbox         events not yet sent to the model, oldest first
 * @param results       tool results known when the tool was carried out (a reply posted, a run queued)
 * @param seen          ids of the latest events recorded, bounded by {@link #SEEN_KEPT}
 * @param calls         model calls answered so far
 * @param pendingCall   the sealed call waiting for its answer; 0 when none
 * @param omitted       how many calls were dropped from the front
 * @param usage         tokens (and cost) of all model calls; also counted into the session's usage
 * @param month         the calendar month (UTC, {@code 2026-11}) of {@code monthUsage}
 * @param claimedCall   the pending call a worker is asking the model now, until {@code claimedUntil}: another worker
 *                      (a concurrent event, another replica) waits for its answer instead of asking too
 * @param budgetWaitCall the pending call that waits for a token or cost budget (asked as soon as it allows)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AgentConversation(List<ModelMessage> messages, List<Event> inbox, List<ModelBlock> results, List<String> seen,
        int calls, int pendingCall, int actIntentCall, int actedCall, int noticedCall, int omitted, Usage usage,
        String month, Usage monthUsage, int claimedCall, Instant claimedUntil, int budgetWaitCall) {

    public static final int MESSAGES_KEPT = 40;
    public static final int SEEN_KEPT = 64;
    public static final int INBOX_KEPT = 20;
    public static final int BLOCK_TEXT_KEPT = 8_000;
    /** At most this many characters of history are kept, so the record stays well inside one NATS message. */
    public static final int TEXT_KEPT = 160_000;
    /**
     * Stored for an answer without content (the API answers so at times), since the API refuses an empty
     * assistant message in the history; it is not a reply.
     */
    public static final String NO_ANSWER = "(no answer)";

    /** What happened, waiting for the model: {@link #PERSON}, {@link #OUTCOME}, {@link #FAILURE} or {@link #PAUSE}. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Event(String kind, String text) {
    }

    public static final String PERSON = "person";
    public static final String OUTCOME = "outcome";
    public static final String FAILURE = "failure";
    public static final String PAUSE = "pause";

    public AgentConversation {
        messages = messages == null ? List.of() : List.copyOf(messages);
        inbox = inbox == null ? List.of() : List.copyOf(inbox);
        results = results == null ? List.of() : List.copyOf(results);
        seen = seen == null ? List.of() : List.copyOf(seen);
        usage = usage == null ? Usage.NONE : usage;
        monthUsage = monthUsage == null ? Usage.NONE : monthUsage;
    }

    public static AgentConversation empty() {
        return new AgentConversation(List.of(), List.of(), List.of(), List.of(), 0, 0, 0, 0, 0, 0, Usage.NONE, null, Usage.NONE, 0, null, 0);
    }

    public boolean hasSeen(String eventId) {
        return seen.contains(eventId);
    }

    /**
     * Records an event once (by {@code eventId}); past {@link #INBOX_KEPT} waiting events a new one joins
     * the last, so none is dropped and the record stays bounded.
     */
    public AgentConversation withEvent(String eventId, Event event) {
        if (hasSeen(eventId)) {
            return this;
        }
        List<Event> all = new ArrayList<>(inbox);
        Event cut = new Event(event.kind(), Session.cut(event.text(), BLOCK_TEXT_KEPT));
        if (all.size() >= INBOX_KEPT) {
            Event last = all.remove(all.size() - 1);
            cut = new Event(last.kind(), Session.cut(last.text() + "\n\n" + cut.text(), BLOCK_TEXT_KEPT));
        }
        all.add(cut);
        return new AgentConversation(messages, all, results, remember(seen, eventId), calls, pendingCall, actIntentCall, actedCall,
                noticedCall, omitted, usage, month, monthUsage, claimedCall, claimedUntil, budgetWaitCall);
    }

    /** Whether an event waits that the model should answer (a pause alone waits for the next one). */
    @JsonIgnore
    public boolean hasWork() {
        return inbox.stream().anyMatch(event -> !PAUSE.equals(event.kind()));
    }

    /**
     * Seals the inbox into the next call's user message when no call is pending, the last answer's actions
     * were carried out, and something waits:
     * a result for each tool use of the model's last answer, then the remaining events as text.
     */
    public AgentConversation sealed() {
        if (pendingCall != 0 || actedCall < calls || !hasWork()) {
            return this;
        }
        List<Event> left = new ArrayList<>(inbox);
        List<ModelBlock> content = new ArrayList<>();
        ModelMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
        if (last != null && ModelMessage.ASSISTANT.equals(last.role())) {
            for (ModelBlock use : last.toolUses()) {
                content.add(resultFor(use, left));
            }
        }
        for (Event event : left) {
            content.add(ModelBlock.text(event.text()));
        }
        int call = calls + 1;
        List<ModelMessage> all = new ArrayList<>(messages);
        all.add(new ModelMessage(ModelMessage.USER, content, call));
        return new AgentConversation(all, List.of(), List.of(), seen, calls, call, actIntentCall, actedCall, noticedCall,
                omitted, usage, month, monthUsage, claimedCall, claimedUntil, budgetWaitCall);
    }

    /** The result of a tool use: as recorded when it was carried out, else from the events that answer it. */
    private ModelBlock resultFor(ModelBlock use, List<Event> left) {
        for (ModelBlock result : results) {
            if (use.id().equals(result.toolUseId())) {
                return result;
            }
        }
        String answeredBy = switch (use.name()) {
            case "start_run" -> OUTCOME;
            case "ask" -> PERSON;
            default -> null;
        };
        for (int i = 0; answeredBy != null && i < left.size(); i++) {
            Event event = left.get(i);
            if (answeredBy.equals(event.kind()) || (OUTCOME.equals(answeredBy) && FAILURE.equals(event.kind()))) {
                left.remove(i);
                return ModelBlock.toolResult(use.id(), event.text(), FAILURE.equals(event.kind()));
            }
        }
        return switch (use.name()) {
            case "start_run" -> ModelBlock.toolResult(use.id(), "The run is still working on it; its outcome comes in a later message.", false);
            case "ask" -> ModelBlock.toolResult(use.id(), "No answer yet.", false);
            case "reply" -> ModelBlock.toolResult(use.id(), "Posted in the conversation.", false);
            case "pause", "finish" -> ModelBlock.toolResult(use.id(), "Done.", false);
            default -> ModelBlock.toolResult(use.id(), "There is no tool named " + use.name() + ".", true);
        };
    }

    /** A tool's result known when it was carried out; used when the next call is sealed. */
    public AgentConversation withResult(ModelBlock result) {
        List<ModelBlock> all = new ArrayList<>(results);
        all.removeIf(known -> known.toolUseId().equals(result.toolUseId()));
        all.add(result.cut(BLOCK_TEXT_KEPT));
        return new AgentConversation(messages, inbox, all, seen, calls, pendingCall, actIntentCall, actedCall, noticedCall,
                omitted, usage, month, monthUsage, claimedCall, claimedUntil, budgetWaitCall);
    }

    /**
     * Stores the answer of the pending call {@code call} (once: a second answer for it is dropped) with
     * what it used, drops the oldest calls past {@link #MESSAGES_KEPT}, and seals the next call when
     * events came meanwhile.
     */
    public AgentConversation withAnswer(int call, List<ModelBlock> answer, Usage used, Instant now) {
        if (pendingCall != call) {
            return this;
        }
        List<ModelMessage> all = withAnswerMessage(answer);
        int dropped = omitted + dropOldest(all, new ArrayList<>());
        String thisMonth = YearMonth.from(now.atZone(ZoneOffset.UTC)).toString();
        Usage monthSoFar = thisMonth.equals(month) ? monthUsage : Usage.NONE;
        return new AgentConversation(all, inbox, results, seen, call, 0, actIntentCall, actedCall, noticedCall, dropped,
                usage.plus(used), thisMonth, monthSoFar.plus(used), 0, null, 0).sealed();
    }

    /** The messages of the calls that storing {@code answer} will drop (oldest first), to keep them elsewhere first. */
    public List<ModelMessage> droppedBy(List<ModelBlock> answer) {
        List<ModelMessage> dropped = new ArrayList<>();
        dropOldest(withAnswerMessage(answer), dropped);
        return dropped;
    }

    /** The kept messages with the pending call's answer added (blocks cut; an empty answer as {@link #NO_ANSWER}). */
    private List<ModelMessage> withAnswerMessage(List<ModelBlock> answer) {
        List<ModelMessage> all = new ArrayList<>(messages);
        List<ModelBlock> kept = answer.stream().filter(block -> !ModelBlock.TEXT.equals(block.type())
                || (block.text() != null && !block.text().isBlank())).map(block -> block.cut(BLOCK_TEXT_KEPT)).toList();
        all.add(new ModelMessage(ModelMessage.ASSISTANT, kept.isEmpty() ? List.of(ModelBlock.text(NO_ANSWER)) : kept, pendingCall));
        return all;
    }

    /**
     * Drops the oldest calls, whole, while more than {@link #MESSAGES_KEPT} messages or {@link #TEXT_KEPT}
     * characters are kept (never the newest call); adds what it dropped to {@code dropped}, returns how many calls.
     */
    private static int dropOldest(List<ModelMessage> all, List<ModelMessage> dropped) {
        int calls = 0;
        while (all.size() > MESSAGES_KEPT || (characters(all) > TEXT_KEPT && all.get(0).call() != all.get(all.size() - 1).call())) {
            int oldest = all.get(0).call();
            all.stream().filter(message -> message.call() == oldest).forEach(dropped::add);
            all.removeIf(message -> message.call() == oldest);
            calls++;
        }
        return calls;
    }

    private static long characters(List<ModelMessage> all) {
        long total = 0;
        for (ModelMessage message : all) {
            for (ModelBlock block : message.content()) {
                total += (block.text() == null ? 0 : block.text().length()) + (block.content() == null ? 0 : block.content().length())
                        + (block.input() == null ? 0 : String.valueOf(block.input()).length());
            }
        }
        return total;
    }

    /** The answer of call {@code call}, if still kept. */
    public List<ModelBlock> answer(int call) {
        return messages.stream().filter(message -> message.call() == call && ModelMessage.ASSISTANT.equals(message.role()))
                .findFirst().map(ModelMessage::content).orElse(List.of());
    }

    /**
     * The messages to send: the kept ones, where the first (a user message whose tool uses were dropped with
     * their call) has its tool results as text, and says that earlier messages are not shown.
     */
    public List<ModelMessage> request() {
        List<ModelMessage> all = new ArrayList<>(messages);
        if (!all.isEmpty() && all.get(all.size() - 1).role().equals(ModelMessage.ASSISTANT)) {
            all.remove(all.size() - 1);
        }
        if (omitted > 0 && !all.isEmpty()) {
            ModelMessage first = all.get(0);
            List<ModelBlock> content = new ArrayList<>();
            content.add(ModelBlock.text("(The " + omitted + " earliest exchanges of this conversation are no longer kept.)"));
            for (ModelBlock block : first.content()) {
                content.add(ModelBlock.TOOL_RESULT.equals(block.type()) ? ModelBlock.text("Result of an earlier tool call: "
                        + block.content()) : block);
            }
            all.set(0, new ModelMessage(first.role(), content, first.call()));
        }
        return all;
    }

    /** The month's model usage as of {@code now}: nothing when the month it counts is over. */
    public Usage usageIn(Instant now) {
        return YearMonth.from(now.atZone(ZoneOffset.UTC)).toString().equals(month) ? monthUsage : Usage.NONE;
    }

    /** Whether another worker is asking the model for {@code call} now. */
    public boolean claimedByAnother(int call, Instant now) {
        return claimedCall == call && claimedUntil != null && claimedUntil.isAfter(now);
    }

    /** Claims the pending call {@code call} until {@code until}, for the worker about to ask the model. */
    public AgentConversation withClaim(int call, Instant until) {
        return new AgentConversation(messages, inbox, results, seen, calls, pendingCall, actIntentCall, actedCall, noticedCall,
                omitted, usage, month, monthUsage, call, until, budgetWaitCall);
    }

    public AgentConversation withActIntent(int call) {
        return new AgentConversation(messages, inbox, results, seen, calls, pendingCall, Math.max(actIntentCall, call), actedCall,
                noticedCall, omitted, usage, month, monthUsage, claimedCall, claimedUntil, budgetWaitCall);
    }

    public AgentConversation withActed(int call) {
        return new AgentConversation(messages, inbox, results, seen, calls, pendingCall, actIntentCall, Math.max(actedCall, call),
                noticedCall, omitted, usage, month, monthUsage, claimedCall, claimedUntil, budgetWaitCall);
    }

    /** The pending call {@code call} waits for a budget. */
    public AgentConversation withBudgetWait(int call) {
        return new AgentConversation(messages, inbox, results, seen, calls, pendingCall, actIntentCall, actedCall, noticedCall,
                omitted, usage, month, monthUsage, claimedCall, claimedUntil, call);
    }

    /** Whether the pending call waits for a budget (and nothing else is asking the model for it). */
    @JsonIgnore
    public boolean waitsForBudget() {
        return pendingCall != 0 && budgetWaitCall == pendingCall;
    }

    public AgentConversation withNoticed(int call) {
        return new AgentConversation(messages, inbox, results, seen, calls, pendingCall, actIntentCall, actedCall,
                Math.max(noticedCall, call), omitted, usage, month, monthUsage, claimedCall, claimedUntil, budgetWaitCall);
    }

    /** The event ids with {@code added} the newest, bounded by {@link #SEEN_KEPT}. */
    private static List<String> remember(List<String> known, String added) {
        LinkedHashSet<String> all = new LinkedHashSet<>(known);
        all.remove(added);
        all.add(added);
        List<String> kept = new ArrayList<>(all);
        return kept.size() > SEEN_KEPT ? kept.subList(kept.size() - SEEN_KEPT, kept.size()) : kept;
    }
}
