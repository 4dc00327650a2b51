-- Web sign-in sessions and the reception's tracking links. IF NOT EXISTS: 0009 may have been applied under
-- version 8 on a database migrated before this file landed, and then this file runs as version 9.
-- Only the SHA-256 hashes of session tokens and tracking tokens are stored: a copy of the database opens no
-- session and no resident's tracking page.
CREATE TABLE IF NOT EXISTS web_sessions (
	id {{id}},
	token_hash TEXT NOT NULL UNIQUE,
	user_id {{bigint}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	csrf_secret TEXT NOT NULL,
	created_at {{bigint}} NOT NULL,
	expires_at {{bigint}} NOT NULL,
	last_seen_at {{bigint}} NOT NULL,
	ip TEXT NOT NULL DEFAULT '',
	user_agent TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS web_sessions_user ON web_sessions(user_id);
CREATE INDEX IF NOT EXISTS web_sessions_expires ON web_sessions(expires_at);
-- A reception submission's secret tracking link points at its message, and the message's incident is read through
-- it, so the link follows the message when its incident is merged into another.
CREATE TABLE IF NOT EXISTS reception_links (
	token_hash TEXT PRIMARY KEY,
	message_id {{bigint}} NOT NULL REFERENCES messages(id),
	number TEXT NOT NULL,
	created_at {{bigint}} NOT NULL
);
