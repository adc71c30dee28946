package dev.agentservices.common.team;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.nats.NatsConnection;
import dev.agentservices.common.session.SessionStoreException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.NUID;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * What runs and model calls cost, per team and month, kept apart from the session records in the {@code spend}
 * bucket: one entry a charge, written once and never changed, so deleting a session, a record keeping only its
 * latest turns, or a report sent twice changes no total. The worker charges each turn (its cost computed from its
 * tokens) and each model call; the budget checks and the dashboard's budget panel read the month's totals.
 *
 * <p>A key is {@code {yyyyMM}.{team}.{session}.{charge}}: the team ({@code _} for sessions without one) and the
 * session are key tokens ('.' written as '='), so a month, a team or a session is a key filter. A turn's charge
 * is named by its run and turn and created only if absent, so a redelivered outcome is charged once and a second,
 * different report for the same turn cannot replace the first. Totals come from one watch of the current month's
 * keys, kept in memory (a month's charges, not the history); a charge an operator purges from the bucket (a
 * correction) stops counting. Blocks on NATS: call it from worker threads.
 */
@Singleton
public class SpendLedger {

    /** The team token of sessions without a team (no team id can be it: ids start with a letter or digit). */
    public static final String NO_TEAM = "_";
    private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("yyyyMM");
    /** JetStream's answer to a create of a key that exists. */
    private static final int KEY_EXISTS = 10071;
    private static final Duration FIRST_READ = Duration.ofSeconds(20);

    /**
     * One charge.
     *
     * @param team   the session's team; null for a session without one
     * @param kind   {@link #TURN} or {@link #MODEL}
     * @param tokens all tokens the charge used (input, output, cache)
     */
    public record Charge(int v, String team, String sessionId, String kind, String name, double costUsd, long tokens,
            Instant at) {

        public static final int VERSION = 1;
        /** A turn of a run: the worker's price of the tokens its outcome reported. */
        public static final String TURN = "turn";
        /** A call of the session's model (the model-backed agent policy). */
        public static final String MODEL = "model";

        public Charge {
            costUsd = costUsd > 0 && Double.isFinite(costUsd) ? costUsd : 0;
            tokens = Math.max(0, tokens);
        }

        /** A turn's charge, named by its run and turn (charged once however often its outcome comes). */
        public static Charge turn(String team, String sessionId, int run, int turn, double costUsd, long tokens, Instant at) {
            return new Charge(VERSION, team, sessionId, TURN, "turn-" + run + "-" + turn, costUsd, tokens, at);
        }

        /** A model call's charge: each call asked is money spent, so each gets a name of its own. */
        public static Charge model(String team, String sessionId, int call, double costUsd, long tokens, Instant at) {
            return new Charge(VERSION, team, sessionId, MODEL, "model-" + call + "-" + NUID.nextGlobalSequence(), costUsd, tokens, at);
        }
    }

    /** A team's month so far: what its turns and model calls cost, and the tokens its model calls used. */
    public record Totals(double costUsd, long modelTokens) {
        public static final Totals NONE = new Totals(0, 0);

        Totals plus(Charge charge) {
            return plus(new Totals(charge.costUsd(), Charge.MODEL.equals(charge.kind()) ? charge.tokens() : 0));
        }

        Totals plus(Totals other) {
            return new Totals(costUsd + other.costUsd, modelTokens + other.modelTokens);
        }

        Totals minus(Totals other) {
            return new Totals(costUsd - other.costUsd, modelTokens - other.modelTokens);
        }
    }

    private final NatsConnection nats;
    private final ObjectMapper mapper;
    private volatile Month month;

    public SpendLedger(NatsConnection nats, ObjectMapper mapper) {
        this.nats = nats;
        this.mapper = mapper;
    }

    /** Records the charge; a turn's charge that exists already is left as it is. */
    public void charge(Charge charge) {
        String key = key(charge);
        try {
            byte[] value = mapper.writeValueAsBytes(charge);
            if (Charge.TURN.equals(charge.kind())) {
                bucket().create(key, value);
            } else {
                bucket().put(key, value);
            }
            Month watched = month;
            if (watched != null && key.startsWith(watched.name + ".")) {
                watched.count(key, charge); // at once: the next budget check may come before the watch delivers it
            }
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != KEY_EXISTS) {
                throw new SessionStoreException("charging " + key, e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code team}'s totals (null: the sessions without a team) for the month of {@code now}, UTC. */
    public Totals monthToDate(String team, Instant now) {
        return month(now).totals(team == null ? NO_TEAM : token(team));
    }

    /** The key of a charge. */
    static String key(Charge charge) {
        return MONTH.format(charge.at().atZone(ZoneOffset.UTC)) + "." + (charge.team() == null ? NO_TEAM : token(charge.team()))
                + "." + token(charge.sessionId()) + "." + charge.name();
    }

    /** A name as one key token: '.' would start a new one, and KV keys take letters, digits and {@code -_=/}. */
    static String token(String name) {
        StringBuilder token = new StringBuilder(name.length());
        for (char c : name.toCharArray()) {
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            token.append(plain ? c : '=');
        }
        return token.toString();
    }

    /** The watched month of {@code now}: the one watched already, or a new watch when the month turned. */
    private Month month(Instant now) {
        String wanted = MONTH.format(YearMonth.from(now.atZone(ZoneOffset.UTC)));
        Month current = month;
        if (current == null || !current.name.equals(wanted)) {
            synchronized (this) {
                current = month;
                if (current == null || !current.name.equals(wanted)) {
                    Month next = new Month(wanted);
                    next.start();
                    if (current != null) {
                        current.stop();
                    }
                    month = next;
                    current = next;
                }
            }
        }
        current.awaitLoaded();
        return current;
    }

    private KeyValue bucket() throws IOException {
        return nats.connection().keyValue(nats.config().buckets().spend().name());
    }

    /** One month's charges, from a watch of its keys. */
    private final class Month implements KeyValueWatcher {
        private final String name;
        private final Map<String, Totals> byTeam = new ConcurrentHashMap<>();
        private final Map<String, Charge> counted = new ConcurrentHashMap<>();
        private final CountDownLatch loaded = new CountDownLatch(1);
        private volatile NatsKeyValueWatchSubscription watch;

        Month(String name) {
            this.name = name;
        }

        void start() {
            try {
                watch = bucket().watch(name + ".>", this);
            } catch (IOException | JetStreamApiException | InterruptedException e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                throw new SessionStoreException("watching the spend of " + name, e);
            }
        }

        void stop() {
            NatsKeyValueWatchSubscription subscription = watch;
            if (subscription != null) {
                subscription.unsubscribe();
            }
        }

        void awaitLoaded() {
            try {
                if (!loaded.await(FIRST_READ.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new SessionStoreException("the spend of " + name + " was not read within " + FIRST_READ, null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SessionStoreException("reading the spend of " + name, e);
            }
        }

        Totals totals(String teamToken) {
            return byTeam.getOrDefault(teamToken, Totals.NONE);
        }

        @Override
        public void watch(KeyValueEntry entry) {
            if (entry.getOperation() != KeyValueOperation.PUT) {
                uncount(entry.getKey()); // an operator took a charge back
                return;
            }
            try {
                count(entry.getKey(), mapper.readValue(entry.getValue(), Charge.class));
            } catch (IOException | RuntimeException e) {
                // not a charge of ours: it counts nothing
            }
        }

        /** Adds the charge under {@code key} to its team's totals, once. */
        void count(String key, Charge charge) {
            if (counted.putIfAbsent(key, charge) == null) {
                byTeam.merge(team(key), Totals.NONE.plus(charge), Totals::plus);
            }
        }

        private void uncount(String key) {
            Charge charge = counted.remove(key);
            if (charge != null) {
                byTeam.merge(team(key), Totals.NONE.plus(charge), Totals::minus);
            }
        }

        private static String team(String key) {
            return key.split("\\.", 3)[1];
        }

        @Override
        public void endOfData() {
            loaded.countDown();
        }
    }
}
