-- Loads finished sessions bench-{from}..bench-{to} into the history, as the projector and archiver leave them: a
-- summary row (20 teams, 3 agents, 4 sources, 10% failed (in every team), created over the last 365 days for 1,000,000 sessions), its
-- words (title, key, messages), two messages (the request and the answer) and one turn each. Used by
-- deploy/bench/history.sh:   psql -v from=1 -v to=1000 -v total=1000000 -f deploy/bench/history-load.sql
\set ON_ERROR_STOP on
BEGIN;
CREATE TEMP TABLE batch ON COMMIT DROP AS
SELECT g, now() - make_interval(secs => (:total - g)::double precision / :total * 365 * 86400) AS created,
       'please ' || (ARRAY['fix', 'look at', 'upgrade', 'document', 'speed up'])[1 + g % 5] || ' the '
           || (ARRAY['login', 'billing', 'search', 'export', 'import', 'checkout', 'profile', 'settings'])[1 + g % 8]
           || ' code in repo r' || (g % 1000) || ', ticket k' || (g % 100000) || ', it fails since yesterday' AS question,
       'I changed ' || (1 + g % 9) || ' files and the tests pass; the pull request is p' || g || '.' AS answer
FROM generate_series(:from, :to) AS g;

INSERT INTO sessions (id, revision, agent, team, source, session_key, title, status, runs, turns, created_at, started_at,
    finished_at, input_tokens, output_tokens, cost_usd, pod_millis, last_answer, archived_at)
SELECT 'bench-' || lpad(g::text, 8, '0'), 12, (ARRAY['buck', 'dolly', 'pearl'])[1 + g % 3], 'team-' || (g % 20),
       (ARRAY['slack', 'jira', 'github', 'dashboard'])[1 + (g / 3) % 4], 'buck:slack:CBENCH:' || g || '.000100',
       (ARRAY['fix', 'flaky', 'deploy', 'docs', 'build', 'upgrade', 'refactor', 'billing', 'login', 'cache'])[1 + g % 10]
           || ' ' || (ARRAY['service', 'test', 'pipeline', 'module', 'api', 'page', 'job', 'query', 'report', 'client'])[1 + (g / 10) % 10]
           || ' task ' || g,
       CASE WHEN g % 70 < 7 THEN 'FAILED' WHEN g % 50 = 1 THEN 'TERMINATED' ELSE 'SUCCEEDED' END, 1, 1,
       created, created + interval '5 seconds', created + make_interval(secs => 60 + g % 600),
       1000 + g % 5000, 200 + g % 900, (1000 + g % 5000) * 3e-6 + (200 + g % 900) * 15e-6, 60000 + g % 600000, answer, now()
FROM batch;

INSERT INTO session_search (session_id, words)
SELECT 'bench-' || lpad(g::text, 8, '0'), strip(to_tsvector('simple',
       (ARRAY['fix', 'flaky', 'deploy', 'docs', 'build', 'upgrade', 'refactor', 'billing', 'login', 'cache'])[1 + g % 10]
           || ' ' || (ARRAY['service', 'test', 'pipeline', 'module', 'api', 'page', 'job', 'query', 'report', 'client'])[1 + (g / 10) % 10]
           || ' task ' || g || ' buck:slack:CBENCH:' || g || '.000100 ' || question || ' ' || answer))
FROM batch;

INSERT INTO session_messages (session_id, message_id, at, author, role, text)
SELECT 'bench-' || lpad(g::text, 8, '0'), 'q' || g, created, 'U' || (g % 300), 'person', question FROM batch
UNION ALL
SELECT 'bench-' || lpad(g::text, 8, '0'), 'a' || g, created + interval '60 seconds', 'buck', 'agent', answer FROM batch;

INSERT INTO session_turns (session_id, turn, revision, run, status, started_at, finished_at, input_tokens, output_tokens, cost_usd)
SELECT 'bench-' || lpad(g::text, 8, '0'), 1, 12, 1, CASE WHEN g % 70 < 7 THEN 'FAILED' ELSE 'SUCCEEDED' END,
       created, created + interval '60 seconds', 1000 + g % 5000, 200 + g % 900, (1000 + g % 5000) * 3e-6 + (200 + g % 900) * 15e-6
FROM batch;
COMMIT;
