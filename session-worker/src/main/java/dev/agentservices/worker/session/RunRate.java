package dev.agentservices.worker.session;

import dev.agentservices.common.session.Session;
import dev.agentservices.common.session.Turn;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A session's cap on new runs per hour ({@code session.max-runs-per-hour}, 20): a conversation that makes
 * a pod after a pod (a loop between bots, a script) waits instead, with one notice, until its oldest run of
 * the hour is an hour old. Runs are counted from the turn records (the first turn of each run).
 */
@Singleton
public class RunRate {

    static final Duration WINDOW = Duration.ofHours(1);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);

    private final int maxRunsPerHour;

    public RunRate(@ConfigProperty(name = "session.max-runs-per-hour", defaultValue = "20") int maxRunsPerHour) {
        this.maxRunsPerHour = maxRunsPerHour;
    }

    /** The notice when the session's current run may not start yet, empty when it may. */
    public Optional<String> overLimit(Session session, Instant now) {
        if (maxRunsPerHour <= 0) {
            return Optional.empty();
        }
        Map<Integer, Instant> runStarts = new TreeMap<>();
        for (Turn turn : session.turns()) {
            if (turn.run() != session.run() && turn.startedAt() != null) {
                runStarts.merge(turn.run(), turn.startedAt(), (a, b) -> a.isBefore(b) ? a : b);
            }
        }
        Instant since = now.minus(WINDOW);
        var recent = runStarts.values().stream().filter(start -> start.isAfter(since)).sorted().toList();
        if (recent.size() < maxRunsPerHour) {
            return Optional.empty();
        }
        Instant freeAt = recent.get(recent.size() - maxRunsPerHour).plus(WINDOW);
        return Optional.of("This conversation started " + recent.size() + " runs in the last hour, its limit, so this "
                + "request waits until " + TIME.format(freeAt) + " UTC.");
    }
}
