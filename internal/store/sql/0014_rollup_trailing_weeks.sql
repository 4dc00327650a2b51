-- Grain 15 of dash_rollup: the trailing weeks of territory x category, day level only. The row of day d counts,
-- in n_new alone, the incidents received in the seven days ending with d (rejected and merged ones, and those
-- without a territory or a category, left out). The growing problems read two rows a pair (the weeks ending today
-- and a week ago) instead of a fortnight of grain 4 days: at a million incidents over 60 days, 35,000 rows and
-- 35 of SQLite's 80 ms for the dashboard. Filled here from grain 4's days, as a fold would have.
INSERT INTO dash_rollup (grain, lvl, excl, bucket, territory_id, category_id, executor_id, n_new)
SELECT 15, 0, 0, r.bucket + k.d, r.territory_id, r.category_id, 0,
	SUM(r.n_new + r.n_assigned + r.n_in_work + r.n_interim + r.n_resolved)
FROM dash_rollup r CROSS JOIN (SELECT 0 AS d UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
	UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6) k
WHERE r.grain = 4 AND r.lvl = 0 AND r.excl = 0 AND r.territory_id <> 0 AND r.category_id <> 0
GROUP BY r.bucket + k.d, r.territory_id, r.category_id
HAVING SUM(r.n_new + r.n_assigned + r.n_in_work + r.n_interim + r.n_resolved) <> 0;
