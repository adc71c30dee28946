package dev.agentservices.dashboard.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The signed-in user of the request being served (Connect, gRPC, SSE or WebSocket), with their teams and
 * whether they are in the admin group ({@code dashboard.admin-group}, env {@code DASHBOARD_ADMIN_GROUP}).
 */
@Singleton
public class CurrentUser {

    private final SecurityIdentity identity;
    private final CurrentIdentityAssociation association;
    private final String adminGroup;

    public CurrentUser(SecurityIdentity identity, CurrentIdentityAssociation association,
            @ConfigProperty(name = "dashboard.admin-group", defaultValue = "agent-services-admins") String adminGroup) {
        this.identity = identity;
        this.association = association;
        this.adminGroup = adminGroup;
    }

    /**
     * The caller, authenticating them now if that has not happened yet (paths that check the token
     * themselves); fails with {@link NotSignedInException} for no token or a bad one. Never blocks.
     */
    public Uni<DashboardUser> resolve() {
        return association.getDeferredIdentity()
                .onFailure(AuthenticationFailedException.class).transform(e -> new NotSignedInException())
                .map(resolved -> {
                    if (resolved.isAnonymous()) {
                        throw new NotSignedInException();
                    }
                    return DashboardUser.of(resolved, adminGroup);
                });
    }

    /** No token, or one this service does not accept. */
    public static final class NotSignedInException extends RuntimeException {
        NotSignedInException() {
            super("not signed in", null, false, false);
        }
    }

    /** For paths whose policy already authenticated the caller (SSE, gRPC, WebSocket). */
    public boolean signedIn() {
        return !identity.isAnonymous();
    }

    public DashboardUser get() {
        return DashboardUser.of(identity, adminGroup);
    }

    /** The user of an identity resolved elsewhere, e.g. during a WebSocket upgrade. */
    public DashboardUser of(SecurityIdentity resolved) {
        return DashboardUser.of(resolved, adminGroup);
    }
}
