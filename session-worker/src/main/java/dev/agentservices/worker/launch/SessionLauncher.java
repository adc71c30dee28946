package dev.agentservices.worker.launch;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.SessionStatus;

/**
 * Runs a session's pod: in Kubernetes, or as a local process in local mode. Chosen by
 * {@code SESSION_LAUNCHER}. Every method is idempotent for one session and run, because a message
 * redelivered after a crash repeats the call.
 */
public interface SessionLauncher {

    /** The pod (or local process) of a run and the status it is in once the launch returned. */
    record Launched(String podName, SessionStatus status) {
    }

    /** Starts the current run of {@code session} with the pod token; does nothing if it already runs. */
    Launched launch(Session session, String podToken);

    /** Types a follow-up message into the running session's tmux session. */
    void deliver(Session session, String text);

    /** Asks the run to stop after saving its state (SIGTERM); the runner then reports a pause. */
    void pause(Session session);

    /** Stops the run's pod and removes what it was given. */
    void terminate(Session session);

    /** The name of a run's pod or local tmux session: stable for one session and run. */
    static String podName(Session session) {
        return "session-" + session.id().substring(0, Math.min(18, session.id().length())).toLowerCase() + "-" + session.run();
    }
}
