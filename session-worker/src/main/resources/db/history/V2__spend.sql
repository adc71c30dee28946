-- The spend ledger and usage per team and day in the history: each charge of the KV bucket `spend` (what a turn or a
-- model call cost), projected from the bucket's own stream by the worker (SpendProjector), and the day's totals kept
-- with it in the same statement. The bucket stays the worker's record (budgets are enforced from it); these tables
-- are what the dashboard's budget panel and reports read. Idempotent: a charge is keyed by its KV key and carries the
-- stream sequence it was written at; a charge an operator deleted stays as a tombstone, so a late redelivery of its
-- write cannot count it again.

CREATE TABLE spend_ledger (
    charge_key      text PRIMARY KEY,          -- the KV key: {yyyyMM}.{team}.{session}.{charge}
    revision        bigint NOT NULL,           -- the stream sequence of the write or deletion
    deleted         boolean NOT NULL DEFAULT false,
    team            text,                      -- null: a session of no team (and on a tombstone never written)
    session_id      text,
    kind            text,                      -- turn, model
    name            text,
    cost_usd        double precision,
    tokens          bigint,
    at              timestamptz
);

CREATE INDEX spend_ledger_session ON spend_ledger (session_id);

-- usage per team and day (UTC), of the charges made that day; team '' is the sessions of no team
DROP VIEW usage_per_day;
CREATE TABLE usage_per_day (
    team            text NOT NULL,
    day             date NOT NULL,
    cost_usd        double precision NOT NULL DEFAULT 0,
    tokens          bigint NOT NULL DEFAULT 0,
    model_tokens    bigint NOT NULL DEFAULT 0,
    turns           bigint NOT NULL DEFAULT 0,
    model_calls     bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (team, day)
);
