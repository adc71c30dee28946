package dev.agentservices.worker.agent;

import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.ModelBlock;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.worker.launch.SessionLauncher;
import dev.agentservices.worker.reply.ReplyMark;
import dev.agentservices.worker.reply.ReplyPoster;
import dev.agentservices.worker.session.SessionService;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Hands a session's events to its agent's policy (the model-backed one when the agent has a model, else
 * the pass-through one) and carries out the actions it answers with: replies and questions posted where the
 * conversation is, turns of the coding agent started or queued, the run paused, the session finished. What
 * an action did that the model should know (a reply posted, instructions queued behind a going turn) goes
 * back to the policy as the tool's result.
 */
@Singleton
public class SessionAgent {

    private static final Logger LOG = Logger.getLogger(SessionAgent.class);

    /** Locks by conversation (striped: a few sessions share one, which only makes them wait for each other). */
    private final ReentrantLock[] conversing = new ReentrantLock[64];
    private final PassThroughPolicy passThrough;
    private final ModelAgentPolicy modelBacked;
    private final ModelAgents models;
    private final ReplyPoster poster;
    private final SessionService sessions;
    private final SessionRepository store;
    private final SessionLauncher launcher;

    public SessionAgent(PassThroughPolicy passThrough, ModelAgentPolicy modelBacked, ModelAgents models, ReplyPoster poster,
            SessionService sessions, SessionRepository store, SessionLauncher launcher) {
        this.passThrough = passThrough;
        this.modelBacked = modelBacked;
        this.models = models;
        this.poster = poster;
        this.sessions = sessions;
        this.store = store;
        this.launcher = launcher;
        for (int i = 0; i < conversing.length; i++) {
            conversing[i] = new ReentrantLock();
        }
    }

    /** Whether {@code agent}'s sessions are answered by a model. */
    public boolean modelBacked(Agent agent) {
        return models.of(agent.name()).isPresent();
    }

    public void handle(Agent agent, AgentEvent event) {
        if (!modelBacked(agent)) {
            converse(passThrough, agent, event, passThrough.decide(agent, event));
            return;
        }
        // one conversation at a time in this worker (its messages, runner reports and commands come on three
        // consumers): a second event waits here and then finds the first's answer, instead of asking the model too
        ReentrantLock lock = conversing[Math.floorMod(event.sessionKey().toString().hashCode(), conversing.length)];
        lock.lock();
        try {
            converse(modelBacked, agent, event, modelBacked.decide(agent, event));
        } finally {
            lock.unlock();
        }
    }

    /** Goes on with a model-backed session's conversation whose pending call waited (for a budget). */
    public void resume(Agent agent, Session session) {
        ReentrantLock lock = conversing[Math.floorMod(session.key().toString().hashCode(), conversing.length)];
        lock.lock();
        try {
            converse(modelBacked, agent, null, modelBacked.resume(agent, session.id()));
        } finally {
            lock.unlock();
        }
    }

    /** Carries out {@code first} and every decision that follows it; {@code event} is null when none started it. */
    private void converse(AgentPolicy policy, Agent agent, AgentEvent event, Optional<Decision> first) {
        Optional<Decision> next = first;
        while (next.isPresent()) {
            Decision decision = next.get();
            List<ModelBlock> results = carryOut(agent, event, decision);
            next = policy.acted(agent, decision.session() == null ? null : decision.session().id(), decision, results);
        }
    }

    private List<ModelBlock> carryOut(Agent agent, AgentEvent event, Decision decision) {
        List<ModelBlock> results = new ArrayList<>();
        int part = 0;
        for (AgentAction action : decision.actions()) {
            if (action instanceof AgentAction.Reply reply) {
                if (!reply.text().isBlank()) {
                    ReplyMark mark = decision.call() > 0 ? ReplyMark.call(decision.call(), part++) : ReplyMark.turn(turnOf(event));
                    poster.post(agent, decision.session(), mark, reply.text(), reply.question(), decision.retry());
                }
                if (reply.toolUseId() != null && reply.question() == null) {
                    results.add(ModelBlock.toolResult(reply.toolUseId(), reply.text().isBlank() ? "Nothing to post: the text was empty."
                            : "Posted in the conversation.", reply.text().isBlank()));
                }
            } else if (action instanceof AgentAction.StartRun run) {
                startRun(event, decision, run).ifPresent(results::add);
            } else if (action instanceof AgentAction.Pause pause) {
                results.add(pause(decision.session(), pause.toolUseId()));
            } else if (action instanceof AgentAction.Finish finish) {
                results.add(finish(decision.session(), finish.toolUseId()));
            }
        }
        return results;
    }

    /** The turn a pass-through reply answers: the one that ended or failed. */
    private static int turnOf(AgentEvent event) {
        if (event instanceof AgentEvent.TurnEnded ended) {
            return ended.outcome().turn();
        }
        if (event instanceof AgentEvent.RunFailed failed) {
            return failed.turn();
        }
        throw new IllegalStateException("a pass-through reply answers a turn, not " + event.getClass().getSimpleName());
    }

    private Optional<ModelBlock> startRun(AgentEvent event, Decision decision, AgentAction.StartRun run) {
        if (run.message().text() == null || run.message().text().isBlank()) {
            return Optional.ofNullable(run.toolUseId()).map(id -> ModelBlock.toolResult(id, "start_run needs instructions.", true));
        }
        Session session = decision.session();
        SessionService.Applied applied = session == null && event instanceof AgentEvent.MessageArrived message
                ? sessions.apply(message.key(), message.origin(), message.title(), run.message(), run.dedupId())
                : sessions.apply(session.key(), session.origin(), null, run.message(), run.dedupId());
        SessionKey key = session != null ? session.key() : event.sessionKey();
        LOG.infof("%s → %s: %s", key, applied, run.dedupId());
        if (run.toolUseId() == null) {
            return Optional.empty();
        }
        return switch (applied) {
            case QUEUED -> Optional.of(ModelBlock.toolResult(run.toolUseId(), "A turn was going: these instructions are queued "
                    + "as its follow-up; the outcomes come in later messages.", false));
            case SESSION_TERMINATED -> Optional.of(ModelBlock.toolResult(run.toolUseId(), "The session is terminated; no run "
                    + "starts.", true));
            default -> Optional.empty(); // the turn's outcome is the result
        };
    }

    private ModelBlock pause(Session session, String toolUseId) {
        Session current = store.get(session.id()).map(SessionRepository.Versioned::session).orElse(session);
        if (!current.runLive() || current.podName() == null) {
            return ModelBlock.toolResult(toolUseId, "No run is going; nothing to pause.", false);
        }
        launcher.pause(current);
        LOG.infof("Session %s: the agent asked run %d to pause", current.id(), current.run());
        return ModelBlock.toolResult(toolUseId, "The run was asked to save its state and stop.", false);
    }

    private ModelBlock finish(Session session, String toolUseId) {
        Session finished = store.update(session.id(), current -> current.status() == SessionStatus.TERMINATED ? current
                : current.withStatus(SessionStatus.TERMINATED, null, Instant.now())).session();
        launcher.terminate(finished);
        LOG.infof("Session %s finished by its agent", session.id());
        return ModelBlock.toolResult(toolUseId, "The session is finished.", false);
    }
}
