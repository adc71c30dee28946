package dev.agentservices.dashboard.api;

import dev.agentservices.common.session.Session;
import dev.agentservices.dashboard.history.SessionRecords;
import io.smallrye.mutiny.Uni;
import dev.agentservices.dashboard.auth.DashboardUser;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Who may see and do what: admins everything; other users the sessions, metrics and settings of the teams
 * their {@code groups} claim names, and never a session without a team.
 */
final class AccessRules {

    private AccessRules() {
    }

    /** The teams a list may show: those asked for (all when none) that the user belongs to; all asked for, for admins. */
    static Set<String> visibleTeams(Set<String> requested, DashboardUser user) {
        if (user.admin()) {
            return requested;
        }
        Set<String> teams = requested.isEmpty() ? user.teams()
                : requested.stream().filter(user.teams()::contains).collect(Collectors.toSet());
        if (teams.isEmpty()) {
            throw ApiException.permissionDenied("You are in none of the teams asked for");
        }
        return teams;
    }

    /** The session {@code id} (live, or from the history), when the user may see it. */
    static Uni<Session> visibleSession(SessionRecords sessions, String id, DashboardUser user) {
        if (id == null || id.isBlank()) {
            throw ApiException.invalidArgument("id is required");
        }
        return Calls.history(sessions.find(id)).map(found -> {
            Session session = found.orElseThrow(() -> ApiException.notFound("There is no session " + id));
            if (!user.maySee(session)) {
                throw ApiException.permissionDenied("Session " + id + " belongs to a team you are not in");
            }
            return session;
        });
    }

    static void requireTeam(DashboardUser user, String team) {
        if (!user.admin() && !user.teams().contains(team)) {
            throw ApiException.permissionDenied("You are not in team " + team);
        }
    }

    static void requireAdmin(DashboardUser user, String what) {
        if (!user.admin()) {
            throw ApiException.permissionDenied("Only members of the admin group " + what);
        }
    }
}
