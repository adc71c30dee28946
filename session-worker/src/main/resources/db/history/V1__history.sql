-- The sessions' history: what the worker's change events said, projected by the worker (docs/architecture.md,
-- "Records: who owns what"). Every write is idempotent: summaries carry the live record's KV revision and are kept
-- only when newer, messages and artifacts are keyed by their content, turns by their number. A message's words join
-- its session's words once, when the message is first written.

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
    record          text                       -- the whole live record (JSON) as it was archived, to bring it back
);

-- lists: newest first, by team and status (members), or all (admins); the metrics of a range read the first one
-- alone (an index-only scan: it holds what they sum), and the runs that ended in a range the second
CREATE INDEX sessions_by_created ON sessions (created_at DESC, id DESC)
    INCLUDE (status, agent, source, team, input_tokens, output_tokens, cache_creation_tokens, cache_read_tokens, cost_usd, pod_millis)
    WHERE deleted_at IS NULL;
CREATE INDEX sessions_by_finished ON sessions (finished_at) INCLUDE (status, started_at, created_at, team) WHERE deleted_at IS NULL;
CREATE INDEX sessions_by_team ON sessions (team, created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX sessions_by_team_status ON sessions (team, status, created_at DESC, id DESC) WHERE deleted_at IS NULL;
-- text search: a session's words (its title and key, and the first 4,000 characters of each message) in a table of
-- their own, so that the summary's frequent changes never rewrite them or their index; fine statistics, so that a
-- rare word is looked up in the index and a common one checked along the sessions newest first
CREATE TABLE session_search (
    session_id  text PRIMARY KEY REFERENCES sessions (id) ON DELETE CASCADE,
    words       tsvector NOT NULL
);
CREATE INDEX session_search_words ON session_search USING gin (words);
ALTER TABLE session_search ALTER COLUMN words SET STATISTICS 1000;

CREATE TABLE session_messages (
    session_id  text NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    message_id  text NOT NULL,                 -- SHA-256 of time, author and text: a replayed change adds nothing
    at          timestamptz NOT NULL,
    author      text,
    role        text,
    text        text NOT NULL,
    PRIMARY KEY (session_id, message_id)
);
CREATE INDEX session_messages_by_time ON session_messages (session_id, at);

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
