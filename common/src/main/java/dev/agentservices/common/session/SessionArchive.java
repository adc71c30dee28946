package dev.agentservices.common.session;

import java.util.Optional;

/**
 * Where finished sessions go when they leave the live bucket: the history. The worker, which archives them, gives
 * {@link SessionStore} one, so that a session written to again (a thread reply, a comment, a dashboard message) comes
 * back whole, as its next turn, from where it was archived.
 */
public interface SessionArchive {

    /** The record of session {@code id} as it was archived; empty when it was never archived or was deleted since. */
    Optional<Session> archived(String id);
}
