package dev.agentservices.worker.session;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.session.ControlCommand;
import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionMessage;
import dev.agentservices.common.session.SessionStatus;
import dev.agentservices.common.session.SessionStore;
import dev.agentservices.worker.launch.SessionLauncher;
import io.nats.client.Message;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Users' commands from {@code CONTROL}: terminate stops the run and the session for good; pause asks the
 * running pod to save its state (it then reports the pause); resume starts the next run of a paused
 * session from its saved state; message is a follow-up like one from Slack. Each command is applied once.
 */
@Singleton
public class ControlHandler {

    private static final Logger LOG = Logger.getLogger(ControlHandler.class);

    private final ObjectMapper mapper;
    private final SessionStore store;
    private final SessionService sessions;
    private final SessionLauncher launcher;

    public ControlHandler(ObjectMapper mapper, SessionStore store, SessionService sessions, SessionLauncher launcher) {
        this.mapper = mapper;
        this.store = store;
        this.sessions = sessions;
        this.launcher = launcher;
    }

    public void handle(Message message) throws Exception {
        ControlCommand command = mapper.readValue(message.getData(), ControlCommand.class);
        Session session = store.get(command.sessionId()).map(SessionStore.Versioned::session).orElse(null);
        if (session == null) {
            LOG.infof("Ignored %s for unknown session %s", command.command(), command.sessionId());
            return;
        }
        switch (command.command()) {
            case ControlCommand.TERMINATE -> terminate(command);
            case ControlCommand.PAUSE -> pause(session);
            case ControlCommand.RESUME -> resume(command);
            case ControlCommand.MESSAGE -> sessions.apply(session.key(), session.origin(), null,
                    new SessionMessage(command.requestedBy(), command.text(), List.of(), Instant.now()), command.dedupId());
            default -> LOG.warnf("Ignored unknown command %s for session %s", command.command(), command.sessionId());
        }
    }

    private void terminate(ControlCommand command) {
        Session session = store.update(command.sessionId(), current -> current.status() == SessionStatus.TERMINATED ? current
                : current.withStatus(SessionStatus.TERMINATED, null, Instant.now())).session();
        launcher.terminate(session);
        LOG.infof("Session %s terminated by %s", session.id(), command.requestedBy());
    }

    private void pause(Session session) {
        if (session.status() != SessionStatus.RUNNING) {
            LOG.infof("Pause of session %s ignored: it is %s", session.id(), session.status());
            return;
        }
        launcher.pause(session);
        LOG.infof("Asked run %d of session %s to save its state and pause", session.run(), session.id());
    }

    private void resume(ControlCommand command) {
        Session session = store.update(command.sessionId(), current -> current.status() != SessionStatus.PAUSED
                || current.hasApplied(command.dedupId()) ? current
                : current.withMessage(new SessionMessage(command.requestedBy(), "Resume.", List.of(), Instant.now()),
                        command.dedupId()).withNextRun("Resume where you left off.")).session();
        if (session.status() == SessionStatus.PENDING && session.podName() == null) {
            sessions.launch(session);
        } else {
            LOG.infof("Resume of session %s ignored: it is %s", session.id(), session.status());
        }
    }
}
