package dev.agentservices.worker.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.model.SessionKey;
import dev.agentservices.common.model.SessionSource;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionRepository;
import dev.agentservices.common.agent.Agent;
import dev.agentservices.common.agent.AgentRegistry;
import dev.agentservices.worker.agent.AgentEvent;
import dev.agentservices.worker.agent.SessionAgent;
import dev.agentservices.worker.attachment.FullTexts;
import dev.agentservices.worker.launch.SessionLauncher;
import io.nats.client.Message;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Users' commands from {@code CONTROL}: terminate stops the run and the session for good; pause asks the
 * run's pod, working on a turn or waiting for one, to save its state (it then reports the pause); resume starts the next run of a paused
 * session from its saved state; message is a follow-up like one from Slack; create starts a session from
 * the dashboard under the id the dashboard chose; delete removes a finished session with its pod and Secret.
 * Each command is applied once.
 */
@Singleton
public class ControlHandler {

    private static final Logger LOG = Logger.getLogger(ControlHandler.class);

    private final ObjectMapper mapper;
    private final SessionRepository store;
    private final SessionService sessions;
    private final SessionLauncher launcher;
    private final FullTexts fullTexts;
    private final SessionAgent sessionAgent;
    private final AgentRegistry agents;

    public ControlHandler(ObjectMapper mapper, SessionRepository store, SessionService sessions, SessionLauncher launcher,
            FullTexts fullTexts, SessionAgent sessionAgent, AgentRegistry agents) {
        this.sessionAgent = sessionAgent;
        this.agents = agents;
        this.fullTexts = fullTexts;
        this.mapper = mapper;
        this.store = store;
        this.sessions = sessions;
        this.launcher = launcher;
    }

    public void handle(Message message) throws Exception {
        ControlCommand command = mapper.readValue(message.getData(), ControlCommand.class);
        if (ControlCommand.CREATE.equals(command.command())) {
            create(command);
            return;
        }
        // a command for an archived session (a message, a delete) brings it back from the history first
        Session session = store.getOrRestore(command.sessionId()).map(SessionRepository.Versioned::session).orElse(null);
        if (session == null) {
            LOG.infof("Ignored %s for unknown session %s", command.command(), command.sessionId());
            return;
        }
        switch (command.command()) {
            case ControlCommand.TERMINATE -> terminate(command);
            case ControlCommand.PAUSE -> pause(session);
            case ControlCommand.RESUME -> resume(command);
            case ControlCommand.DELETE -> delete(session, command);
            case ControlCommand.MESSAGE -> message(session, command);
            default -> LOG.warnf("Ignored unknown command %s for session %s", command.command(), command.sessionId());
        }
    }

    /** A follow-up from the dashboard: to the session's agent, like one from Slack. */
    private void message(Session session, ControlCommand command) {
        SessionMessage message = fullTexts.keep(session.key().toString(), command.dedupId(), new SessionMessage(
                command.requestedBy(), command.text(), List.of(), Instant.now()));
        Agent agent = agents.byName(session.agent()).orElseThrow(
                () -> new IllegalStateException("agent " + session.agent() + " is not configured on this worker"));
        sessionAgent.handle(agent, new AgentEvent.MessageArrived(session.key(), session.origin(), null, message, command.dedupId()));
    }

    private void create(ControlCommand command) {
        ControlCommand.NewSession spec = command.create();
        if (spec == null || command.text() == null || command.text().isBlank()) {
            LOG.warnf("Ignored create of session %s without an agent and a prompt", command.sessionId());
            return;
        }
        SessionKey key = new SessionKey(spec.agent(), SessionSource.DASHBOARD, command.sessionId());
        SessionMessage first = new SessionMessage(command.requestedBy(), command.text(), List.of(), Instant.now());
        Agent agent = agents.byName(spec.agent()).orElse(null);
        if (agent != null && sessionAgent.modelBacked(agent)) {
            // the agent's model answers the first message, as it answers every other
            sessions.openAs(key, command.sessionId(), spec.team(), spec.title(), spec.instructions());
            sessionAgent.handle(agent, new AgentEvent.MessageArrived(key, null, spec.title(), first, command.dedupId()));
        } else {
            sessions.start(key, command.sessionId(), spec.team(), spec.title(), spec.instructions(), first, command.dedupId());
        }
        LOG.infof("Session %s created from the dashboard by %s", command.sessionId(), command.requestedBy());
    }

    private void delete(Session session, ControlCommand command) {
        if (!session.status().finished()) {
            LOG.infof("Delete of session %s ignored: it is %s; terminate it first", session.id(), session.status());
            return;
        }
        launcher.terminate(session);
        store.delete(session);
        LOG.infof("Session %s deleted by %s", session.id(), command.requestedBy());
    }

    private void terminate(ControlCommand command) {
        Session session = store.update(command.sessionId(), current -> current.status() == SessionStatus.TERMINATED ? current
                : current.withStatus(SessionStatus.TERMINATED, null, Instant.now())).session();
        launcher.terminate(session);
        LOG.infof("Session %s terminated by %s", session.id(), command.requestedBy());
    }

    private void pause(Session session) {
        if (!session.runLive() || session.podName() == null) {
            LOG.infof("Pause of session %s ignored: it is %s", session.id(), session.status());
            return;
        }
        launcher.pause(session);
        LOG.infof("Asked run %d of session %s to save its state and pause", session.run(), session.id());
    }

    private void resume(ControlCommand command) {
        Session session = store.update(command.sessionId(), current -> current.status() != SessionStatus.PAUSED
                || current.hasApplied(command.dedupId()) ? current
                : current.withResume(new SessionMessage(command.requestedBy(), "Resume where you left off.", List.of(),
                        Instant.now()), command.dedupId(), Instant.now())).session();
        if (session.status() == SessionStatus.PENDING && session.podName() == null) {
            sessions.launchIfWaiting(session);
        } else {
            LOG.infof("Resume of session %s ignored: it is %s", session.id(), session.status());
        }
    }
}
