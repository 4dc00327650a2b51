CREATE TABLE outbox_jobs (
	id {{id}},
	kind TEXT NOT NULL,
	job_key TEXT NOT NULL UNIQUE,
	payload TEXT NOT NULL DEFAULT '{}',
	state TEXT NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	next_at {{bigint}} NOT NULL,
	locked_until {{bigint}},
	last_error TEXT NOT NULL DEFAULT '',
	checkpoint TEXT NOT NULL DEFAULT '',
	result TEXT NOT NULL DEFAULT '',
	created_at {{bigint}} NOT NULL,
	updated_at {{bigint}} NOT NULL,
	done_at {{bigint}}
);
CREATE INDEX outbox_jobs_due ON outbox_jobs(state, next_at, id);
CREATE INDEX outbox_jobs_done ON outbox_jobs(state, done_at)
