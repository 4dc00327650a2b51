CREATE TABLE user_channels (
	user_id {{bigint}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	kind TEXT NOT NULL,
	address TEXT NOT NULL,
	quiet_from TEXT NOT NULL DEFAULT '',
	quiet_to TEXT NOT NULL DEFAULT '',
	time_zone TEXT NOT NULL DEFAULT '',
	enabled {{bool}} NOT NULL DEFAULT TRUE,
	PRIMARY KEY (user_id, kind)
);
CREATE TABLE notified_events (
	event_id {{bigint}} PRIMARY KEY,
	jobs INTEGER NOT NULL DEFAULT 0,
	at {{bigint}} NOT NULL
)
