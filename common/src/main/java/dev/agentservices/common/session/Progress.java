package dev.agentservices.common.session;

import java.time.Instant;

/**
 * How far a turn's agent got, as its run reported it: the steps it took so far (Claude Code's tool calls) and the
 * latest one in a line. Shown live on the dashboard and, for a Slack session, in one message of the thread that is
 * updated as the turn goes.
 *
 * @param run       the run that reported it
 * @param turn      the turn it is about
 * @param steps     the steps taken so far; a report with fewer than the last one is an older report
 * @param step      the latest step, one line of at most {@link #STEP_KEPT} characters
 * @param at        when the worker took the report
 * @param slackTs   the {@code ts} of the turn's progress message in its Slack thread; null before it is posted
 * @param shownAt   when that message last changed (it changes at most every few seconds)
 */
public record Progress(int run, int turn, int steps, String step, Instant at, String slackTs, Instant shownAt) {

    public static final int STEP_KEPT = 300;

    public Progress {
        if (step != null && step.length() > STEP_KEPT) {
            step = step.substring(0, STEP_KEPT - 1) + "…";
        }
    }

    /** The same progress, shown in Slack as message {@code ts} at {@code now}. */
    public Progress shown(String ts, Instant now) {
        return new Progress(run, turn, steps, step, at, ts, now);
    }

    /** One line for people: {@code Working… 4 steps so far. Latest: → Bash: npm test}. */
    public String text() {
        return "Working… " + steps + (steps == 1 ? " step" : " steps") + " so far."
                + (step == null || step.isBlank() ? "" : " Latest: " + step);
    }
}
