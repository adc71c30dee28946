package dev.agentservices.common.session;

import dev.agentservices.common.model.SessionSource;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;

/**
 * Which sessions a list wants: every set filter must match (an empty set matches all), {@code text}
 * matches title, session key and messages without regard to case, and the created range is half-open.
 * A session without a team matches only a query that names no team.
 */
public record SessionQuery(Set<String> agents, Set<SessionSource> sources, Set<SessionStatus> statuses, Set<String> teams,
        String text, Instant createdAfter, Instant createdBefore) {

    public static final SessionQuery ALL = new SessionQuery(Set.of(), Set.of(), Set.of(), Set.of(), null, null, null);

    public SessionQuery {
        agents = agents == null ? Set.of() : Set.copyOf(agents);
        sources = sources == null ? Set.of() : Set.copyOf(sources);
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        teams = teams == null ? Set.of() : Set.copyOf(teams);
        text = text == null || text.isBlank() ? null : text.toLowerCase(Locale.ROOT);
    }

    boolean matches(Session session) {
        return (agents.isEmpty() || agents.contains(session.agent()))
                && (sources.isEmpty() || sources.contains(session.source()))
                && (statuses.isEmpty() || statuses.contains(session.status()))
                && (teams.isEmpty() || session.team() != null && teams.contains(session.team()))
                && (createdAfter == null || !session.createdAt().isBefore(createdAfter))
                && (createdBefore == null || session.createdAt().isBefore(createdBefore))
                && (text == null || contains(session));
    }

    private boolean contains(Session session) {
        if (lower(session.title()).contains(text) || session.key().toString().toLowerCase(Locale.ROOT).contains(text)) {
            return true;
        }
        return session.messages().stream().anyMatch(message -> lower(message.text()).contains(text));
    }

    private static String lower(String value) {
        return value == null ? "" : value.toLowerCase(Locale.ROOT);
    }
}
