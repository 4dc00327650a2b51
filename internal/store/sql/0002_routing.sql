CREATE TABLE routing_rules (
	id {{id}},
	position INTEGER NOT NULL,
	category TEXT NOT NULL DEFAULT '',
	territory TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL DEFAULT '',
	executor_id {{bigint}} NOT NULL REFERENCES executors(id) ON DELETE CASCADE,
	note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX routing_rules_position ON routing_rules(position, id);
CREATE TABLE buildings (
	id {{id}},
	address TEXT NOT NULL,
	address_key TEXT NOT NULL,
	territory TEXT NOT NULL DEFAULT '',
	executor_id {{bigint}} NOT NULL REFERENCES executors(id) ON DELETE CASCADE,
	UNIQUE (territory, address_key)
);
CREATE INDEX buildings_executor ON buildings(executor_id);
