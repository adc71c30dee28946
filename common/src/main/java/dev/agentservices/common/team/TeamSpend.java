package dev.agentservices.common.team;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.Turn;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;

/**
 * What a team's runs cost in the current calendar month (UTC): the cost the worker computed for the
 * turns of its sessions that ended this month, and what their model conversations (the model-backed agent
 * policy) cost this month. Computed from the records' turns (the latest
 * {@link Session#TURNS_KEPT} of each session), by the worker before it starts a run and by the dashboard
 * for its budget panel, so both say the same.
 */
public final class TeamSpend {

    private TeamSpend() {
    }

    /**
     * The cost in USD of the turns of {@code team}'s sessions that ended from the start of {@code now}'s month; with
     * {@code team} null, of the sessions without a team.
     */
    public static double monthToDate(Collection<Session> sessions, String team, Instant now) {
        Instant monthStart = monthStart(now);
        double cost = 0;
        for (Session session : sessions) {
            if (!java.util.Objects.equals(team, session.team())) {
                continue;
            }
            if (session.conversation() != null) {
                cost += session.conversation().usageIn(now).costUsd();
            }
            for (Turn turn : session.turns()) {
                if (turn.usage() != null && turn.finishedAt() != null && !turn.finishedAt().isBefore(monthStart)) {
                    cost += turn.usage().costUsd();
                }
            }
        }
        return cost;
    }

    /** The first instant of {@code now}'s month, UTC. */
    public static Instant monthStart(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** The first instant of the month after {@code now}'s, UTC: when a spent budget is fresh again. */
    public static Instant nextMonthStart(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
