package store

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Medians of long periods. A dashboard's medians are exact when reading the reaction times of the histogram
// buckets that hold them is cheap. Over a long period at a large volume it is not: at ten million incidents a
// year's median bucket (24-30 h) held 438,000 reaction times, and reading them took most of the page's 700 ms.
// Then each group's middle values are placed within one of its median bucket's 16 equal parts from the fine
// counts (dash_fine: per day or block, group and part, how many reaction times fell there), by linear
// interpolation among the part's values: off by less than the part's width, a sixteenth of the bucket (under
// 2 minutes in the first hour, 22.5 minutes for 24-30 h). Values spread smoothly within the part put it much
// closer; values that clump (the page benchmarks' copies sit on whole hours) can put it nearly the width off. The
// figure is then marked approximate (Figures.MedianReactionApprox). When the bins holding the middle values hold
// few reaction times (fineReadMax), they are read instead and the medians are exact again.

// FineMedians says when the dashboard places medians from the fine counts: FineAuto when that visits
// fewer rows than reading the reaction times would (the default), FineAlways, FineNever.
type FineMedians int

const (
	FineAuto FineMedians = iota
	FineAlways
	FineNever
)

// fineReadMax is how many reaction times the median bins may hold for placeMedians to read them and pick the
// medians exactly. Reading is by reaction time over all time (the bins are narrow): at a million incidents over
// 60 days, reading the median bins of a quarter or a year (under 20,000 values) took those pages to 78-120 ms,
// against 54-94 ms placed: at the 100 ms budget again. So only a few are read.
const fineReadMax = 5_000

// fineReadLimit is the setting's or the default limit; negative: never read.
func (s *Store) fineReadLimit() int64 {
	if s.fineRead != 0 {
		return s.fineRead
	}
	return fineReadMax
}

// SetFineRead sets how many reaction times the median bins may hold to be read (negative: never, 0: the
// default). Like SetFineMedians, for tests and benchmarks: set it before the store serves pages.
func (s *Store) SetFineRead(n int64) { s.fineRead = n }

// SetFineMedians sets when the dashboard places medians from the fine counts (tests and benchmarks compare the
// two ways; set it before the store serves pages).
func (s *Store) SetFineMedians(m FineMedians) { s.fineMedians = m }

// fineGrains maps a breakdown to the grain its fine counts are kept in (only for the whole region's pages:
// a territory's breakdowns read the territory × category and territory × executor grains, which have none).
var fineGrains = map[BreakdownBy]int8{"": gRegion, ByTopic: gCategory, ByTerritory: gTerritory, ByExecutor: gExecutor}

// fineWorth decides whether the medians of needs are placed from the fine counts: on the whole region's pages
// when the setting says so, or by default when the fine rows to visit (at most one per group, day or block
// of the period and part of a needed bucket, and at most one per reaction time and breakdown; topics count as
// their groups, though their rows are per subtopic) are fewer than half the reaction times the exact way reads.
func (s *Store) fineWorth(r *rollupRead, f DashboardFilter, dims []BreakdownBy, accs []map[string]*rvec, needs []map[string]*medianNeed, buckets map[int]bool) bool {
	if f.TerritoryID != 0 || s.fineMedians == FineNever || len(buckets) == 0 {
		return false
	}
	if s.fineMedians == FineAlways {
		return true
	}
	var values int64 // the period's reaction times in the needed buckets
	for _, v := range accs[0] {
		for b := range buckets {
			values += v[mHist+b]
		}
	}
	var groups, blocks int64
	for i := range dims {
		groups += int64(len(needs[i]))
	}
	for _, p := range splitDays(r.d0, r.d1) {
		blocks += p.hi - p.lo
	}
	rows := min(groups*blocks*fineSub*int64(len(buckets)), int64(len(dims))*values)
	return 2*rows < values
}

// placeMedians places the middle values of the needs whose ranks lie in the buckets fineBin splits (all but
// the last) from the fine counts of the period: the rollup's for its days and blocks, the pending incidents'
// own. It returns the needs left for the exact way, and their buckets.
func (s *Store) placeMedians(ctx context.Context, r *rollupRead, f DashboardFilter, dims []BreakdownBy, accs []map[string]*rvec, needs []map[string]*medianNeed,
	keyOf func(BreakdownBy, int64, int64, int64) string, pend []*incFacts) ([]map[string]*medianNeed, map[int]bool, error) {
	exact := make([]map[string]*medianNeed, len(dims))
	exactBuckets := map[int]bool{}
	placed := make([]map[string]*medianNeed, len(dims))
	fineBuckets := map[int]bool{}
	for i := range dims {
		exact[i], placed[i] = map[string]*medianNeed{}, map[string]*medianNeed{}
		for k, n := range needs[i] {
			if n.bucket[0] == histBuckets-1 || n.bucket[1] == histBuckets-1 {
				exact[i][k] = n
				exactBuckets[n.bucket[0]], exactBuckets[n.bucket[1]] = true, true
				continue
			}
			placed[i][k] = n
			fineBuckets[n.bucket[0]], fineBuckets[n.bucket[1]] = true, true
		}
	}
	if len(fineBuckets) == 0 {
		return exact, exactBuckets, nil
	}
	// The counts per breakdown, group and bin.
	counts := make([]map[string]map[int]int64, len(dims))
	byGrain := map[int8][]int{}
	for i, by := range dims {
		counts[i] = map[string]map[int]int64{}
		g := fineGrains[by]
		byGrain[g] = append(byGrain[g], i)
	}
	add := func(i int, key string, bin int, n int64) {
		c := counts[i][key]
		if c == nil {
			c = map[int]int64{}
			counts[i][key] = c
		}
		c[bin] += n
	}
	err := s.readFine(ctx, r, byGrain, fineBuckets, func(grain int8, id int64, bin int, n int64) {
		var t, c, e int64
		switch grain {
		case gTerritory:
			t = id
		case gCategory:
			c = id
		case gExecutor:
			e = id
		}
		for _, i := range byGrain[grain] {
			add(i, keyOf(dims[i], t, c, e), bin, n)
		}
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: dashboard fine counts: %w", err)
	}
	from, to := ms(f.From), ms(f.To)
	for _, p := range pend {
		if p.created < from || p.created >= to || p.excluded() || !p.firstReaction.Valid {
			continue
		}
		bin, ok := fineBin(p.firstReaction.Int64 - p.created)
		if !ok || !fineBuckets[bin/fineSub] {
			continue
		}
		for i, by := range dims {
			add(i, keyOf(by, p.terr, p.cat, p.exec), bin, 1)
		}
	}
	// Each group's ranks: their bins, and the values placed within them.
	type rank struct {
		bin    int
		within int64 // the rank within the bin
	}
	ranks := make([]map[string][2]rank, len(dims))
	bins := map[int]bool{}
	for i := range dims {
		ranks[i] = map[string][2]rank{}
		for k, n := range placed[i] {
			c := counts[i][k]
			var rk [2]rank
			for j := range 2 {
				b := n.bucket[j]
				var total int64
				for part := range fineSub {
					total += c[b*fineSub+part]
				}
				if want := accs[i][k][mHist+b]; total != want {
					return nil, nil, fmt.Errorf("store: dashboard rollup out of step: %s %q has %d reaction times in bucket %d, its fine counts %d", dims[i], k, want, b, total)
				}
				rk[j].bin, rk[j].within = rankBin(c, b, n.within[j])
				bins[rk[j].bin] = true
				n.value[j], n.found[j] = placeRank(c, b, n.within[j]), true
			}
			ranks[i][k] = rk
			n.approx = true
		}
	}
	// When the ranks' bins hold few reaction times, they are read and the values picked exactly.
	var inBins int64
	for _, c := range counts[0] {
		for bin := range bins {
			inBins += c[bin]
		}
	}
	if limit := s.fineReadLimit(); limit < 0 || inBins > limit {
		return exact, exactBuckets, nil
	}
	vals := make([]map[string]*[2][]int64, len(dims))
	for i := range dims {
		vals[i] = map[string]*[2][]int64{}
	}
	ids := make([]map[int64]string, len(dims)) // keyOf once per distinct id
	for i := range dims {
		ids[i] = map[int64]string{}
	}
	take := func(t, c, e, v int64) {
		bin, ok := fineBin(v)
		if !ok || !bins[bin] {
			return
		}
		for i, by := range dims {
			id := groupID(by, t, c, e)
			key, ok := ids[i][id]
			if !ok {
				key = keyOf(by, t, c, e)
				ids[i][id] = key
			}
			rk, ok := ranks[i][key]
			if !ok {
				continue
			}
			p := vals[i][key]
			if p == nil {
				p = &[2][]int64{}
				vals[i][key] = p
			}
			for j := range 2 {
				if rk[j].bin == bin {
					p[j] = append(p[j], v)
					break // both ranks in one bin share its values
				}
			}
		}
	}
	rng, rargs := binRanges(`(i.first_reaction_at - i.created_at)`, bins)
	byTime := `incidents i`
	if s.d.name == "sqlite" {
		byTime += ` INDEXED BY incidents_reaction_time` // a few narrow bins of all time: fewer entries than the period's
	}
	if err := s.readReactionTimes(ctx, r.tx, f, rng, rargs, byTime, take); err != nil {
		return nil, nil, fmt.Errorf("store: dashboard reaction times of the median bins: %w", err)
	}
	for i := range dims {
		for k, n := range placed[i] {
			rk, p := ranks[i][k], vals[i][k]
			if p == nil {
				p = &[2][]int64{}
			}
			for j := range 2 {
				vs := p[j]
				if j == 1 && rk[1].bin == rk[0].bin {
					vs = p[0] // nthSmallest only reorders: the second rank is picked from the same values
				}
				if rk[j].within >= int64(len(vs)) {
					return nil, nil, fmt.Errorf("store: dashboard rollup out of step: %s %q has %d reaction times in bin %d, its fine counts more", dims[i], k, len(vs), rk[j].bin)
				}
				n.value[j] = nthSmallest(vs, int(rk[j].within))
			}
			n.approx = false
		}
	}
	return exact, exactBuckets, nil
}

// rankBin is the bin of bucket b that holds rank w (0-based) of the bucket's reaction times, and the rank within
// that bin.
func rankBin(c map[int]int64, b int, w int64) (int, int64) {
	for part := range fineSub {
		bin := b*fineSub + part
		if w < c[bin] {
			return bin, w
		}
		w -= c[bin]
	}
	return b*fineSub + fineSub - 1, w
}

// binRanges is the SQL condition selecting reaction times d (an SQL expression) in the bins, merged into runs,
// and its arguments.
func binRanges(d string, bins map[int]bool) (string, []any) {
	var conds []string
	var args []any
	for b := 0; b < (histBuckets-1)*fineSub; b++ {
		if !bins[b] {
			continue
		}
		e := b
		for e+1 < (histBuckets-1)*fineSub && bins[e+1] {
			e++
		}
		lo, _ := fineRange(b)
		_, hi := fineRange(e)
		c := d + ` >= ? AND ` + d + ` < ?`
		if b == 0 {
			c = d + ` < ?` // the first bin takes negative reaction times too
		}
		conds = append(conds, `(`+c+`)`)
		if b == 0 {
			args = append(args, hi)
		} else {
			args = append(args, lo, hi)
		}
		b = e
	}
	if len(conds) == 0 {
		return `1 = 0`, nil
	}
	return `(` + strings.Join(conds, ` OR `) + `)`, args
}

// placeRank is the reaction time (ms) at rank w (0-based) among those of bucket b whose counts per bin c
// holds: the rank's bin, and within it the value a uniform spread of the bin's values would put there.
func placeRank(c map[int]int64, b int, w int64) int64 {
	for part := range fineSub {
		bin := b*fineSub + part
		n := c[bin]
		if w >= n {
			w -= n
			continue
		}
		lo, hi := fineRange(bin)
		return lo + int64((float64(w)+0.5)*float64(hi-lo)/float64(n))
	}
	lo, hi := fineBucketRange(b) // unreachable when the counts add up
	return (lo + hi) / 2
}

// readFine sums the fine counts of the period per grain, group and bin, for the grains and the bins of the
// buckets given, in one query, and calls fn with each sum.
func (s *Store) readFine(ctx context.Context, r *rollupRead, grains map[int8][]int, buckets map[int]bool, fn func(grain int8, id int64, bin int, n int64)) error {
	gs := make([]string, 0, len(grains))
	for g := range grains {
		gs = append(gs, strconv.Itoa(int(g)))
	}
	sort.Strings(gs)
	var bins []string
	for b := range histBuckets - 1 {
		if buckets[b] {
			for part := range fineSub {
				bins = append(bins, strconv.Itoa(b*fineSub+part))
			}
		}
	}
	var parts []string
	var args []any
	for _, p := range splitDays(r.d0, r.d1) {
		parts = append(parts, `SELECT grain, group_id, bin, n FROM dash_fine WHERE grain IN (`+strings.Join(gs, ", ")+`) AND lvl = ? AND bin IN (`+
			strings.Join(bins, ", ")+`) AND bucket >= ? AND bucket < ?`)
		args = append(args, p.lvl, p.lo, p.hi)
	}
	sum := `SELECT grain, group_id, bin, SUM(n) AS n FROM (` + strings.Join(parts, ` UNION ALL `) + `) f GROUP BY grain, group_id, bin`
	// The sums as one string of numbers: a few thousand rows cost database/sql more than the string.
	agg := `group_concat(grain || ' ' || group_id || ' ' || bin || ' ' || n, ' ')`
	if s.d.name == "postgres" {
		agg = `string_agg(grain || ' ' || group_id || ' ' || bin || ' ' || n, ' ')`
	}
	var packed sql.NullString
	if err := r.tx.QueryRowContext(ctx, s.d.rebind(`SELECT `+agg+` FROM (`+sum+`) s`), args...).Scan(&packed); err != nil {
		return err
	}
	return unpackInts(packed.String, 4, func(n []int64) { fn(int8(n[0]), n[1], int(n[2]), n[3]) })
}
