package store

import (
	"context"
	"fmt"
	"time"
)

// DashboardFromIncidents computes the whole dashboard counting from the incidents directly, as before the
// rollup: what the rollup's figures must equal.
func (s *Store) DashboardFromIncidents(ctx context.Context, f DashboardFilter, growingLimit int) (Dashboard, error) {
	if err := f.check(); err != nil {
		return Dashboard{}, err
	}
	return s.buildDashboard(ctx, s.db, nil, f, []BreakdownBy{"", ByTopic, ByTerritory, ByExecutor}, true, growingLimit)
}

// StatsFromIncidents is Stats counted from the incidents directly.
func (s *Store) StatsFromIncidents(ctx context.Context, f StatsFilter) (Stats, error) {
	return s.statsRaw(ctx, f)
}

// RollupRows returns the rollup's rows that are not all zero, keyed by their key in words.
func (s *Store) RollupRows(ctx context.Context) (map[string][nMeasures]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT grain, lvl, excl, bucket, territory_id, category_id, executor_id, `+joinCols()+` FROM dash_rollup`)
	if err != nil {
		return nil, err
	}
	out := map[string][nMeasures]int64{}
	var k [7]int64
	var v rvec
	dest := make([]any, 0, 7+nMeasures)
	for i := range k {
		dest = append(dest, &k[i])
	}
	for i := range v {
		dest = append(dest, &v[i])
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		if err := sc(dest...); err != nil {
			return err
		}
		if !v.zero() {
			out[fmt.Sprint(k)] = v
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The fine counts, as rows of their own.
	rows, err = s.db.QueryContext(ctx, `SELECT grain, lvl, bin, bucket, group_id, n FROM dash_fine WHERE n <> 0`)
	if err != nil {
		return nil, err
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		var k [5]int64
		var v rvec
		if err := sc(&k[0], &k[1], &k[2], &k[3], &k[4], &v[mAnswered]); err != nil {
			return err
		}
		out[fmt.Sprint("fine", k)] = v
		return nil
	})
	return out, err
}

// FineBinWidth is the width of the fine bin a reaction time falls in (0 in the last histogram bucket).
func FineBinWidth(d time.Duration) time.Duration {
	bin, ok := fineBin(d.Milliseconds())
	if !ok {
		return 0
	}
	lo, hi := fineRange(bin)
	return time.Duration(hi-lo) * time.Millisecond
}

// FineBin exposes fineBin and fineRange: the bin of a reaction time in ms and the bin's [lo, hi).
func FineBin(d int64) (bin int, lo, hi int64, ok bool) {
	bin, ok = fineBin(d)
	if ok {
		lo, hi = fineRange(bin)
	}
	return
}

// PendingIncidents counts the incidents not folded into the rollup.
func (s *Store) PendingIncidents(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM dash_pending`).Scan(&n)
	return n, err
}

func joinCols() string {
	out := ""
	for i, c := range measureCols {
		if i > 0 {
			out += ", "
		}
		out += c
	}
	return out
}

// RollupServes reports whether the rollup serves the filter's period (or it is counted from the incidents).
func (s *Store) RollupServes(ctx context.Context, f DashboardFilter) (bool, error) {
	if err := f.check(); err != nil {
		return false, err
	}
	return s.withRollup(ctx, f.From, f.To, f.Location, func(*rollupRead) error { return nil })
}

// SetReaderFoldLimit sets how many pending incidents a dashboard reader folds itself.
func (s *Store) SetReaderFoldLimit(n int) { s.readerFoldMax = n }

// SetCommonTerm sets how many incidents make a search word common (searched by walking the list).
func (s *Store) SetCommonTerm(n int) { s.commonTermMin = n }

// SetSearchWindow sets how many incidents a search by several words walks before intersecting postings.
func (s *Store) SetSearchWindow(n int) { s.searchWindowMax = n }

// RefillTrailingWeeks deletes the rollup's trailing weeks and fills them again as migration 14 did for a
// database folded before it.
func (s *Store) RefillTrailingWeeks(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf(`DELETE FROM dash_rollup WHERE grain = %d`, gWeekTerritoryCategory)); err != nil {
		return err
	}
	for _, stmt := range splitStatements(s.expand(migrations[13])) {
		if _, err := s.db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}

// RollupRow is the measures of one rollup row, as RollupRows returns them.
type RollupRow = [nMeasures]int64
