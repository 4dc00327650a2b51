CREATE TABLE sources (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL,
	name TEXT NOT NULL DEFAULT '',
	territory TEXT NOT NULL DEFAULT '',
	config TEXT NOT NULL DEFAULT '{}',
	enabled {{bool}} NOT NULL DEFAULT TRUE,
	created_at {{bigint}} NOT NULL
);
CREATE TABLE source_offsets (
	source TEXT PRIMARY KEY,
	value {{bigint}} NOT NULL
);
