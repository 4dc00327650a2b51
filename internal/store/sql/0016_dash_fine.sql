-- The fine reaction-time counts: per day and per 8- and 64-day block (lvl, bucket as in dash_rollup), per
-- grouping (grain 1 region, 2 territory, 3 category, 5 executor, with group_id the territory, category or executor,
-- 0 for the region) and per sub-bin (bin: the histogram bucket of dash_rollup's h00-h18 times 16, plus which
-- of the bucket's 16 equal parts the reaction time falls in), how many answered incidents (rejected and merged
-- ones left out) were received. A long period's medians are placed within a sub-bin from these instead of
-- reading every reaction time of the median's bucket: at ten million incidents a year's bucket held 438,000.
-- The key starts with the bin so that a reader visits only the bins it needs, for the period's buckets only.
CREATE TABLE dash_fine (
	grain INTEGER NOT NULL,
	lvl INTEGER NOT NULL,
	bin INTEGER NOT NULL,
	bucket {{bigint}} NOT NULL,
	group_id {{bigint}} NOT NULL,
	n {{bigint}} NOT NULL,
	PRIMARY KEY (grain, lvl, bin, bucket, group_id)
){{without_rowid}};
-- The folded incidents are folded again, with their fine counts: the rollup is emptied and every incident is
-- pending. Until the server's folder has caught up, pages count from the incidents directly (exact, slower).
DELETE FROM dash_rollup;
DELETE FROM dash_meta;
DELETE FROM dash_pending;
INSERT INTO dash_pending (incident_id, created_at) SELECT id, created_at FROM incidents;
