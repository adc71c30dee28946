package dev.agentservices.worker.session;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.common.team.TeamSettings;
import dev.agentservices.common.team.TeamStore;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;

/**
 * A team's monthly budget ({@code monthlyBudgetUsd} in its settings): once what its turns and model calls cost
 * this month (UTC), as the {@link SpendLedger} counted it, reaches it, its new runs wait (PENDING, no pod) with one
 * reply in the thread, and a follow-up for a run already going waits for that run to end, until an admin raises the
 * budget or the month turns ({@link QueuedRunStarter} looks again). A turn already going is not stopped.
 */
@Singleton
public class TeamBudget {

    private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MMMM d", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final SpendLedger ledger;
    private final TeamStore teams;
    private final Clock clock = Clock.systemUTC();
    private final double teamlessBudget;
    /** How the notice names the sessions without a team. */
    static final String TEAMLESS = "(no team)";

    public TeamBudget(SpendLedger ledger, TeamStore teams, dev.agentservices.worker.launch.LauncherConfig config) {
        this.ledger = ledger;
        this.teams = teams;
        this.teamlessBudget = config.teamlessMonthlyBudgetUsd();
    }

    /** A team past its budget: what it spent this month and what it may. */
    public record Spent(String team, double spentUsd, double budgetUsd, Instant freshAt) {

        /** The reply the waiting request gets. */
        public String notice() {
            if (TEAMLESS.equals(team)) {
                return String.format(Locale.ROOT, "Sessions without a team have spent $%.2f of their $%.2f monthly budget, so this "
                        + "request waits. It starts when an admin raises SESSION_TEAMLESS_MONTHLY_BUDGET_USD or gives this "
                        + "channel, project or repository a team, or on %s (UTC) when the budget is fresh.", spentUsd, budgetUsd,
                        MONTH_DAY.format(freshAt));
            }
            return String.format(Locale.ROOT, "Team %s has spent $%.2f of its $%.2f monthly budget, so this request waits. "
                    + "It starts when an admin raises the team's budget on the dashboard, or on %s (UTC) when the "
                    + "budget is fresh.", team, spentUsd, budgetUsd, MONTH_DAY.format(freshAt));
        }
    }

    /**
     * The session's team when it has a budget and has spent it; empty when the run may start. Sessions without a team
     * share one budget, {@code SESSION_TEAMLESS_MONTHLY_BUDGET_USD}.
     */
    public Optional<Spent> overBudget(Session session) {
        double budget = session.team() == null ? teamlessBudget
                : teams.get(session.team()).map(TeamSettings::monthlyBudgetUsd).orElse(0.0);
        if (budget <= 0) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        double spent = ledger.monthToDate(session.team(), now).costUsd();
        return spent >= budget ? Optional.of(new Spent(session.team() == null ? TEAMLESS : session.team(), spent, budget,
                nextMonthStart(now))) : Optional.empty();
    }

    /** The first instant of the month after {@code now}'s, UTC: when a spent budget is fresh again. */
    static Instant nextMonthStart(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).withDayOfMonth(1).plusMonths(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
