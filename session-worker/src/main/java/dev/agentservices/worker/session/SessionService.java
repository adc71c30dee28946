package dev.agentservices.worker.session;

import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.common.agent.AgentsConfig;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.session.Origin;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.session.Workspace;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import dev.agentservices.worker.launch.PodTokenIssuer;
import dev.agentservices.worker.launch.RunSettings;
import dev.agentservices.worker.reply.ReplyPoster;
import dev.agentservices.worker.reply.TurnReactions;
import dev.agentservices.worker.launch.SessionLauncher;
import dev.agentservices.worker.workspace.WorkspacePlanner;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.jboss.logging.Logger;

/**
 * Applies a conversation's new message to its session: creates the session on first contact (in the team
 * whose channel, project or repository it comes from), and makes the message a turn: the next turn at once
 * when no turn is going (in the run that waits for turns, or in a new run), else queued on the session for
 * the turn after the one going. Nothing is ever typed into a running program: the runner asks for its next
 * turn ({@code GET /api/runner/sessions/{id}/next}). Idempotent per dedup id: the id is stored in the same
 * compare-and-set write as the message, and a run that was stored but not launched (a crash in between) is
 * launched when the message comes again. The {@code processed} bucket (7 days) is read first, so a message
 * redelivered after the stream's one-hour duplicate window, or replayed from the dead letters, changes
 * nothing twice, and does not bring back a session deleted since.
 */
@Singleton
public class SessionService {

    private static final Logger LOG = Logger.getLogger(SessionService.class);

    private final SessionRepository store;
    private final SessionLauncher launcher;
    private final PodTokenIssuer tokens;
    private final TeamStore teams;
    private final TeamSlots slots;
    private final TeamBudget budget;
    private final RunRate rate;
    private final ReplyPoster poster;
    private final RunSettings settings;
    private final AgentRegistry agents;
    private final AgentsConfig agentSettings;
    private final TurnReactions reactions;
    private final WorkspacePlanner workspaces;
    private final Clock clock = Clock.systemUTC();

    public SessionService(SessionRepository store, SessionLauncher launcher, PodTokenIssuer tokens, TeamStore teams,
            TeamSlots slots, TeamBudget budget, RunRate rate, RunSettings settings, AgentRegistry agents, AgentsConfig agentSettings,
            TurnReactions reactions, ReplyPoster poster, WorkspacePlanner workspaces) {
        this.workspaces = workspaces;
        this.budget = budget;
        this.rate = rate;
        this.poster = poster;
        this.agentSettings = agentSettings;
        this.settings = settings;
        this.agents = agents;
        this.reactions = reactions;
        this.store = store;
        this.launcher = launcher;
        this.tokens = tokens;
        this.teams = teams;
        this.slots = slots;
    }

    /** What applying a message did, for logs, metrics and tests. */
    public enum Applied {
        /** A new run was started (or waits for a slot of its team) with the message as its turn. */
        STARTED_RUN,
        /** The run waiting for turns takes the message as its next turn. */
        NEXT_TURN,
        /** A turn is going: the message waits on the session for the next one. */
        QUEUED,
        /** A member confirmed that the waiting run may act on what outsiders wrote: it starts. */
        CONFIRMED,
        /**
         * The run is live but the team has spent its budget: the message waits on the session, and becomes the turn of
         * the session's next run (which waits for the budget) when this one ends.
         */
        HELD_FOR_BUDGET,
        ALREADY_APPLIED,
        SESSION_TERMINATED
    }

    public Applied apply(SessionKey key, Origin origin, String title, SessionMessage message, String dedupId) {
        if (store.isProcessed(dedupId)) {
            // applied before, maybe longer ago than the stream's duplicate window or the record's memory: only
            // a run stored but not launched (a crash in between) still needs its launch
            store.idFor(key).flatMap(store::get).ifPresent(current -> launchIfWaiting(current.session()));
            return Applied.ALREADY_APPLIED;
        }
        Instant now = clock.instant();
        SessionRepository.Versioned opened = open(key, origin, title);
        // a turn inside a live run costs as a new run does: it is checked against the budget too
        Optional<TeamBudget.Spent> spent = opened.session().runLive() ? budget.overBudget(opened.session()) : Optional.empty();
        Applied[] applied = {Applied.ALREADY_APPLIED};
        // from the version open just read or wrote: one read less per message
        SessionRepository.Versioned updated = store.update(opened, current -> {
            TurnDecision decision = TurnDecision.of(current, message, dedupId, spent.isPresent(), now);
            applied[0] = decision.applied();
            return decision.next();
        });
        Session session = updated.session();
        store.markProcessed(dedupId);

        if (session.status() == SessionStatus.TERMINATED) {
            return Applied.SESSION_TERMINATED;
        }
        if (applied[0] == Applied.CONFIRMED) {
            LOG.infof("Session %s (%s): %s confirmed its run may act on what outsiders wrote", session.id(), session.key(),
                    message.author());
        }
        if (TurnDecision.waitsForLaunch(session)) {
            launch(session, updated);
        }
        if (applied[0] == Applied.STARTED_RUN || applied[0] == Applied.NEXT_TURN) {
            agents.byName(session.agent()).ifPresent(agent -> reactions.started(agent, session, session.turn()));
        }
        if (applied[0] == Applied.HELD_FOR_BUDGET) {
            held(session, spent.get());
        }
        return applied[0];
    }

    /**
     * The session's follow-ups wait, though its run is live: its team has spent its budget. They become the turn of the
     * next run when this one ends; the thread is told now.
     */
    public void held(Session session, TeamBudget.Spent spent) {
        LOG.infof("Session %s (%s) run %d: a follow-up waits, team %s spent $%.2f of its $%.2f monthly budget", session.id(),
                session.key(), session.run(), spent.team(), spent.spentUsd(), spent.budgetUsd());
        agents.byName(session.agent()).ifPresent(agent -> poster.notice(agent, session, spent.notice()));
    }

    /**
     * The follow-ups held for the budget while the session's run is live, as that run's next turn once the budget allows;
     * unchanged when a turn is going, the run ended, or nothing is held.
     */
    public void releaseHeld(Session session) {
        boolean[] released = {false};
        Session updated = store.update(session.id(), current -> {
            Session next = TurnDecision.releasingHeld(current, clock.instant());
            released[0] = next != current;
            return next;
        }).session();
        if (released[0]) {
            LOG.infof("Session %s (%s) run %d: the budget allows its held follow-ups, now turn %d", updated.id(), updated.key(),
                    updated.run(), updated.turn());
            agents.byName(updated.agent()).ifPresent(agent -> reactions.started(agent, updated, updated.turn()));
        }
    }

    /** Why the session's next turn may not start now, in its live run or a new one: its team's spent budget. */
    public Optional<TeamBudget.Spent> overBudget(Session session) {
        return budget.overBudget(session);
    }

    /**
     * The session of {@code key}, created on first contact in the team whose channel, project or repository it
     * comes from (else the agent's default team), with the team's default instructions.
     */
    public SessionRepository.Versioned open(SessionKey key, Origin origin, String title) {
        Instant now = clock.instant();
        return store.open(key, newId -> {
            String team = teams.teamFor(key).or(() -> defaultTeam(key.agent())).orElse(null);
            String instructions = team == null ? null
                    : teams.get(team).map(TeamSettings::defaultInstructions).filter(text -> !text.isBlank()).orElse(null);
            return Session.open(newId, key, team, title, origin, now).withInstructions(instructions);
        }).versioned();
    }

    /** The agent's {@code DEFAULT_TEAM}, for sessions from places no team claims. */
    private Optional<String> defaultTeam(String agent) {
        return Optional.ofNullable(agentSettings.byName().get(agent)).flatMap(AgentsConfig.AgentConfig::defaultTeam)
                .map(String::trim).filter(team -> !team.isEmpty());
    }

    /** Launches the session's run when it waits for one (PENDING without a pod); safe to repeat. */
    public void launchIfWaiting(Session session) {
        if (TurnDecision.waitsForLaunch(session)) {
            launch(session);
        }
    }


    /**
     * Starts a session whose id was chosen by its creator (the dashboard), in the given team, with its
     * first message; safe to repeat with the same dedup id.
     */
    public Applied start(SessionKey key, String id, String team, String title, String instructions,
            SessionMessage first, String dedupId) {
        openAs(key, id, team, title, instructions);
        return apply(key, null, title, first, dedupId);
    }

    /** Opens a session under the id its creator (the dashboard) chose, in {@code team}; safe to repeat. */
    public void openAs(SessionKey key, String id, String team, String title, String instructions) {
        Instant now = clock.instant();
        store.open(key, id, newId -> Session.open(newId, key, team, title, null, now).withInstructions(instructions != null
                ? instructions : teams.get(team).map(TeamSettings::defaultInstructions).filter(text -> !text.isBlank()).orElse(null)));
    }

    /**
     * Launches the session's current run and records the pod; safe to repeat. The run waits (PENDING, no
     * pod) for {@link QueuedRunStarter} when its team has spent its monthly budget (the thread is told once)
     * or runs as many sessions as its concurrency limit allows, or the session started its limit of runs
     * in the last hour ({@link RunRate}).
     */
    public void launch(Session session) {
        launch(session, null);
    }

    /** As {@link #launch(Session)}; {@code known} is the session's record as just stored, or null. */
    private void launch(Session session, SessionRepository.Versioned known) {
        Optional<TeamBudget.Spent> spent = budget.overBudget(session);
        if (spent.isPresent()) {
            LOG.infof("Session %s (%s) run %d waits: team %s spent $%.2f of its $%.2f monthly budget", session.id(),
                    session.key(), session.run(), session.team(), spent.get().spentUsd(), spent.get().budgetUsd());
            if (waitFor(session, Session.WAITING_FOR_BUDGET)) {
                agents.byName(session.agent()).ifPresent(agent -> poster.notice(agent, session, spent.get().notice()));
            }
            return;
        }
        Optional<String> tooMany = rate.overLimit(session, clock.instant());
        if (tooMany.isPresent()) {
            LOG.infof("Session %s (%s) run %d waits: it started its limit of runs in the last hour", session.id(),
                    session.key(), session.run());
            if (waitFor(session, Session.WAITING_FOR_RATE)) {
                agents.byName(session.agent()).ifPresent(agent -> poster.notice(agent, session, tooMany.get()));
            }
            return;
        }
        if (!slots.mayStart(session)) {
            LOG.infof("Session %s (%s) run %d waits: team %s runs its limit of %d sessions", session.id(), session.key(),
                    session.run(), session.team(), slots.limit(session));
            waitFor(session, Session.WAITING_FOR_SLOT);
            return;
        }
        Session planned = withWorkspace(session);
        if (planned.workspace() != null && planned.workspace().awaitsConfirmation()) {
            LOG.infof("Session %s (%s) run %d waits: a member must confirm it may act on what %s wrote", session.id(),
                    session.key(), session.run(), String.join(", ", planned.workspace().unconfirmedAuthors()));
            if (waitFor(planned, Session.WAITING_FOR_CONFIRMATION)) {
                agents.byName(session.agent()).ifPresent(agent -> poster.notice(agent, planned, confirmationAsk(agent, planned)));
            }
            return;
        }
        SessionLauncher.Launched launched = launcher.launch(planned, settings.options(planned, tokens.mint(planned)));
        Instant now = clock.instant();
        UnaryOperator<Session> recordPod = current -> current.run() == session.run() && current.status() == SessionStatus.PENDING
                ? current.withStatus(launched.status(), launched.podName(), now) : current;
        if (known != null) {
            store.update(known, recordPod);
        } else {
            store.update(session.id(), recordPod);
        }
        LOG.infof("Session %s (%s) run %d: %s %s", session.id(), session.key(), session.run(), launched.status(),
                launched.podName());
    }

    /** What the thread is asked before a run acts on outsiders' text: who wrote it, and how a member confirms. */
    static String confirmationAsk(dev.agentservices.common.agent.Agent agent, Session session) {
        boolean slack = session.origin() != null && session.origin().slackChannel() != null;
        String handle = agent.github().map(dev.agentservices.common.agent.Agent.GithubApp::handle).orElse(agent.name());
        String authors = session.workspace().unconfirmedAuthors().stream().map(author -> slack ? "<@" + author + ">" : "@" + author)
                .collect(java.util.stream.Collectors.joining(", "));
        return "Part of this conversation was written by people who may not ask me for work (" + authors + "). Before I act on it, "
                + "a member must confirm: reply " + (slack ? "\"confirm\" in this thread" : "\"@" + handle + " confirm\"")
                + ". Only a member's answer counts.";
    }

    /**
     * The session with its workspace planned and recorded before its first run (the repository it clones and
     * the branch it pushes); as it is when it has one or works on none.
     */
    private Session withWorkspace(Session session) {
        if (session.workspace() != null) {
            return session;
        }
        Optional<Workspace> workspace = agents.byName(session.agent()).flatMap(agent -> workspaces.plan(agent, session));
        if (workspace.isEmpty()) {
            return session;
        }
        return store.update(session.id(), current -> current.workspace() != null ? current : current.withWorkspace(workspace.get()))
                .session();
    }

    /** Records why the run waits; true when this call changed it (so the thread is told once per reason and run). */
    private boolean waitFor(Session session, String reason) {
        if (reason.equals(session.waitingFor())) {
            return false;
        }
        boolean[] changed = {false};
        store.update(session.id(), current -> {
            changed[0] = current.run() == session.run() && current.status() == SessionStatus.PENDING
                    && current.podName() == null && !reason.equals(current.waitingFor());
            return changed[0] ? current.withWaiting(reason) : current;
        });
        return changed[0];
    }
}
