-- The sessions' history: what the worker's change events said, projected by the worker (docs/architecture.md,
-- "Records: who owns what"). Every write is idempotent: summaries carry the live record's KV revision and are kept
-- only when newer, messages and artifacts are keyed by their content, turns by their number.

CREATE TABLE sessions (
    id              text PRIMARY KEY,
    revision        bigint NOT NULL,
    agent           text NOT NULL,
    team            text,                      -- null: a session of no team, seen by admins only
    source          text NOT NULL,             -- slack, jira, github, dashboard
    session_key     text NOT NULL,             -- the human form, e.g. buck:slack:C1:1700000000.000100
    title           text,
    status          text NOT NULL,
    waiting_for     text,
    pod_name        text,
    runs            integer NOT NULL DEFAULT 0,
    turns           integer NOT NULL DEFAULT 0,
    created_at      timestamptz NOT NULL,
    started_at      timestamptz,
    finished_at     timestamptz,
    error           text,
    input_tokens    bigint NOT NULL DEFAULT 0,
    output_tokens   bigint NOT NULL DEFAULT 0,
    cache_creation_tokens bigint NOT NULL DEFAULT 0,
    cache_read_tokens bigint NOT NULL DEFAULT 0,
    cost_usd        double precision NOT NULL DEFAULT 0,
    pod_millis      bigint NOT NULL DEFAULT 0,
    last_answer     text,
    deleted_at      timestamptz,               -- deleted by a user: gone from every list, kept as a tombstone
    archived_at     timestamptz,               -- left the live bucket; record holds it whole
    record          text,                      -- the whole live record (JSON) as it was archived, to bring it back
    title_search    tsvector GENERATED ALWAYS AS (to_tsvector('simple', coalesce(title, '') || ' ' || session_key)) STORED
);

-- lists: newest first, by team and status (members), or all (admins)
CREATE INDEX sessions_by_created ON sessions (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX sessions_by_team ON sessions (team, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX sessions_by_team_status ON sessions (team, status, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX sessions_title_search ON sessions USING gin (title_search);

CREATE TABLE session_messages (
    session_id  text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    message_id  text NOT NULL,                 -- SHA-256 of time, author and text: a replayed change adds nothing
    at          timestamptz NOT NULL,
    author      text,
    role        text,
    text        text NOT NULL,
    search      tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED,
    PRIMARY KEY (session_id, message_id)
);
CREATE INDEX session_messages_by_time ON session_messages (session_id, at);
CREATE INDEX session_messages_search ON session_messages USING gin (search);

CREATE TABLE session_turns (
    session_id    text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    turn          integer NOT NULL,
    revision      bigint NOT NULL,
    run           integer NOT NULL,
    status        text NOT NULL,
    started_at    timestamptz,
    finished_at   timestamptz,
    input_tokens  bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    cost_usd      double precision NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, turn)
);

CREATE TABLE session_artifacts (
    session_id  text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    kind        text NOT NULL,
    url         text NOT NULL DEFAULT '',
    title       text NOT NULL DEFAULT '',
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (session_id, kind, url, title)
);

-- usage per team, agent and day, of the sessions created that day (the metrics' charts read it)
CREATE VIEW usage_per_day AS
SELECT date_trunc('day', created_at) AS day, team, agent, count(*) AS sessions,
       count(*) FILTER (WHERE status = 'SUCCEEDED') AS succeeded, count(*) FILTER (WHERE status = 'FAILED') AS failed,
       sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
       sum(pod_millis) AS pod_millis
FROM sessions WHERE deleted_at IS NULL
GROUP BY 1, 2, 3;
