package dev.agentservices.common.session;

/** Where a session stands; what the dashboard's live stream shows. */
public enum SessionStatus {
    /** A run was requested; its pod (or local process) is starting. */
    PENDING,
    /** The pod is running the agent. */
    RUNNING,
    SUCCEEDED,
    FAILED,
    /** The pod saved its state and stopped; a new message resumes it. */
    PAUSED,
    /** Stopped by a user; never runs again. */
    TERMINATED;

    /** Whether a new message starts the next run rather than going to a running pod. */
    /** No run is going or waiting to resume: the session may be deleted. */
    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == TERMINATED;
    }

    public boolean startsNextRun() {
        return this == SUCCEEDED || this == FAILED || this == PAUSED;
    }
}
