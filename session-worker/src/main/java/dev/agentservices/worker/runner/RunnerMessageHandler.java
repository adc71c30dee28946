package dev.agentservices.worker.runner;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.runner.RunEnd;
import dev.agentservices.common.runner.RunOutcome;
import dev.agentservices.common.runner.RunPause;
import dev.agentservices.common.runner.RunProgress;
import dev.agentservices.common.runner.RunTyped;
import dev.agentservices.common.session.SessionMessage;
import java.util.List;
import dev.agentservices.common.session.Progress;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.Turn;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.common.nats.Subjects;
import dev.agentservices.worker.consume.UnprocessableMessageException;
import dev.agentservices.worker.attachment.FullTexts;
import dev.agentservices.worker.agent.AgentEvent;
import dev.agentservices.worker.agent.SessionAgent;
import dev.agentservices.worker.reply.ReplyPoster;
import dev.agentservices.worker.reply.TurnProgress;
import dev.agentservices.worker.reply.TurnReactions;
import dev.agentservices.worker.session.SessionService;
import dev.agentservices.worker.session.TurnPricing;
import dev.agentservices.worker.workspace.PullRequests;
import io.nats.client.Message;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Runner reports from {@code RUNNER}. {@code typed}: a prompt typed into an interactive run's terminal becomes the
 * run's next turn. {@code progress}: how far the turn going got, shown on the dashboard and in one
 * Slack message ({@link TurnProgress}). {@code complete}: records a turn's end, charges it to the spend ledger, makes
 * the follow-ups queued meanwhile the next turn when the team's budget allows, then hands the turn's outcome to the session's agent ({@link SessionAgent}) once
 * ({@code repliedTurn} is set only after the policy succeeded, so a failed post is retried with the message
 * and a redelivery after a successful one posts nothing; {@code replyIntentTurn}, stored before posting,
 * tells a redelivery after a crash mid-post to look at what was posted first). {@code end}: the run stopped after its idle
 * window; a turn it never took goes to a new run. {@code pause}: the run saved its state and stopped.
 */
@Singleton
public class RunnerMessageHandler {

    private static final Logger LOG = Logger.getLogger(RunnerMessageHandler.class);

    private final ObjectMapper mapper;
    private final SessionRepository store;
    private final AgentRegistry agents;
    private final SessionAgent sessionAgent;
    private final SessionService sessions;
    private final TurnReactions reactions;
    private final FullTexts fullTexts;
    private final PullRequests pullRequests;
    private final TurnProgress turnProgress;
    private final ReplyPoster replies;
    private final TurnPricing pricing;
    private final SpendLedger ledger;

    public RunnerMessageHandler(ObjectMapper mapper, SessionRepository store, AgentRegistry agents, SessionAgent sessionAgent,
            SessionService sessions, TurnReactions reactions, FullTexts fullTexts, PullRequests pullRequests,
            TurnProgress turnProgress, ReplyPoster replies, TurnPricing pricing, SpendLedger ledger) {
        this.pricing = pricing;
        this.ledger = ledger;
        this.replies = replies;
        this.turnProgress = turnProgress;
        this.pullRequests = pullRequests;
        this.fullTexts = fullTexts;
        this.reactions = reactions;
        this.mapper = mapper;
        this.store = store;
        this.agents = agents;
        this.sessionAgent = sessionAgent;
        this.sessions = sessions;
    }

    /**
     * Applies what a run reported. The subject ({@code runner.{agent}.{sessionId}.{run}.{kind}}, written by
     * runner-api from the pod's verified token) decides which session and run the message is about; a body
     * that names another session or run, or a session of another agent, is refused and dead-lettered.
     */
    public void handle(Message message) throws Exception {
        Subjects.RunnerSubject subject = Subjects.parseRunner(message.getSubject()).orElseThrow(
                () -> new UnprocessableMessageException("not a runner subject: " + message.getSubject()));
        switch (subject.kind()) {
            case "complete" -> {
                RunOutcome outcome = mapper.readValue(message.getData(), RunOutcome.class);
                check(subject, outcome.sessionId(), outcome.run());
                complete(outcome, subject.agent());
            }
            case "end" -> {
                RunEnd end = mapper.readValue(message.getData(), RunEnd.class);
                check(subject, end.sessionId(), end.run());
                end(end, subject.agent());
            }
            case "pause" -> {
                RunPause pause = mapper.readValue(message.getData(), RunPause.class);
                check(subject, pause.sessionId(), pause.run());
                pause(pause, subject.agent());
            }
            case "progress" -> {
                RunProgress progress = mapper.readValue(message.getData(), RunProgress.class);
                check(subject, progress.sessionId(), progress.run());
                progress(progress, subject.agent());
            }
            case "typed" -> {
                RunTyped typed = mapper.readValue(message.getData(), RunTyped.class);
                check(subject, typed.sessionId(), typed.run());
                typed(typed, subject.agent());
            }
            default -> LOG.warnf("Ignored runner message on %s", message.getSubject());
        }
    }

    private static void check(Subjects.RunnerSubject subject, String sessionId, int run) {
        if (!subject.sessionId().equals(sessionId) || (subject.run() != 0 && subject.run() != run)) {
            throw new UnprocessableMessageException("the body names session " + sessionId + " run " + run + ", the subject "
                    + subject.sessionId() + " run " + subject.run());
        }
    }

    /** The record, when it is the subject's agent's; checked inside each compare-and-set, so no extra read. */
    private static Session ofAgent(Session current, String agent) {
        if (!current.agent().equals(agent)) {
            throw new UnprocessableMessageException("session " + current.id() + " belongs to agent " + current.agent()
                    + ", not " + agent);
        }
        return current;
    }

    private void complete(RunOutcome received, String agentName) {
        Instant now = Instant.now();
        RunOutcome outcome = withPullRequest(withWholeAnswerLinked(priced(received)), agentName);
        SessionStatus status = outcome.status() == SessionStatus.SUCCEEDED ? SessionStatus.SUCCEEDED : SessionStatus.FAILED;
        Session applied = store.update(outcome.sessionId(), current -> ofAgent(current, agentName).hasApplied(outcome.dedupId())
                || current.run() != outcome.run() || current.turn() != outcome.turn() || !current.turnInProgress()
                ? current
                : current.withTurnOutcome(outcome.turn(), status, outcome.finalMessage(), outcome.artifacts(), outcome.usage(),
                        outcome.error(), outcome.agentSessionId(), outcome.dedupId(), now)).session();
        if (!applied.hasApplied(outcome.dedupId())) {
            return;
        }
        charge(applied, outcome, now);
        Session session = withFollowUpsAsNextTurn(applied, now);
        if (session.repliedTurn() >= outcome.turn()) {
            return;
        }
        Agent agent = agents.byName(session.agent()).orElseThrow(
                () -> new IllegalStateException("agent " + session.agent() + " is not configured on this worker"));
        // the intent is stored before posting: a later attempt knows a post may have happened, and looks first
        boolean retry = session.replyIntentTurn() >= outcome.turn();
        if (!retry) {
            store.update(session.id(), current -> current.replyIntentTurn() >= outcome.turn() ? current
                    : current.withReplyIntent(outcome.turn()));
        }
        sessionAgent.handle(agent, new AgentEvent.TurnEnded(session, outcome, retry));
        Session replied = store.update(session.id(), current -> current.repliedTurn() >= outcome.turn() ? current
                : current.withRepliedTurn(outcome.turn())).session();
        LOG.infof("Session %s turn %d (run %d) %s; outcome handed to the session's agent", session.id(), outcome.turn(),
                outcome.run(), status);
        reactions.ended(agent, session, outcome.turn(), status);
        turnProgress.ended(agent, replied, outcome.turn(), status);
        if (replied.turn() > outcome.turn()) {
            reactions.started(agent, replied, replied.turn());
        }
        sessions.launchIfWaiting(replied);
    }

    /**
     * The follow-ups that came while the turn went, as the run's next turn, once the turn just ended is charged and
     * when the team's budget allows; else they wait for the run's end, and go to a new run (which waits for the budget).
     * A redelivered outcome finds them taken, or held again.
     */
    private Session withFollowUpsAsNextTurn(Session session, Instant now) {
        if (session.queued().isEmpty() || session.turnInProgress() || !session.runLive()) {
            return session;
        }
        var spent = sessions.overBudget(session);
        if (spent.isPresent()) {
            sessions.held(session, spent.get());
            return session;
        }
        return store.update(session.id(), current -> current.turnInProgress() || !current.runLive() ? current
                : current.withQueuedAsNextTurn(now)).session();
    }

    /**
     * Charges the turn's cost to the spend ledger, in the month it ended; a redelivered outcome (applied before, maybe
     * by a worker that stopped before charging) is charged under the same name, so once.
     */
    private void charge(Session session, RunOutcome outcome, Instant now) {
        if (outcome.usage() == null) {
            return;
        }
        Instant ended = session.turns().stream().filter(turn -> turn.number() == outcome.turn() && turn.finishedAt() != null)
                .map(Turn::finishedAt).findFirst().orElse(now);
        var usage = outcome.usage();
        ledger.charge(SpendLedger.Charge.turn(session.team(), session.id(), outcome.run(), outcome.turn(), usage.costUsd(),
                usage.inputTokens() + usage.outputTokens() + usage.cacheCreationTokens() + usage.cacheReadTokens(), ended));
    }

    /**
     * The outcome, with the session's draft pull request among its artifacts when the run pushed its branch;
     * as it is when it was applied before (a redelivery) or pushed nothing.
     */
    private RunOutcome withPullRequest(RunOutcome outcome, String agentName) {
        if (outcome.artifacts() == null || outcome.artifacts().stream().noneMatch(a -> PullRequests.BRANCH.equals(a.kind()))) {
            return outcome;
        }
        Session session = store.get(outcome.sessionId()).map(SessionRepository.Versioned::session).orElse(null);
        Agent agent = agents.byName(agentName).orElse(null);
        if (session == null || agent == null || !session.agent().equals(agentName) || session.hasApplied(outcome.dedupId())) {
            return outcome;
        }
        var artifacts = pullRequests.withPullRequest(agent, session, outcome.artifacts());
        return new RunOutcome(outcome.v(), outcome.sessionId(), outcome.run(), outcome.turn(), outcome.status(),
                outcome.finalMessage(), artifacts, outcome.usage(), outcome.error(), outcome.agentSessionId());
    }

    /** The outcome with its cost computed from its tokens, whatever the run said it cost. */
    private RunOutcome priced(RunOutcome outcome) {
        return outcome.usage() == null ? outcome : new RunOutcome(outcome.v(), outcome.sessionId(), outcome.run(), outcome.turn(),
                outcome.status(), outcome.finalMessage(), outcome.artifacts(), pricing.priced(outcome.usage()), outcome.error(),
                outcome.agentSessionId());
    }

    /** The outcome, with a link to its whole answer among the artifacts when the record will show it cut. */
    private RunOutcome withWholeAnswerLinked(RunOutcome outcome) {
        var artifacts = fullTexts.keepAnswer(outcome.sessionId(), outcome.turn(), outcome.finalMessage(), outcome.artifacts());
        return artifacts == outcome.artifacts() ? outcome : new RunOutcome(outcome.v(), outcome.sessionId(), outcome.run(),
                outcome.turn(), outcome.status(), outcome.finalMessage(), artifacts, outcome.usage(), outcome.error(),
                outcome.agentSessionId());
    }

    /**
     * Keeps the report with the most steps of the turn going (an older or repeated one changes nothing), then shows it
     * in the Slack thread when due; the message's {@code ts} is kept, so later reports change that one message.
     */
    private void progress(RunProgress report, String agentName) {
        Instant now = Instant.now();
        Session session = store.update(report.sessionId(), current -> {
            if (ofAgent(current, agentName).run() != report.run() || current.turn() != report.turn()
                    || current.status() != SessionStatus.RUNNING) {
                return current;
            }
            Progress last = current.progressOf(report.turn()).orElse(null);
            if (last != null && last.steps() >= report.steps()) {
                return current;
            }
            return current.withProgress(new Progress(report.run(), report.turn(), report.steps(), report.step(), now,
                    last == null ? null : last.slackTs(), last == null ? null : last.shownAt()));
        }).session();
        Progress kept = session.progressOf(report.turn()).filter(p -> p.steps() == report.steps()).orElse(null);
        Agent agent = agents.byName(agentName).orElse(null);
        if (kept == null || agent == null || !turnProgress.due(session, kept, now)) {
            return;
        }
        String ts = turnProgress.show(agent, session, kept).orElse(null);
        store.update(session.id(), current -> current.progressOf(report.turn())
                .map(progress -> current.withProgress(progress.shown(ts, now))).orElse(current));
    }

    /**
     * A prompt typed into the run's terminal after turn {@code after} ended becomes the next turn of that run, when
     * the run is still the session's and nothing else became that turn meanwhile; else it is only shown in the record
     * (the run works on it all the same, as part of what it does next).
     */
    private void typed(RunTyped typed, String agentName) {
        Instant now = Instant.now();
        SessionMessage message = new SessionMessage(RunTyped.AUTHOR, typed.text(), List.of(), now, null, SessionMessage.PERSON);
        Session session = store.update(typed.sessionId(), current -> {
            if (ofAgent(current, agentName).hasApplied(typed.dedupId()) || current.run() != typed.run()) {
                return current;
            }
            if (current.turn() != typed.after() || current.turnInProgress() || !current.runLive()) {
                return current.withMessage(message, typed.dedupId());
            }
            return current.withMessage(message, typed.dedupId()).withNextTurn(message, now);
        }).session();
        LOG.infof("Session %s run %d: a prompt typed in its terminal after turn %d; the session is on turn %d", typed.sessionId(),
                typed.run(), typed.after(), session.turn());
    }

    private void end(RunEnd end, String agentName) {
        AtomicBoolean applied = new AtomicBoolean();
        Session session = store.update(end.sessionId(), current -> {
            applied.set(false);
            if (ofAgent(current, agentName).hasApplied(end.dedupId()) || current.run() != end.run() || current.status() == SessionStatus.TERMINATED) {
                return current;
            }
            applied.set(true);
            Session ended = current.withRunEnded(end.stateKey(), end.dedupId(), Instant.now());
            // a turn given to this run after its last look for one: it goes to the next run
            return current.turn() > end.lastTurn() && current.turnInProgress() ? ended.withTurnInNewRun()
                    : ended.withQueuedAsNextTurn(Instant.now());
        }).session();
        LOG.infof("Session %s run %d ended after its idle window (last turn %d)", end.sessionId(), end.run(), end.lastTurn());
        if (applied.get() && end.stateError() != null) {
            unsaved(session, agentName, "The run stopped after its idle time", end.stateError());
        }
        sessions.launchIfWaiting(session);
    }

    private void pause(RunPause pause, String agentName) {
        AtomicBoolean applied = new AtomicBoolean();
        Session session = store.update(pause.sessionId(), current -> {
            applied.set(false);
            if (ofAgent(current, agentName).hasApplied(pause.dedupId()) || current.run() != pause.run()
                    || current.status() == SessionStatus.TERMINATED) {
                return current;
            }
            applied.set(true);
            return current.withPause(pause.stateKey(), pause.scrollbackKey(), pause.lastAssistantMessage(), pause.dedupId(),
                    Instant.now());
        }).session();
        LOG.infof("Session %s run %d paused", pause.sessionId(), pause.run());
        if (applied.get() && pause.stateError() != null) {
            unsaved(session, agentName, "The run paused", pause.stateError());
        }
        agents.byName(session.agent()).filter(sessionAgent::modelBacked)
                .ifPresent(agent -> sessionAgent.handle(agent, new AgentEvent.Paused(session, pause.dedupId())));
    }

    /**
     * Tells the thread, once, that a run's state could not be saved: what was pushed is safe, the rest (files left out of
     * the branch, the agent's own conversation) is not, and the next run starts without it.
     */
    private void unsaved(Session session, String agentName, String what, String stateError) {
        LOG.warnf("Session %s run %d could not save its state: %s", session.id(), session.run(), stateError);
        String from = session.workspace() != null && session.workspace().hasRepository()
                ? "from branch " + session.workspace().branch() + " as it was last pushed"
                : "afresh";
        String notice = what + ", but its workspace could not be saved (" + stateError + "). The next run starts " + from
                + ", without what was not pushed and without the agent's memory of this conversation.";
        agents.byName(agentName).ifPresent(agent -> {
            try {
                replies.notice(agent, session, notice);
            } catch (RuntimeException e) {
                LOG.infof("Could not tell session %s that its state was not saved: %s", session.id(), e.getMessage());
            }
        });
    }
}
