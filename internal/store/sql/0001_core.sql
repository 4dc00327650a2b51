CREATE TABLE regions (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	time_zone TEXT NOT NULL,
	calendar TEXT NOT NULL DEFAULT '{}'
);
CREATE TABLE territories (
	id {{id}},
	region_id {{bigint}} NOT NULL REFERENCES regions(id),
	oktmo TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	short_name TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	variants TEXT NOT NULL DEFAULT '[]'
);
CREATE TABLE categories (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	parent_code TEXT NOT NULL DEFAULT '',
	name TEXT NOT NULL,
	name_en TEXT NOT NULL DEFAULT '',
	reaction_hours INTEGER NOT NULL,
	urgent_reaction_hours INTEGER NOT NULL,
	resolution_working_days INTEGER NOT NULL,
	default_priority TEXT NOT NULL,
	requires_proof {{bool}} NOT NULL DEFAULT FALSE,
	totk TEXT NOT NULL DEFAULT ''
);
CREATE TABLE executors (
	id {{id}},
	code TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	short_name TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	connected {{bool}} NOT NULL DEFAULT FALSE,
	email TEXT NOT NULL DEFAULT '',
	phone TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT ''
);
CREATE TABLE executor_territories (
	executor_id {{bigint}} NOT NULL REFERENCES executors(id) ON DELETE CASCADE,
	oktmo TEXT NOT NULL,
	PRIMARY KEY (executor_id, oktmo)
);
CREATE INDEX executor_territories_oktmo ON executor_territories(oktmo);
CREATE TABLE executor_categories (
	executor_id {{bigint}} NOT NULL REFERENCES executors(id) ON DELETE CASCADE,
	category_code TEXT NOT NULL,
	PRIMARY KEY (executor_id, category_code)
);
CREATE INDEX executor_categories_code ON executor_categories(category_code);
CREATE TABLE users (
	id {{id}},
	login TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	role TEXT NOT NULL,
	executor_id {{bigint}} REFERENCES executors(id),
	territory_id {{bigint}} REFERENCES territories(id),
	password_hash TEXT NOT NULL DEFAULT '',
	disabled {{bool}} NOT NULL DEFAULT FALSE,
	created_at {{bigint}} NOT NULL
);
CREATE TABLE api_tokens (
	id {{id}},
	user_id {{bigint}} NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	token_hash TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL DEFAULT '',
	created_at {{bigint}} NOT NULL,
	last_used_at {{bigint}}
);
CREATE TABLE counters (
	name TEXT PRIMARY KEY,
	value {{bigint}} NOT NULL
);
CREATE TABLE incidents (
	id {{id}},
	number TEXT NOT NULL UNIQUE,
	region_id {{bigint}} NOT NULL REFERENCES regions(id),
	status TEXT NOT NULL,
	priority TEXT NOT NULL,
	category_id {{bigint}} REFERENCES categories(id),
	territory_id {{bigint}} REFERENCES territories(id),
	executor_id {{bigint}} REFERENCES executors(id),
	summary TEXT NOT NULL,
	address TEXT NOT NULL DEFAULT '',
	source TEXT NOT NULL DEFAULT '',
	message_count INTEGER NOT NULL DEFAULT 0,
	created_at {{bigint}} NOT NULL,
	updated_at {{bigint}} NOT NULL,
	reaction_due {{bigint}},
	resolution_due {{bigint}},
	due_at {{bigint}},
	first_reaction_at {{bigint}},
	resolved_at {{bigint}},
	merged_into {{bigint}} REFERENCES incidents(id),
	reject_reason TEXT NOT NULL DEFAULT '',
	excluded_executors TEXT NOT NULL DEFAULT '[]',
	warn_at {{bigint}},
	breach_at {{bigint}}
);
CREATE INDEX incidents_created ON incidents(created_at, id);
CREATE INDEX incidents_status_created ON incidents(status, created_at, id);
CREATE INDEX incidents_category_created ON incidents(category_id, created_at, id);
CREATE INDEX incidents_territory_created ON incidents(territory_id, created_at, id);
CREATE INDEX incidents_executor_created ON incidents(executor_id, created_at, id);
CREATE INDEX incidents_due ON incidents(due_at, id);
CREATE INDEX incidents_status_due ON incidents(status, due_at, id);
CREATE INDEX incidents_executor_due ON incidents(executor_id, due_at, id);
CREATE INDEX incidents_warn ON incidents(warn_at);
CREATE INDEX incidents_breach ON incidents(breach_at);
CREATE TABLE incident_terms (
	term TEXT NOT NULL,
	incident_id {{bigint}} NOT NULL REFERENCES incidents(id) ON DELETE CASCADE,
	PRIMARY KEY (term, incident_id)
);
CREATE INDEX incident_terms_incident ON incident_terms(incident_id);
CREATE TABLE messages (
	id {{id}},
	source TEXT NOT NULL,
	external_id TEXT NOT NULL,
	incident_id {{bigint}} REFERENCES incidents(id),
	author TEXT NOT NULL DEFAULT '',
	author_id TEXT NOT NULL DEFAULT '',
	text TEXT NOT NULL,
	url TEXT NOT NULL DEFAULT '',
	territory TEXT NOT NULL DEFAULT '',
	category TEXT NOT NULL DEFAULT '',
	address TEXT NOT NULL DEFAULT '',
	thread_id TEXT NOT NULL DEFAULT '',
	reply_to TEXT NOT NULL DEFAULT '',
	attachments TEXT NOT NULL DEFAULT '[]',
	raw TEXT NOT NULL DEFAULT '',
	posted_at {{bigint}} NOT NULL,
	received_at {{bigint}} NOT NULL,
	UNIQUE (source, external_id)
);
CREATE INDEX messages_incident ON messages(incident_id);
CREATE TABLE answers (
	id {{id}},
	incident_id {{bigint}} NOT NULL REFERENCES incidents(id),
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	text TEXT NOT NULL,
	author_id {{bigint}} REFERENCES users(id),
	executor_id {{bigint}} REFERENCES executors(id),
	review_comment TEXT NOT NULL DEFAULT '',
	reviewer_id {{bigint}} REFERENCES users(id),
	due_date {{bigint}},
	external_id TEXT NOT NULL DEFAULT '',
	created_at {{bigint}} NOT NULL,
	updated_at {{bigint}} NOT NULL,
	submitted_at {{bigint}},
	published_at {{bigint}}
);
CREATE INDEX answers_incident ON answers(incident_id);
CREATE INDEX answers_state_created ON answers(state, created_at);
CREATE TABLE events (
	id {{id}},
	incident_id {{bigint}} REFERENCES incidents(id),
	answer_id {{bigint}} REFERENCES answers(id),
	actor_id {{bigint}} REFERENCES users(id),
	actor TEXT NOT NULL,
	type TEXT NOT NULL,
	from_state TEXT NOT NULL DEFAULT '',
	to_state TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT '',
	at {{bigint}} NOT NULL
);
CREATE INDEX events_incident ON events(incident_id, id);
CREATE INDEX events_type_at ON events(type, at);
