package dev.agentservices.worker.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.agentservices.common.history.HistoryDatabase;
import dev.agentservices.common.nats.NatsConfig;
import dev.agentservices.common.team.SpendLedger;
import dev.agentservices.worker.consume.UnprocessableMessageException;
import io.nats.client.Message;
import jakarta.inject.Singleton;
import java.io.IOException;

/**
 * Projects the spend ledger into the history: every write of the KV bucket {@code spend} (a charge: what a turn or a
 * model call cost) and every deletion of one (an operator's correction) arrives on the bucket's own stream through the
 * worker's durable consumer {@code session-worker-spend}, and becomes a row of {@code spend_ledger} with the day's
 * totals of its team in {@code usage_per_day} changed in the same statement. The bucket stays the record the worker
 * enforces budgets from; the dashboard reads these tables. Idempotent: a charge counts once however often it comes,
 * and a deleted one stays a tombstone (at the stream sequence of its deletion) that an older write cannot undo.
 */
@Singleton
public class SpendProjector {

    /** The durable consumer of the bucket's stream. */
    public static final String CONSUMER = "session-worker-spend";
    /** The header of a KV deletion or purge. */
    private static final String KV_OPERATION = "KV-Operation";

    /** A charge, counted into its day when it is new (or written again after its deletion). */
    private static final String CHARGE = """
            WITH counted AS (
                INSERT INTO spend_ledger AS l (charge_key, revision, team, session_id, kind, name, cost_usd, tokens, at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (charge_key) DO UPDATE SET revision = excluded.revision, deleted = false, team = excluded.team,
                    session_id = excluded.session_id, kind = excluded.kind, name = excluded.name,
                    cost_usd = excluded.cost_usd, tokens = excluded.tokens, at = excluded.at
                WHERE l.deleted AND l.revision < excluded.revision
                RETURNING team, at, cost_usd, tokens, kind)
            INSERT INTO usage_per_day AS u (team, day, cost_usd, tokens, model_tokens, turns, model_calls)
            SELECT coalesce(team, ''), (at AT TIME ZONE 'UTC')::date, cost_usd, tokens,
                CASE WHEN kind = 'model' THEN tokens ELSE 0 END, CASE WHEN kind = 'turn' THEN 1 ELSE 0 END,
                CASE WHEN kind = 'model' THEN 1 ELSE 0 END
            FROM counted
            ON CONFLICT (team, day) DO UPDATE SET cost_usd = u.cost_usd + excluded.cost_usd,
                tokens = u.tokens + excluded.tokens, model_tokens = u.model_tokens + excluded.model_tokens,
                turns = u.turns + excluded.turns, model_calls = u.model_calls + excluded.model_calls""";

    /** A deletion: the charge becomes a tombstone (one is made when it was never seen) and leaves its day's totals. */
    private static final String DELETION = """
            WITH uncounted AS (
                INSERT INTO spend_ledger AS l (charge_key, revision, deleted) VALUES ($1, $2, true)
                ON CONFLICT (charge_key) DO UPDATE SET revision = excluded.revision, deleted = true
                WHERE NOT l.deleted AND l.revision < excluded.revision
                RETURNING team, at, cost_usd, tokens, kind)
            UPDATE usage_per_day u SET cost_usd = u.cost_usd - c.cost_usd, tokens = u.tokens - c.tokens,
                model_tokens = u.model_tokens - CASE WHEN c.kind = 'model' THEN c.tokens ELSE 0 END,
                turns = u.turns - CASE WHEN c.kind = 'turn' THEN 1 ELSE 0 END,
                model_calls = u.model_calls - CASE WHEN c.kind = 'model' THEN 1 ELSE 0 END
            FROM uncounted c
            WHERE c.at IS NOT NULL AND u.team = coalesce(c.team, '') AND u.day = (c.at AT TIME ZONE 'UTC')::date""";

    private final HistoryDatabase database;
    private final HistoryProjector history;
    private final ObjectMapper mapper;
    private final String bucket;

    public SpendProjector(HistoryDatabase database, HistoryProjector history, ObjectMapper mapper, NatsConfig nats) {
        this.database = database;
        this.history = history;
        this.mapper = mapper;
        this.bucket = nats.buckets().spend().name();
    }

    /** The stream the bucket keeps its entries in. */
    public String stream() {
        return "KV_" + bucket;
    }

    /** The subjects of the bucket's entries. */
    public String subjects() {
        return "$KV." + bucket + ".>";
    }

    /** Applies one entry as the consumer delivered it, at its stream sequence; blocks on the database. */
    public void handle(Message message) throws Exception {
        apply(message, message.metaData().streamSequence());
    }

    /** Applies one entry written at {@code revision} (its stream sequence; a replayed dead letter names it). */
    public void apply(Message message, long revision) throws Exception {
        if (!history.ready()) {
            throw new HistoryProjector.NotReadyYet();
        }
        String prefix = "$KV." + bucket + ".";
        if (!message.getSubject().startsWith(prefix)) {
            throw new UnprocessableMessageException("not an entry of the spend bucket: " + message.getSubject());
        }
        String key = message.getSubject().substring(prefix.length());
        String operation = message.getHeaders() == null ? null : message.getHeaders().getFirst(KV_OPERATION);
        if (operation != null) {
            HistoryDatabase.await(database.pool().preparedQuery(DELETION).execute(HistoryWriter.row(key, revision)));
            return;
        }
        SpendLedger.Charge charge;
        try {
            charge = mapper.readValue(message.getData(), SpendLedger.Charge.class);
        } catch (IOException e) {
            throw new UnprocessableMessageException("entry " + key + " of the spend bucket is not a charge: " + e.getMessage());
        }
        if (charge.sessionId() == null || charge.at() == null
                || !(SpendLedger.Charge.TURN.equals(charge.kind()) || SpendLedger.Charge.MODEL.equals(charge.kind()))) {
            throw new UnprocessableMessageException("entry " + key + " of the spend bucket lacks its session, time or kind");
        }
        HistoryDatabase.await(database.pool().preparedQuery(CHARGE).execute(HistoryWriter.row(key, revision,
                HistoryWriter.clean(charge.team()), HistoryWriter.clean(charge.sessionId()), charge.kind(),
                HistoryWriter.clean(charge.name()), charge.costUsd(), charge.tokens(), HistoryWriter.time(charge.at()))));
    }
}
