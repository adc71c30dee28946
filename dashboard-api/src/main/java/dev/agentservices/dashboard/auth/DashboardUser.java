package dev.agentservices.dashboard.auth;

import dev.agentservices.common.session.Session;
import io.quarkus.security.identity.SecurityIdentity;
import java.util.Set;

/**
 * Who is calling and which sessions they may see and steer: the teams named by their groups, or every
 * team for members of the admin group ({@code dashboard.admin-group}).
 */
public record DashboardUser(String name, Set<String> teams, boolean admin) {

    public static DashboardUser of(SecurityIdentity identity, String adminGroup) {
        Set<String> groups = identity.getRoles();
        return new DashboardUser(identity.getPrincipal().getName(), Set.copyOf(groups), groups.contains(adminGroup));
    }

    public boolean maySee(Session session) {
        return admin || (session.team() != null && teams.contains(session.team()));
    }
}
