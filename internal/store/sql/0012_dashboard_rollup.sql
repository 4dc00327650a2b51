-- The dashboard rollup: per day (and per 8- and 64-day block) of the region's calendar and per grouping, the
-- sums every figure of the supervisor dashboard and the public statistics is folded from. See store/rollup.go
-- for how it is kept exact. Incidents start pending (dash_state 1, the default, so inserting needs no extra
-- statement) and are folded into the rollup (dash_state 0) in batches, readers counting pending ones directly.
ALTER TABLE incidents ADD COLUMN dash_state INTEGER NOT NULL DEFAULT 1;
CREATE INDEX incidents_dash_pending ON incidents(created_at) WHERE dash_state > 0;
-- The rollup counts every open incident with a deadline as overdue, and readers subtract those whose deadline
-- is still ahead: these cover that count (closed incidents have no due_at, answered ones need no reaction).
CREATE INDEX incidents_due_ahead ON incidents(due_at, created_at, territory_id, category_id, executor_id, status) WHERE due_at IS NOT NULL;
CREATE INDEX incidents_reaction_ahead ON incidents(reaction_due, created_at, territory_id, category_id, executor_id, status, first_reaction_at) WHERE first_reaction_at IS NULL;
-- Medians: readers read the reaction times of a period that fall in the histogram buckets holding them, by
-- the period (a short one) or by the reaction time (a long one: only the needed buckets' entries are visited).
CREATE INDEX incidents_answered ON incidents(created_at, first_reaction_at, territory_id, category_id, executor_id, status) WHERE first_reaction_at IS NOT NULL;
CREATE INDEX incidents_reaction_time ON incidents((first_reaction_at - created_at), created_at, territory_id, category_id, executor_id, status) WHERE first_reaction_at IS NOT NULL;
-- The rollup's day boundaries: the offset from UTC of the region's time zone, fixed at the first fold.
CREATE TABLE dash_meta (
	id INTEGER PRIMARY KEY,
	offset_ms {{bigint}} NOT NULL,
	zone TEXT NOT NULL,
	created_at {{bigint}} NOT NULL
);
-- grain: 1 region, 2 territory, 3 category, 4 territory x category, 5 executor, 6 territory x executor, 7 and
-- 8 first reactions by the day given (region, territory), 9 to 14 the open incidents by the day of their
-- deadlines (in the groupings of 1 to 6). lvl: the bucket is the day number shifted right by 3 x lvl. excl:
-- rejected and merged incidents (statistics only). Unused keys are 0, as are missing ones.
CREATE TABLE dash_rollup (
	grain INTEGER NOT NULL,
	lvl INTEGER NOT NULL,
	excl INTEGER NOT NULL,
	bucket {{bigint}} NOT NULL,
	territory_id {{bigint}} NOT NULL,
	category_id {{bigint}} NOT NULL,
	executor_id {{bigint}} NOT NULL,
	n_new {{bigint}} NOT NULL DEFAULT 0,
	n_assigned {{bigint}} NOT NULL DEFAULT 0,
	n_in_work {{bigint}} NOT NULL DEFAULT 0,
	n_interim {{bigint}} NOT NULL DEFAULT 0,
	n_resolved {{bigint}} NOT NULL DEFAULT 0,
	n_rejected {{bigint}} NOT NULL DEFAULT 0,
	n_merged {{bigint}} NOT NULL DEFAULT 0,
	answered {{bigint}} NOT NULL DEFAULT 0,
	on_time {{bigint}} NOT NULL DEFAULT 0,
	connected {{bigint}} NOT NULL DEFAULT 0,
	open_due {{bigint}} NOT NULL DEFAULT 0,
	awaiting_due {{bigint}} NOT NULL DEFAULT 0,
	due {{bigint}} NOT NULL DEFAULT 0,
	answers {{bigint}} NOT NULL DEFAULT 0,
	graded {{bigint}} NOT NULL DEFAULT 0,
	plain_sum {{bigint}} NOT NULL DEFAULT 0,
	inf_n {{bigint}} NOT NULL DEFAULT 0,
	inf_sum {{bigint}} NOT NULL DEFAULT 0,
	submitted {{bigint}} NOT NULL DEFAULT 0,
	formal {{bigint}} NOT NULL DEFAULT 0,
	formal_returned {{bigint}} NOT NULL DEFAULT 0,
	ratings {{bigint}} NOT NULL DEFAULT 0,
	rated {{bigint}} NOT NULL DEFAULT 0,
	score_sum {{bigint}} NOT NULL DEFAULT 0,
	solved_said {{bigint}} NOT NULL DEFAULT 0,
	solved {{bigint}} NOT NULL DEFAULT 0,
	h00 {{bigint}} NOT NULL DEFAULT 0,
	h01 {{bigint}} NOT NULL DEFAULT 0,
	h02 {{bigint}} NOT NULL DEFAULT 0,
	h03 {{bigint}} NOT NULL DEFAULT 0,
	h04 {{bigint}} NOT NULL DEFAULT 0,
	h05 {{bigint}} NOT NULL DEFAULT 0,
	h06 {{bigint}} NOT NULL DEFAULT 0,
	h07 {{bigint}} NOT NULL DEFAULT 0,
	h08 {{bigint}} NOT NULL DEFAULT 0,
	h09 {{bigint}} NOT NULL DEFAULT 0,
	h10 {{bigint}} NOT NULL DEFAULT 0,
	h11 {{bigint}} NOT NULL DEFAULT 0,
	h12 {{bigint}} NOT NULL DEFAULT 0,
	h13 {{bigint}} NOT NULL DEFAULT 0,
	h14 {{bigint}} NOT NULL DEFAULT 0,
	h15 {{bigint}} NOT NULL DEFAULT 0,
	h16 {{bigint}} NOT NULL DEFAULT 0,
	h17 {{bigint}} NOT NULL DEFAULT 0,
	h18 {{bigint}} NOT NULL DEFAULT 0,
	h19 {{bigint}} NOT NULL DEFAULT 0,
	PRIMARY KEY (grain, lvl, excl, bucket, territory_id, category_id, executor_id)
);
-- A territory's rows, for pages filtered by territory.
CREATE INDEX dash_rollup_territory ON dash_rollup(territory_id, grain, lvl, excl, bucket);
