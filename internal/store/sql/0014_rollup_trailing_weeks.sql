-- Grain 15 of dash_rollup: the trailing weeks of territory x category, day level only. The row of day d counts,
-- in n_new alone, the incidents received in the seven days ending with d (rejected and merged ones, and those
-- without a territory or a category, left out). The growing problems read two rows a pair (the weeks ending today
-- and a week ago) instead of a fortnight of grain 4 days: at a million incidents over 60 days, 35,000 rows and
-- 35 of SQLite's 80 ms for the dashboard. Filled here from grain 4's days, as a fold would have: one pass per day
-- of the week, each adding grain 4's days to the rows they end up in (a single GROUP BY sorted a million rows in
-- memory, about 90 MB at a million incidents).
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 0, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 1, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 2, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 3, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 4, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 5, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, bucket + 6, territory_id, category_id, 0, n_new + n_assigned + n_in_work + n_interim + n_resolved
FROM dash_rollup
WHERE grain = 4 AND lvl = 0 AND excl = 0 AND territory_id <> 0 AND category_id <> 0
	AND n_new + n_assigned + n_in_work + n_interim + n_resolved <> 0
ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET n_new = dash_rollup.n_new + excluded.n_new;
