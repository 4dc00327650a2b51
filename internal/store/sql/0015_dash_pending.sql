-- The incidents not folded into the dashboard rollup yet are listed in a table of their own instead of being
-- marked by incidents.dash_state (migration 0012). Marking an incident folded was an update of its row that
-- PostgreSQL could not make in place (the column was in a partial index's predicate), so every index of the
-- incidents got a new entry: folding a bulk import of a million incidents took nine minutes. Now the fold
-- deletes the ids from here, and the incidents' rows stay as they are. It takes them in the order they were
-- created (as the partial index on created_at had it): a batch of neighbouring days adds to far fewer rollup rows
-- than one spread over the whole history.
CREATE TABLE dash_pending (
	incident_id {{bigint}} PRIMARY KEY,
	created_at {{bigint}} NOT NULL
);
CREATE INDEX dash_pending_created ON dash_pending(created_at);
INSERT INTO dash_pending (incident_id, created_at) SELECT id, created_at FROM incidents WHERE dash_state > 0;
DROP INDEX incidents_dash_pending;
-- incidents.dash_state stays, unused: dropping it makes SQLite rewrite every incident in one statement, which at
-- a million incidents held some 300 MB of statement journal in memory (temp_store is MEMORY).
