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

    /**
     * How a run is started: the pod token, the runner's mode ({@code one-shot}: the agent CLI once per
     * turn; {@code interactive}: the agent's TUI in the tmux pane, turns typed into it), and the image of its
     * pod when its team names one (null: {@code RUNNER_IMAGE}).
     *
     * @param githubToken a GitHub token for the run, limited to its repository (the GitHub App's), else the
     *                    agent's {@code GITHUB_TOKEN}; null when it has none
     * @param traceparent the W3C trace context of what started the run, given to its process as {@code TRACEPARENT}, or null
     * @param envSecret   the Secret in the sessions namespace whose keys become the run's environment (its model
     *                    credentials: {@code RUNNER_ENV_SECRET}); null for none
     * @param permissions what the agent CLI may do without asking
     */
    record RunOptions(String podToken, String mode, String image, String githubToken, String githubTokenRevokeUrl,
            String traceparent, String envSecret, AgentPermissions permissions) {

        public RunOptions(String podToken, String mode, String image) {
            this(podToken, mode, image, null, null, null, null, AgentPermissions.DEFAULT);
        }
    }

    /**
     * The agent CLI's permission mode ({@code bypassPermissions} by default: the pod is the sandbox) and the
     * tools it is given or refused ({@code --allowedTools}, {@code --disallowedTools}; empty for the CLI's own).
     */
    record AgentPermissions(String mode, String allowedTools, String disallowedTools) {
        public static final AgentPermissions DEFAULT = new AgentPermissions("bypassPermissions", "", "");
    }

    /**
     * Starts the current run of {@code session}; does nothing if it already runs. The run takes its turns
     * from the runner API itself, so there is no way to type into it from here.
     */
    Launched launch(Session session, RunOptions options);

    /**
     * Of the runs of {@code live} (sessions whose run the record says is up), those whose process is gone or
     * failed, by session id, with the reason in words; one look at the cluster or the local tmux for all.
     */
    java.util.Map<String, Gone> goneRuns(java.util.Collection<Session> live);

    /** Why a run's process is not running it, and whether what is left of it must be removed (a pod that cannot start). */
    record Gone(String reason, boolean remove) {
    }

    /**
     * Removes what is left of runs that are over (their session ended the run, moved on to another, or is
     * gone) once {@code session.kubernetes.finished-pod-grace} has passed, so their logs can be read until
     * then; {@code sessions} finds a session by id.
     */
    void removeFinished(java.util.function.Function<String, java.util.Optional<Session>> sessions);

    /** Asks the run to stop after saving its state (SIGTERM); the runner then reports a pause. */
    void pause(Session session);

    /** Stops the session's runs and removes every pod and Secret they were given. */
    void terminate(Session session);

    /** The local folder of a session's runs: one per session, so that every run finds the last one's files. */
    static String workDirName(Session session) {
        return "session-" + session.id().substring(0, Math.min(18, session.id().length())).toLowerCase();
    }

    /** The name of a run's pod or local tmux session: stable for one session and run. */
    static String podName(Session session) {
        return podName(session.id(), session.run());
    }

    /** The name of run {@code run}'s pod and Secret. */
    static String podName(String sessionId, int run) {
        return "session-" + sessionId.substring(0, Math.min(18, sessionId.length())).toLowerCase() + "-" + run;
    }
}
