package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// The dashboard rollup (migration 0012) keeps, per day and per 8- and 64-day block of the region's calendar,
// the sums every dashboard and statistics figure is folded from, for six groupings of the incidents (the
// region, territory, category, territory × category, executor, territory × executor) and, per day, the first
// reactions given. A page then reads a few hundred rollup rows instead of every incident of its period.
//
// Exactness. The rollup is maintained in the same transaction as every write that changes a figure, never by a
// job that runs later, so that a page never shows a number a direct count would not:
//
//   - A new incident is "pending" (its id is in dash_pending, migration 0015): it is not in the rollup yet,
//     and readers count it from its own rows. So Ingest and CreateIncident only list the new ids there (one
//     statement per batch). FoldDashboard moves pending incidents into the rollup (adds them and deletes their
//     ids in one transaction, leaving the incidents' rows as they are); readers fold when more than
//     foldThreshold are pending, and a server may call it on a ticker.
//   - A write to a folded incident, its answers, its ratings or an answer.return event goes through
//     rollupAround: it reads the incident's facts before and after the write and applies the difference to
//     the rollup rows, in the write's transaction. On PostgreSQL it first locks the incident row, so the
//     folder (which skips locked rows) and other writers of the same incident wait for it.
//   - An executor's "connected" flag is read when an incident is folded; changing it sends the executor's
//     incidents back to pending (rollupExecutorChanging), so they are counted again with the new flag.
//   - Figures that depend on the clock (overdue now, awaiting a reaction past its deadline) are stored as
//     "open with a deadline" counts; readers subtract the open incidents whose deadline is still ahead (two
//     covering index ranges, on due_at and on reaction_due: a day's or a few weeks' incidents, not a period's).
//   - Medians cannot be summed: the rollup keeps a histogram of reaction times, readers find the bucket that
//     holds the middle value of each group and read only the reaction times of the period in those buckets to
//     pick the exact value. The one exception is deliberate: over a long period at a large volume, when the
//     fine counts of dash_fine are far fewer rows than those reaction times, the middle value is placed within
//     a sixteenth of its bucket from them and the figure says it is approximate (fine.go).
//   - Readers run in one snapshot (a read-only transaction), so a fold committing meanwhile is seen entirely
//     or not at all; when a period does not start and end on the rollup's day boundaries (another time zone, or
//     a time of day) they count from the incidents directly, as before the rollup.
//
// A dirty-day job was the alternative; it would show stale numbers between runs or have to recount dirty
// days at read time, and it needs a scheduler the store does not have.

// Grains: what a rollup row groups by (the unused keys are 0).
const (
	gRegion            = 1 // (day)
	gTerritory         = 2 // (day, territory)
	gCategory          = 3 // (day, category)
	gTerritoryCategory = 4 // (day, territory, category)
	gExecutor          = 5 // (day, executor): the incident's executor; its answers' and ratings' under the answer's
	gTerritoryExecutor = 6 // (day, territory, executor)
	gReacted           = 7 // (day of the first reaction): answered, day level only
	gReactedTerritory  = 8 // (day of the first reaction, territory)
	// The open incidents by the day their deadline falls on (due_at: open_due; reaction_due, without a reaction
	// yet: awaiting_due), day level only, in the six groupings (gDue + the grain of the same keys − 1): a reader
	// counts the deadlines still ahead from these instead of from every open incident.
	gDue = 8
	// The trailing weeks of territory × category (day level only): the row of day d counts the incidents received
	// in the seven days ending with d (rejected and merged ones, and those without a territory or a category, left
	// out), in mWeekReceived alone; the growing problems read two rows a pair instead of a fortnight of days.
	gWeekTerritoryCategory = gDue + gTerritoryExecutor + 1
)

// The fine reaction-time counts (dash_fine, migration 0016) are kept as rows of grain gFine + the grain of the
// same keys (region, territory, category, executor) with a bin, at every level: how many answered incidents of
// the row's day or block and group took a reaction time in the bin. A long period's medians are placed within a
// bin from them (placeMedians, fine.go) instead of reading every reaction time of the median's histogram bucket.
const gFine = 32

// isFine tells the fine grains.
func isFine(g int8) bool { return g > gFine }

// fineSub is how many equal parts each histogram bucket (but the last, unbounded one) is split into.
const fineSub = 16

// fineBin is the bin of a reaction time in milliseconds: its histogram bucket × fineSub + the part of the
// bucket it falls in (negative ones in the first part of the first bucket); false in the last bucket, which
// has no upper bound to split.
func fineBin(d int64) (int, bool) {
	b := histBucket(d)
	if b == histBuckets-1 {
		return 0, false
	}
	lo, hi := fineBucketRange(b)
	part := max(0, (d-lo)*fineSub/(hi-lo))
	return b*fineSub + int(min(part, fineSub-1)), true
}

// fineBucketRange is the [lo, hi) of histogram bucket b (not the last) as fineBin splits it, in milliseconds:
// the first bucket from 0.
func fineBucketRange(b int) (lo, hi int64) {
	lo, _, hi, _ = histRange(b)
	return lo, hi
}

// fineRange is the [lo, hi) of a bin in milliseconds.
func fineRange(bin int) (lo, hi int64) {
	blo, bhi := fineBucketRange(bin / fineSub)
	part := int64(bin % fineSub)
	return blo + (bhi-blo)*part/fineSub, blo + (bhi-blo)*(part+1)/fineSub
}

// isDue tells the deadline grains.
func isDue(g int8) bool { return g > gDue && g <= gDue+gTerritoryExecutor }

// mWeekReceived is the measure gWeekTerritoryCategory keeps its count in (its only one: a change of status
// between the received ones leaves its rows alone).
const mWeekReceived = mNew

// Levels: the bucket is the day number (days since 1970-01-01 in the rollup's zone) shifted right by 3 × level.
const rollupLevels = 3

const dayMS = 24 * 60 * 60 * 1000

// Measures: the rollup's columns after the key, in this order.
const (
	mNew = iota
	mAssigned
	mInWork
	mInterim
	mResolved
	mRejected
	mMerged
	mAnswered    // first reaction given
	mOnTime      // first reaction by the reaction deadline (or without one)
	mConnected   // answered, the executor connected to Otklik
	mOpenDue     // open with a running deadline (due_at)
	mAwaitingDue // open, no reaction, with a reaction deadline
	mDue         // with due_at, whatever the status (the public statistics' overdue)
	mAnswers     // answers of any state (a group exists when it has one)
	mGraded      // published answers with a plainness grade
	mPlainSum
	mInfN
	mInfSum
	mSubmitted
	mFormal
	mFormalReturned
	mRatings // ratings given (rated_at set)
	mRated   // of those, with a score
	mScoreSum
	mSolvedSaid
	mSolved
	mHist     // the first of histBuckets reaction-time counts
	nMeasures = mHist + histBuckets
)

// histBounds are the upper bounds (exclusive, minutes) of the reaction-time histogram's buckets; the last
// bucket is unbounded. Narrow where first reactions crowd (the first day), wide after.
var histBounds = []int64{30, 60, 120, 180, 240, 360, 480, 600, 720, 900, 1080, 1260, 1440, 1800, 2160, 2880, 4320, 7200, 14400}

const histBuckets = 20

// histBucket is the bucket of a reaction time in milliseconds (negative ones in the first).
func histBucket(d int64) int {
	for i, b := range histBounds {
		if d < b*60_000 {
			return i
		}
	}
	return len(histBounds)
}

// histRange is the [lo, hi) of a bucket in milliseconds; lo of the first and hi of the last are unbounded (ok
// false).
func histRange(b int) (lo int64, loOK bool, hi int64, hiOK bool) {
	if b > 0 {
		lo, loOK = histBounds[b-1]*60_000, true
	}
	if b < len(histBounds) {
		hi, hiOK = histBounds[b]*60_000, true
	}
	return
}

var measureCols = func() []string {
	cols := []string{"n_new", "n_assigned", "n_in_work", "n_interim", "n_resolved", "n_rejected", "n_merged",
		"answered", "on_time", "connected", "open_due", "awaiting_due", "due", "answers", "graded", "plain_sum",
		"inf_n", "inf_sum", "submitted", "formal", "formal_returned", "ratings", "rated", "score_sum", "solved_said", "solved"}
	for i := range histBuckets {
		cols = append(cols, fmt.Sprintf("h%02d", i))
	}
	if len(cols) != nMeasures {
		panic("store: rollup columns out of step with the measures")
	}
	return cols
}()

// rkey is a rollup row's key.
type rkey struct {
	grain, lvl int8
	excl       bool  // a rejected or merged incident: counted by the statistics, left out of the dashboard
	bin        int16 // the fine grains' reaction-time bin (fineBin); 0 for the rest
	bucket     int64
	terr, cat  int64
	exec       int64
}

func (a rkey) compare(b rkey) int {
	switch {
	case a.grain != b.grain:
		return int(a.grain) - int(b.grain)
	case a.lvl != b.lvl:
		return int(a.lvl) - int(b.lvl)
	case a.excl != b.excl:
		if a.excl {
			return 1
		}
		return -1
	case a.bin != b.bin:
		return int(a.bin) - int(b.bin)
	case a.bucket != b.bucket:
		return cmpInt(a.bucket, b.bucket)
	case a.terr != b.terr:
		return cmpInt(a.terr, b.terr)
	case a.cat != b.cat:
		return cmpInt(a.cat, b.cat)
	}
	return cmpInt(a.exec, b.exec)
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// rvec is a rollup row's measures.
type rvec [nMeasures]int64

func (v *rvec) add(w *rvec, sign int64) {
	for i := range v {
		v[i] += sign * w[i]
	}
}

func (v *rvec) zero() bool { return *v == rvec{} }

// received is the incidents counted (every status).
func (v *rvec) received() int64 {
	var n int64
	for i := mNew; i <= mMerged; i++ {
		n += v[i]
	}
	return n
}

// rollAcc accumulates rollup rows.
type rollAcc map[rkey]*rvec

func (a rollAcc) add(k rkey, v *rvec, sign int64) {
	r, ok := a[k]
	if !ok {
		r = &rvec{}
		a[k] = r
	}
	r.add(v, sign)
}

// incFacts is what one incident contributes to the figures: its own columns, its answers and its ratings.
type incFacts struct {
	id                                int64
	state                             int64 // 0 folded, 1 pending (in dash_pending)
	created                           int64
	status                            model.Status
	cat, terr, exec                   int64
	connected                         bool
	firstReaction, reactionDue, dueAt sql.NullInt64
	answers                           []ansFacts
	ratings                           []rateFacts
}

type ansFacts struct {
	exec                                   int64
	published, submitted, formal, returned bool
	plain, inf                             sql.NullInt64
}

type rateFacts struct {
	exec   int64
	score  sql.NullInt64
	solved int64 // 0: not said, 1: solved, 2: not solved
}

func (f *incFacts) excluded() bool {
	return f.status == model.StatusRejected || f.status == model.StatusMerged
}

// factsSQL reads the facts of the incidents (the FROM item %[2]s, alias i) matching a condition %[1]s (given
// three times, for the incidents, their answers and their ratings) in one statement; rows are told apart by
// the first column.
const factsSQL = `SELECT 0, i.id, CASE WHEN EXISTS (SELECT 1 FROM dash_pending dp WHERE dp.incident_id = i.id) THEN 1 ELSE 0 END, i.created_at, i.status, COALESCE(i.category_id, 0), COALESCE(i.territory_id, 0),
		COALESCE(i.executor_id, 0), CASE WHEN e.connected = TRUE THEN 1 ELSE 0 END, i.first_reaction_at, i.reaction_due, i.due_at
	FROM %[2]s LEFT JOIN executors e ON e.id = i.executor_id WHERE %[1]s
	UNION ALL
	SELECT 1, a.incident_id, 0, 0, '', 0, 0, COALESCE(a.executor_id, 0),
		CASE WHEN a.state = 'published' THEN 1 ELSE 0 END + CASE WHEN a.submitted_at IS NOT NULL THEN 2 ELSE 0 END
		+ CASE WHEN a.formal = TRUE THEN 4 ELSE 0 END
		+ CASE WHEN EXISTS (SELECT 1 FROM events ev WHERE ev.type = 'answer.return' AND ev.answer_id = a.id) THEN 8 ELSE 0 END,
		CAST(a.grade_plain AS BIGINT), CAST(a.grade_informative AS BIGINT), CAST(NULL AS BIGINT)
	FROM %[2]s JOIN answers a ON a.incident_id = i.id WHERE %[1]s
	UNION ALL
	SELECT 2, r.incident_id, 0, 0, '', 0, 0, COALESCE(a.executor_id, 0),
		CASE WHEN r.solved IS NULL THEN 0 WHEN r.solved = TRUE THEN 1 ELSE 2 END, CAST(r.score AS BIGINT), CAST(NULL AS BIGINT), CAST(NULL AS BIGINT)
	FROM %[2]s JOIN ratings r ON r.incident_id = i.id JOIN answers a ON a.id = r.answer_id WHERE %[1]s AND r.rated_at IS NOT NULL`

// readFacts reads the facts of the incidents matching cond (with args, given once). pending: of the pending
// incidents only (cond narrows them down).
func (s *Store) readFacts(ctx context.Context, q queryer, pending bool, cond string, args ...any) (map[int64]*incFacts, error) {
	all := make([]any, 0, 3*len(args))
	for range 3 {
		all = append(all, args...)
	}
	from := `incidents i`
	if pending {
		from = s.pendingFrom()
	}
	rows, err := q.QueryContext(ctx, s.d.rebind(fmt.Sprintf(factsSQL, cond, from)), all...)
	if err != nil {
		return nil, fmt.Errorf("store: rollup facts: %w", err)
	}
	out := map[int64]*incFacts{}
	type part struct {
		kind int
		id   int64
		a    ansFacts
		r    rateFacts
	}
	var later []part // answers and ratings, attached once every incident is read
	err = scanAll(rows, func(sc func(...any) error) error {
		var kind int
		var id, state, created, cat, terr, exec, flags int64
		var status string
		var c9, c10, c11 sql.NullInt64
		if err := sc(&kind, &id, &state, &created, &status, &cat, &terr, &exec, &flags, &c9, &c10, &c11); err != nil {
			return err
		}
		switch kind {
		case 0:
			f := &incFacts{id: id, state: state, created: created, status: model.Status(status), cat: cat, terr: terr, exec: exec,
				connected: flags == 1, firstReaction: c9, reactionDue: c10, dueAt: c11}
			if prev, ok := out[id]; ok { // placeholder made by an answer or rating row
				f.answers, f.ratings = prev.answers, prev.ratings
			}
			out[id] = f
		case 1:
			later = append(later, part{kind: 1, id: id, a: ansFacts{exec: exec, published: flags&1 != 0, submitted: flags&2 != 0,
				formal: flags&4 != 0, returned: flags&8 != 0, plain: c9, inf: c10}})
		case 2:
			later = append(later, part{kind: 2, id: id, r: rateFacts{exec: exec, score: c9, solved: flags}})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: rollup facts: %w", err)
	}
	for _, p := range later {
		f, ok := out[p.id]
		if !ok {
			continue // cannot happen: the same condition selected the incident
		}
		if p.kind == 1 {
			f.answers = append(f.answers, p.a)
		} else {
			f.ratings = append(f.ratings, p.r)
		}
	}
	return out, nil
}

// What contribute emits.
const (
	cCreated  = 1 << iota // the six groupings, by the day the incident was received
	cReacted              // the first reactions, by the day they were given
	cDeadline             // the open incidents, by the day of their deadlines
	cAll      = cCreated | cReacted | cDeadline
)

// contribute calls emit with every rollup row the incident adds to and the measures it adds there: its own
// under its keys, its answers' and ratings' under the incident's keys but, in the executor groupings, under
// the executor who wrote the answer. off is the rollup zone's offset from UTC in milliseconds; levels how many
// levels to emit (1: days only).
func contribute(f *incFacts, off int64, what, levels int, emit func(rkey, *rvec)) {
	excl := f.excluded()
	var iv rvec
	switch f.status {
	case model.StatusNew:
		iv[mNew] = 1
	case model.StatusAssigned:
		iv[mAssigned] = 1
	case model.StatusInWork:
		iv[mInWork] = 1
	case model.StatusInterim:
		iv[mInterim] = 1
	case model.StatusResolved:
		iv[mResolved] = 1
	case model.StatusRejected:
		iv[mRejected] = 1
	case model.StatusMerged:
		iv[mMerged] = 1
	}
	open := f.status.Open()
	if f.firstReaction.Valid {
		iv[mAnswered] = 1
		if !f.reactionDue.Valid || f.firstReaction.Int64 <= f.reactionDue.Int64 {
			iv[mOnTime] = 1
		}
		if f.connected {
			iv[mConnected] = 1
		}
		iv[mHist+histBucket(f.firstReaction.Int64-f.created)] = 1
	}
	if open && f.dueAt.Valid {
		iv[mOpenDue] = 1
	}
	if open && !f.firstReaction.Valid && f.reactionDue.Valid {
		iv[mAwaitingDue] = 1
	}
	if f.dueAt.Valid {
		iv[mDue] = 1
	}
	if iv.received() == 0 {
		return
	}
	// Answers and ratings: summed for the groupings keyed by the incident, per writer for the executor ones.
	// Rejected and merged incidents' are not shown anywhere, so not kept.
	var av rvec
	byExec := map[int64]*rvec{}
	if !excl {
		for _, a := range f.answers {
			var v rvec
			v[mAnswers] = 1
			if a.published {
				if a.plain.Valid {
					v[mGraded], v[mPlainSum] = 1, a.plain.Int64
				}
				if a.inf.Valid {
					v[mInfN], v[mInfSum] = 1, a.inf.Int64
				}
			}
			if a.submitted {
				v[mSubmitted] = 1
			}
			if a.formal {
				v[mFormal] = 1
				if a.returned {
					v[mFormalReturned] = 1
				}
			}
			av.add(&v, 1)
			perExec(byExec, a.exec).add(&v, 1)
		}
		for _, r := range f.ratings {
			var v rvec
			v[mRatings] = 1
			if r.score.Valid {
				v[mRated], v[mScoreSum] = 1, r.score.Int64
			}
			if r.solved != 0 {
				v[mSolvedSaid] = 1
				if r.solved == 1 {
					v[mSolved] = 1
				}
			}
			av.add(&v, 1)
			perExec(byExec, r.exec).add(&v, 1)
		}
	}
	whole := iv
	whole.add(&av, 1)
	var fv rvec // a fine grain's row: one answered incident
	fv[mAnswered] = 1
	bin, hasBin := 0, false
	if !excl && f.firstReaction.Valid {
		bin, hasBin = fineBin(f.firstReaction.Int64 - f.created)
	}
	if what&cCreated != 0 {
		day := floorDiv(f.created+off, dayMS)
		for lvl := range levels {
			b := day >> (3 * lvl)
			k := func(g int8, terr, cat, exec int64) rkey {
				return rkey{grain: g, lvl: int8(lvl), excl: excl, bucket: b, terr: terr, cat: cat, exec: exec}
			}
			emit(k(gRegion, 0, 0, 0), &whole)
			emit(k(gTerritory, f.terr, 0, 0), &whole)
			if !excl {
				emit(k(gCategory, 0, f.cat, 0), &whole)
				emit(k(gTerritoryCategory, f.terr, f.cat, 0), &whole)
				if lvl == 0 && f.terr != 0 && f.cat != 0 {
					var wv rvec
					wv[mWeekReceived] = 1
					for d := range int64(7) {
						emit(rkey{grain: gWeekTerritoryCategory, bucket: day + d, terr: f.terr, cat: f.cat}, &wv)
					}
				}
			}
			if hasBin {
				fk := func(g int8, terr, cat, exec int64) rkey {
					return rkey{grain: gFine + g, lvl: int8(lvl), bin: int16(bin), bucket: b, terr: terr, cat: cat, exec: exec}
				}
				emit(fk(gRegion, 0, 0, 0), &fv)
				emit(fk(gTerritory, f.terr, 0, 0), &fv)
				emit(fk(gCategory, 0, f.cat, 0), &fv)
				emit(fk(gExecutor, 0, 0, f.exec), &fv)
			}
			if len(byExec) == 0 {
				emit(k(gExecutor, 0, 0, f.exec), &iv)
				emit(k(gTerritoryExecutor, f.terr, 0, f.exec), &iv)
				continue
			}
			own := iv
			if v, ok := byExec[f.exec]; ok {
				own.add(v, 1)
			}
			emit(k(gExecutor, 0, 0, f.exec), &own)
			emit(k(gTerritoryExecutor, f.terr, 0, f.exec), &own)
			for ex, v := range byExec {
				if ex != f.exec {
					emit(k(gExecutor, 0, 0, ex), v)
					emit(k(gTerritoryExecutor, f.terr, 0, ex), v)
				}
			}
		}
	}
	if what&cDeadline != 0 && open {
		due := func(at int64, m int) {
			var v rvec
			v[m] = 1
			day := floorDiv(at+off, dayMS)
			for g, k := range [...][3]int64{{0, 0, 0}, {f.terr, 0, 0}, {0, f.cat, 0}, {f.terr, f.cat, 0}, {0, 0, f.exec}, {f.terr, 0, f.exec}} {
				emit(rkey{grain: int8(gDue + gRegion + g), bucket: day, terr: k[0], cat: k[1], exec: k[2]}, &v)
			}
		}
		if f.dueAt.Valid {
			due(f.dueAt.Int64, mOpenDue)
		}
		if !f.firstReaction.Valid && f.reactionDue.Valid {
			due(f.reactionDue.Int64, mAwaitingDue)
		}
	}
	if what&cReacted != 0 && !excl && f.firstReaction.Valid {
		day := floorDiv(f.firstReaction.Int64+off, dayMS)
		var rv rvec
		rv[mAnswered] = 1
		emit(rkey{grain: gReacted, bucket: day}, &rv)
		emit(rkey{grain: gReactedTerritory, bucket: day, terr: f.terr}, &rv)
	}
}

func perExec(m map[int64]*rvec, ex int64) *rvec {
	v, ok := m[ex]
	if !ok {
		v = &rvec{}
		m[ex] = v
	}
	return v
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// applyRollup adds the rows to the rollup, in key order (so that concurrent writers on PostgreSQL lock shared
// rows in the same order), a few hundred rows a statement. Rows whose measures are all zero are skipped. Each
// grain writes only the measures it can have (grainMeasures): binding 46 columns a row where one or two can be
// other than zero made the trailing weeks, the deadline and the reaction grains cost as much as the rest.
func (s *Store) applyRollup(ctx context.Context, q queryer, acc rollAcc) error {
	keys := make([]rkey, 0, len(acc))
	var fine []rkey
	for k, v := range acc {
		switch {
		case v.zero():
		case isFine(k.grain):
			fine = append(fine, k)
		default:
			keys = append(keys, k)
		}
	}
	if err := s.applyFine(ctx, q, acc, fine); err != nil {
		return err
	}
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, rkey.compare) // by grain first: each grain's rows are a run
	const perStmt = 250
	for start := 0; start < len(keys); {
		ms := grainMeasures(keys[start].grain)
		end := start + 1
		for end < len(keys) && end-start < perStmt && keys[end].grain == keys[start].grain {
			end++
		}
		part := keys[start:end]
		start = end
		cols := []string{"grain", "lvl", "excl", "bucket", "territory_id", "category_id", "executor_id"}
		set := make([]string, 0, len(ms))
		for _, m := range ms {
			c := measureCols[m]
			cols = append(cols, c)
			set = append(set, fmt.Sprintf("%s = dash_rollup.%s + excluded.%s", c, c, c))
		}
		row := "(" + marks(len(cols)) + ")"
		args := make([]any, 0, len(part)*len(cols))
		for _, k := range part {
			excl := 0
			if k.excl {
				excl = 1
			}
			args = append(args, int(k.grain), int(k.lvl), excl, k.bucket, k.terr, k.cat, k.exec)
			v := acc[k]
			for _, m := range ms {
				args = append(args, v[m])
			}
			if len(ms) < nMeasures {
				kept := *v
				for _, m := range ms {
					kept[m] = 0
				}
				if !kept.zero() {
					return fmt.Errorf("store: update dashboard rollup: a row of grain %d has measures the grain does not keep", k.grain)
				}
			}
		}
		stmt := `INSERT INTO dash_rollup (` + strings.Join(cols, ", ") + `) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(part)), ", ") +
			` ON CONFLICT (grain, lvl, excl, bucket, territory_id, category_id, executor_id) DO UPDATE SET ` + strings.Join(set, ", ")
		if _, err := q.ExecContext(ctx, s.d.rebind(stmt), args...); err != nil {
			return fmt.Errorf("store: update dashboard rollup: %w", err)
		}
	}
	return nil
}

// applyFine adds the fine grains' rows to dash_fine, in key order, a few hundred rows a statement. A row whose
// count comes to zero stays, as in dash_rollup: it takes an incident merged or rejected after its first
// reaction, or a reaction withdrawn.
func (s *Store) applyFine(ctx context.Context, q queryer, acc rollAcc, keys []rkey) error {
	if len(keys) == 0 {
		return nil
	}
	slices.SortFunc(keys, rkey.compare)
	const perStmt = 400
	for start := 0; start < len(keys); start += perStmt {
		part := keys[start:min(start+perStmt, len(keys))]
		args := make([]any, 0, len(part)*6)
		for _, k := range part {
			g := k.grain - gFine
			id := k.terr
			switch g {
			case gCategory:
				id = k.cat
			case gExecutor:
				id = k.exec
			}
			args = append(args, int(g), int(k.lvl), int(k.bin), k.bucket, id, acc[k][mAnswered])
		}
		stmt := `INSERT INTO dash_fine (grain, lvl, bin, bucket, group_id, n) VALUES ` + strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?), ", len(part)), ", ") +
			` ON CONFLICT (grain, lvl, bin, bucket, group_id) DO UPDATE SET n = dash_fine.n + excluded.n`
		if _, err := q.ExecContext(ctx, s.d.rebind(stmt), args...); err != nil {
			return fmt.Errorf("store: update dashboard fine counts: %w", err)
		}
	}
	return nil
}

// allMeasures lists every measure, in column order.
var allMeasures = func() []int {
	out := make([]int, nMeasures)
	for i := range out {
		out[i] = i
	}
	return out
}()

// grainMeasures lists the measures the rows of grain g can have other than zero (contribute emits no others).
func grainMeasures(g int8) []int {
	switch {
	case g == gReacted || g == gReactedTerritory:
		return []int{mAnswered}
	case isDue(g):
		return []int{mOpenDue, mAwaitingDue}
	case g == gWeekTerritoryCategory:
		return []int{mWeekReceived}
	case isFine(g):
		return []int{mAnswered}
	}
	return allMeasures
}

// rollupMeta returns the rollup zone's offset from UTC in milliseconds, and whether the rollup has one yet (it
// gets it at the first fold).
func (s *Store) rollupMeta(ctx context.Context, q queryer) (int64, bool, error) {
	var off int64
	err := q.QueryRowContext(ctx, `SELECT offset_ms FROM dash_meta WHERE id = 1`).Scan(&off)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: dashboard rollup zone: %w", err)
	}
	return off, true, nil
}

// ensureRollupMeta fixes the rollup's zone when it has none: the time zone of the first region (days are
// counted from its midnights). It reports false when there is no region yet, and so no incident to fold.
func (s *Store) ensureRollupMeta(ctx context.Context, q queryer) (int64, bool, error) {
	if off, ok, err := s.rollupMeta(ctx, q); ok || err != nil {
		return off, ok, err
	}
	var zone string
	err := q.QueryRowContext(ctx, `SELECT time_zone FROM regions ORDER BY id LIMIT 1`).Scan(&zone)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("store: dashboard rollup zone: %w", err)
	}
	loc, err := time.LoadLocation(zone)
	if err != nil {
		loc = time.UTC // still exact: periods in the region's zone then count from the incidents
	}
	now := time.Now()
	_, secs := now.In(loc).Zone()
	if _, err := q.ExecContext(ctx, s.d.rebind(`INSERT INTO dash_meta (id, offset_ms, zone, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING`),
		int64(secs)*1000, loc.String(), ms(now)); err != nil {
		return 0, false, fmt.Errorf("store: dashboard rollup zone: %w", err)
	}
	return s.rollupMeta(ctx, q) // another folder may have fixed it first
}

// pendingFrom is the FROM item of the pending incidents (alias i): at most readerFoldLimit of them when a
// reader reads them one by one. SQLite is told to start from dash_pending (CROSS JOIN keeps the order): without
// statistics of it, it would rather walk the period's incidents by an index and look each one up there.
func (s *Store) pendingFrom() string {
	if s.d.name == "sqlite" {
		return `dash_pending p CROSS JOIN incidents i ON i.id = p.incident_id`
	}
	return `dash_pending p JOIN incidents i ON i.id = p.incident_id`
}

// foldBatch is how many pending incidents one fold transaction takes.
const foldBatch = 2000

// foldThreshold is how many pending incidents a reader tolerates before folding them first (a fold of a hundred
// costs a page some tens of milliseconds; a server that calls FoldDashboard on a ticker spares its pages that).
const foldThreshold = 100

// readerFoldLimit is how many pending incidents a dashboard reader folds before reading (some tens of
// thousands a second: a second or two at most). With more pending — a bulk import the server's folder has not
// caught up with — the reader counts from the incidents directly instead of making its page wait for the fold.
const readerFoldLimit = 20_000

// FoldDashboard moves every pending incident into the dashboard rollup, foldBatch a transaction, and returns
// how many it moved. Readers fold up to readerFoldLimit themselves; the server calls it on a ticker so that no
// page has to. Safe to run concurrently (PostgreSQL: pending rows are claimed with SKIP LOCKED; SQLite:
// transactions are exclusive).
func (s *Store) FoldDashboard(ctx context.Context) (int, error) {
	total, err := s.foldUpTo(ctx, -1)
	if err != nil {
		return total, err
	}
	if total >= 10*foldBatch && s.d.name == "postgres" {
		// A large fold (the first after an upgrade, or a bulk import) leaves many dead row versions in
		// dash_pending and the rollup and changes what the planner believes of them: clean and refresh now
		// rather than wait for autovacuum.
		if _, err := s.db.ExecContext(ctx, `VACUUM (ANALYZE) dash_pending, dash_rollup`); err != nil {
			return total, fmt.Errorf("store: fold dashboard: vacuum: %w", err)
		}
	}
	return total, nil
}

// foldUpTo folds pending incidents, foldBatch a transaction, until none is left or at least max were folded
// (max < 0: no limit).
func (s *Store) foldUpTo(ctx context.Context, max int) (int, error) {
	total := 0
	for max < 0 || total < max {
		n, err := s.foldOnce(ctx, foldBatch)
		total += n
		if err != nil {
			return total, err
		}
		if n < foldBatch {
			break
		}
	}
	return total, nil
}

// foldLimit is readerFoldMax or its default.
func (s *Store) foldLimit() int {
	if s.readerFoldMax > 0 {
		return s.readerFoldMax
	}
	return readerFoldLimit
}

func (s *Store) foldOnce(ctx context.Context, limit int) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		off, ok, err := s.ensureRollupMeta(ctx, tx)
		if err != nil || !ok {
			return err
		}
		// On PostgreSQL the incidents' rows are locked (a lock, not a new row version): incidents a writer holds
		// are left for the next fold, and writers of the claimed ones wait for this one (see rollupAround).
		claim := fmt.Sprintf(`SELECT incident_id FROM dash_pending ORDER BY created_at LIMIT %d`, limit)
		if s.d.name == "postgres" {
			claim = fmt.Sprintf(`SELECT i.id FROM %s ORDER BY p.created_at LIMIT %d FOR UPDATE OF i SKIP LOCKED`, s.pendingFrom(), limit)
		}
		ids, err := s.updateIDs(ctx, tx, `DELETE FROM dash_pending WHERE incident_id IN (`+claim+`) RETURNING incident_id`)
		if n = len(ids); err != nil || n == 0 {
			return err
		}
		return s.rollupIDs(ctx, tx, ids, off, 1)
	})
	if err != nil {
		return 0, fmt.Errorf("store: fold dashboard: %w", err)
	}
	return n, nil
}

// updateIDs runs an INSERT, UPDATE or DELETE … RETURNING an id and returns the ids.
func (s *Store) updateIDs(ctx context.Context, q queryer, stmt string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, s.d.rebind(stmt), args...)
	if err != nil {
		return nil, err
	}
	var ids []int64
	err = scanAll(rows, func(sc func(...any) error) error {
		var id int64
		if err := sc(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	return ids, err
}

// rollupIDs adds (sign 1) or subtracts (-1) the shares of the incidents to the rollup, 1,000 at a time.
func (s *Store) rollupIDs(ctx context.Context, q queryer, ids []int64, off int64, sign int64) error {
	acc := rollAcc{}
	for part := range triageChunks(ids, 1000) {
		facts, err := s.readFacts(ctx, q, false, `i.id IN (`+marks(len(part))+`)`, triageArgs(part)...)
		if err != nil {
			return err
		}
		for _, f := range facts {
			contribute(f, off, cAll, rollupLevels, func(k rkey, v *rvec) { acc.add(k, v, sign) })
		}
	}
	return s.applyRollup(ctx, q, acc)
}

// RebuildDashboard empties the rollup and folds every incident again, with the zone of the first region as it
// is now. Run it after changing the region's time zone (until then pages in the new zone are counted from the
// incidents directly: exact, but slower).
func (s *Store) RebuildDashboard(ctx context.Context) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, q := range []string{`DELETE FROM dash_pending`, `INSERT INTO dash_pending (incident_id, created_at) SELECT id, created_at FROM incidents`,
			`DELETE FROM dash_rollup`, `DELETE FROM dash_fine`, `DELETE FROM dash_meta`} {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: rebuild dashboard: %w", err)
	}
	_, err = s.FoldDashboard(ctx)
	return err
}

// rollupAround runs write, which changes the incident or its answers, ratings or events, and keeps the
// incident's share of the dashboard rollup exact: the difference between its facts after and before the write
// is applied in the same transaction. Pending incidents (not folded yet) need nothing.
func (t *Tx) rollupAround(ctx context.Context, incidentID int64, write func() error) error {
	if incidentID == 0 {
		return write()
	}
	if t.s.d.name == "postgres" {
		// Hold the incident until the transaction ends: the folder skips it, other writers of it wait, and the
		// facts read here cannot change under us. Whether it is pending is read by the next statement: after
		// waiting for a folder, the lock's own statement still sees the folder's claim as not made.
		var id int64
		if err := t.tx.QueryRowContext(ctx, `SELECT id FROM incidents WHERE id = $1 FOR UPDATE`, incidentID).Scan(&id); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return write()
			}
			return fmt.Errorf("store: dashboard rollup: lock incident %d: %w", incidentID, err)
		}
	}
	before, err := t.s.readFacts(ctx, t.tx, false, `i.id = ?`, incidentID)
	if err != nil {
		return err
	}
	if err := write(); err != nil {
		return err
	}
	b, ok := before[incidentID]
	if !ok || b.state != 0 {
		return nil
	}
	after, err := t.s.readFacts(ctx, t.tx, false, `i.id = ?`, incidentID)
	if err != nil {
		return err
	}
	a, ok := after[incidentID]
	if !ok {
		return fmt.Errorf("store: dashboard rollup: incident %d vanished", incidentID)
	}
	off, ok, err := t.s.rollupMeta(ctx, t.tx)
	if err != nil || !ok {
		return err // a folded incident implies a zone; without one there is nothing to keep
	}
	acc := rollAcc{}
	contribute(b, off, cAll, rollupLevels, func(k rkey, v *rvec) { acc.add(k, v, -1) })
	contribute(a, off, cAll, rollupLevels, func(k rkey, v *rvec) { acc.add(k, v, 1) })
	return t.s.applyRollup(ctx, t.tx, acc)
}

// answerIncident returns the incident of an answer (0 when the answer does not exist).
func (t *Tx) answerIncident(ctx context.Context, answerID int64) (int64, error) {
	var id int64
	err := t.queryRow(ctx, `SELECT incident_id FROM answers WHERE id = ?`, answerID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: dashboard rollup: answer %d: %w", answerID, err)
	}
	return id, nil
}

// ratingIncident returns the incident of a rating link (0 when there is none).
func (t *Tx) ratingIncident(ctx context.Context, token string) (int64, error) {
	var id int64
	err := t.queryRow(ctx, `SELECT incident_id FROM ratings WHERE token = ?`, token).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: dashboard rollup: rating: %w", err)
	}
	return id, nil
}

// rollupEventAround is rollupAround for an event: only a moderator's return of an answer changes a figure
// (formal replies returned).
func (t *Tx) rollupEventAround(ctx context.Context, e model.Event, write func() error) error {
	if e.Type != "answer.return" || e.AnswerID == 0 {
		return write()
	}
	id, err := t.answerIncident(ctx, e.AnswerID)
	if err != nil {
		return err
	}
	return t.rollupAround(ctx, id, write)
}

// rollupExecutorChanging is called, in the transaction that writes an executor, before the write: when its
// connected flag is about to change, its folded incidents leave the rollup (their shares, counted with the old
// flag, are subtracted) and become pending, to be folded again with the new one.
func (s *Store) rollupExecutorChanging(ctx context.Context, tx *sql.Tx, code string, connected bool) error {
	var id int64
	var was bool
	err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT id, connected FROM executors WHERE code = ?`), code).Scan(&id, &was)
	if errors.Is(err, sql.ErrNoRows) || err == nil && was == connected {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: dashboard rollup: executor %s: %w", code, err)
	}
	if s.d.name == "postgres" {
		// Lock the rows first (writers of them wait, the folder skips them until this commits); which are
		// pending is read by the next statement, after any folder holding some of them has committed.
		if _, err := tx.ExecContext(ctx, `SELECT id FROM incidents WHERE executor_id = $1 FOR UPDATE`, id); err != nil {
			return fmt.Errorf("store: dashboard rollup: lock executor %s's incidents: %w", code, err)
		}
	}
	ids, err := s.updateIDs(ctx, tx, `INSERT INTO dash_pending (incident_id, created_at) SELECT i.id, i.created_at FROM incidents i WHERE i.executor_id = ?
		AND NOT EXISTS (SELECT 1 FROM dash_pending dp WHERE dp.incident_id = i.id) RETURNING incident_id`, id)
	if err != nil {
		return fmt.Errorf("store: dashboard rollup: unfold executor %s: %w", code, err)
	}
	if len(ids) == 0 {
		return nil
	}
	off, ok, err := s.rollupMeta(ctx, tx)
	if err != nil || !ok {
		return err
	}
	return s.rollupIDs(ctx, tx, ids, off, -1)
}

// rollupRead is a reader's snapshot of the rollup and the incidents, and the period in rollup days.
type rollupRead struct {
	tx     *sql.Tx
	off    int64 // the rollup zone's offset from UTC, ms (without a zone yet: the filter's)
	have   bool  // the rollup has a zone: some incidents may be folded
	d0, d1 int64 // the period's days [d0, d1), open ends far away
}

// readerSettings is what the first statement of a rollup reader's snapshot also selects to set, for the
// snapshot only: on PostgreSQL, plans made for each statement's actual arguments (the best index for the
// reaction times or the deadlines ahead depends on the period, the buckets and the territory; the driver's
// prepared statements get generic plans after five runs) and no parallel workers (each statement reads an index
// range of a few thousand rows: starting workers cost more than they saved, and on a 2-core machine a territory's
// deadlines ahead took 16–25 ms with them against 3–8 ms without). Nothing on SQLite.
// It is one column (NULL on SQLite).
func (s *Store) readerSettings() string {
	if s.d.name != "postgres" {
		return `, NULL`
	}
	return `, set_config('plan_cache_mode', 'force_custom_plan', true) || set_config('max_parallel_workers_per_gather', '0', true)`
}

// unbounded is the day number standing for an open end of a period (a multiple of every block size).
const unbounded = int64(1) << 31

// withRollup runs fn in a read-only snapshot when the rollup can serve the period [from, to) (a zero time is
// an open end), folding pending incidents first when more than foldThreshold wait. It reports false, without
// running fn, when the rollup's days do not fall on the period's ends or, for a day-by-day view in loc, on
// loc's days: the caller then counts from the incidents.
func (s *Store) withRollup(ctx context.Context, from, to time.Time, loc *time.Location, fn func(*rollupRead) error) (bool, error) {
	for attempt := 0; ; attempt++ {
		opts := &sql.TxOptions{ReadOnly: true}
		if s.d.name == "postgres" {
			opts.Isolation = sql.LevelRepeatableRead // one snapshot for every statement
		}
		tx, err := s.db.BeginTx(ctx, opts)
		if err != nil {
			return false, fmt.Errorf("store: dashboard: begin: %w", err)
		}
		var off sql.NullInt64
		var pending int
		var set sql.NullString
		limit := s.foldLimit()
		err = tx.QueryRowContext(ctx, fmt.Sprintf(`SELECT (SELECT offset_ms FROM dash_meta WHERE id = 1),
			(SELECT COUNT(*) FROM (SELECT 1 FROM dash_pending LIMIT %d) p)%s`, limit+1, s.readerSettings())).Scan(&off, &pending, &set)
		if err != nil {
			_ = tx.Rollback()
			return false, fmt.Errorf("store: dashboard: rollup state: %w", err)
		}
		if pending > limit {
			// Too many to fold now or to read one by one: the incidents are counted directly until the
			// server's folder has caught up.
			_ = tx.Rollback()
			return false, nil
		}
		if pending > foldThreshold && attempt == 0 {
			_ = tx.Rollback()
			if _, err := s.foldUpTo(ctx, limit); err != nil {
				return false, err
			}
			continue
		}
		r := &rollupRead{tx: tx, have: off.Valid, off: off.Int64}
		if !r.have {
			// Nothing is folded: every incident is read as pending, so any period will do; days are counted in
			// the caller's zone.
			if loc != nil && !from.IsZero() {
				_, secs := from.In(loc).Zone()
				r.off = int64(secs) * 1000
			}
		} else if !r.onDay(from) || !r.onDay(to) || loc != nil && !from.IsZero() && zoneOffset(from, loc) != r.off {
			_ = tx.Rollback()
			return false, nil
		}
		r.d0, r.d1 = -unbounded, unbounded
		if !from.IsZero() {
			r.d0 = floorDiv(ms(from)+r.off, dayMS)
		}
		if !to.IsZero() {
			r.d1 = floorDiv(ms(to)+r.off, dayMS)
		}
		err = fn(r)
		_ = tx.Rollback() // read only: nothing to keep
		return true, err
	}
}

// onDay reports whether t is an open end or falls on a day boundary of the rollup.
func (r *rollupRead) onDay(t time.Time) bool { return t.IsZero() || (ms(t)+r.off)%dayMS == 0 }

func zoneOffset(t time.Time, loc *time.Location) int64 {
	_, secs := t.In(loc).Zone()
	return int64(secs) * 1000
}

// lvlRange is the buckets [lo, hi) of one level.
type lvlRange struct {
	lvl    int
	lo, hi int64
}

// splitDays covers the days [d0, d1) with the fewest rollup buckets: days up to the first 8-day block, blocks
// up to the first 64-day block, 64-day blocks, and back down at the other end (at most five ranges).
func splitDays(d0, d1 int64) []lvlRange {
	var out []lvlRange
	lo, hi := d0, d1
	for lvl := 0; lvl < rollupLevels-1; lvl++ {
		sh := uint(3 * lvl)
		next := int64(8) << sh // days per bucket of the next level
		a := -floorDiv(-lo, next) * next
		b := floorDiv(hi, next) * next
		if a >= b {
			if lo < hi {
				out = append(out, lvlRange{lvl, lo >> sh, hi >> sh})
			}
			return out
		}
		if lo < a {
			out = append(out, lvlRange{lvl, lo >> sh, a >> sh})
		}
		if b < hi {
			out = append(out, lvlRange{lvl, b >> sh, hi >> sh})
		}
		lo, hi = a, b
	}
	sh := uint(3 * (rollupLevels - 1))
	return append(out, lvlRange{rollupLevels - 1, lo >> sh, hi >> sh})
}

// grainSel is a grain a reader sums, with its key filters (0: every value) and, for the deadline grains, the
// first day (the rest read the period's days).
type grainSel struct {
	grain      int8
	terr, exec int64
	from       int64 // deadline grains: days from this one on
	allTime    bool  // every day there is, not the period's, reported as grain allTimeGrain
}

// allTimeGrain is the grain readRollup reports a grainSel's rows under when it reads them for all time.
const allTimeGrain = -1

// readRollup sums, for each grain of sels over the period's buckets, the rollup rows per key (excl: "= 0" for
// the dashboard, "IN (0, 1)" for the statistics) in one query, and calls fn with each sum.
func (s *Store) readRollup(ctx context.Context, r *rollupRead, sels []grainSel, excl string, fn func(grain int8, terr, cat, exec int64, v *rvec)) error {
	// The deadline grains are read apart, their two measures only: the rows are wide, and reading and sorting
	// their every column is most of the cost.
	var parts, dueParts []string
	var args, dueArgs []any
	cols := strings.Join(measureCols, ", ")
	for _, g := range sels {
		ranges, sel, to, a := splitDays(r.d0, r.d1), cols, &parts, &args
		grain := "grain"
		switch {
		case isDue(g.grain):
			ranges, sel, to, a = []lvlRange{{0, g.from, unbounded}}, measureCols[mOpenDue]+", "+measureCols[mAwaitingDue], &dueParts, &dueArgs
		case g.allTime:
			ranges, grain = []lvlRange{{rollupLevels - 1, -unbounded, unbounded}}, strconv.Itoa(allTimeGrain)
		}
		for _, lr := range ranges {
			p := fmt.Sprintf(`SELECT %s AS grain, territory_id, category_id, executor_id, %s FROM dash_rollup
				WHERE grain = %d AND lvl = %d AND excl %s AND bucket >= ? AND bucket < ?`, grain, sel, g.grain, lr.lvl, excl)
			*a = append(*a, lr.lo, lr.hi)
			if g.terr != 0 {
				p += ` AND territory_id = ?`
				*a = append(*a, g.terr)
			}
			if g.exec != 0 {
				p += ` AND executor_id = ?`
				*a = append(*a, g.exec)
			}
			*to = append(*to, p)
		}
	}
	if len(parts)+len(dueParts) == 0 {
		return nil
	}
	sums, dueSums := make([]string, nMeasures), make([]string, nMeasures)
	for i, c := range measureCols {
		sums[i], dueSums[i] = "CAST(SUM("+c+") AS BIGINT)", "0"
	}
	dueSums[mOpenDue], dueSums[mAwaitingDue] = sums[mOpenDue], sums[mAwaitingDue]
	var q []string
	for _, p := range []struct {
		parts []string
		sums  []string
	}{{parts, sums}, {dueParts, dueSums}} {
		if len(p.parts) > 0 {
			q = append(q, `SELECT grain, territory_id, category_id, executor_id, `+strings.Join(p.sums, ", ")+` FROM (`+
				strings.Join(p.parts, " UNION ALL ")+`) x GROUP BY grain, territory_id, category_id, executor_id`)
		}
	}
	rows, err := r.tx.QueryContext(ctx, s.d.rebind(strings.Join(q, " UNION ALL ")), append(args, dueArgs...)...)
	if err != nil {
		return fmt.Errorf("store: read dashboard rollup: %w", err)
	}
	var v rvec
	dest := make([]any, 4+nMeasures)
	var grain int64
	var terr, cat, exec int64
	dest[0], dest[1], dest[2], dest[3] = &grain, &terr, &cat, &exec
	for i := range v {
		dest[4+i] = &v[i]
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		if err := sc(dest...); err != nil {
			return err
		}
		fn(int8(grain), terr, cat, exec, &v)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: read dashboard rollup: %w", err)
	}
	return nil
}

// medianNeed is where a group's middle reaction times lie: their ranks, the histogram bucket of each and the
// rank within the bucket.
type medianNeed struct {
	bucket [2]int
	within [2]int64
	value  [2]int64 // the reaction times at those ranks, once read
	found  [2]bool
	approx bool // placed from the fine counts (placeMedians), not read
}

// needMedian locates ranks lo and hi (0-based, lo ≤ hi) in a histogram; false when it holds fewer values.
func needMedian(v *rvec, lo, hi int64) (*medianNeed, bool) {
	n := &medianNeed{}
	var seen int64
	found := 0
	for b := range histBuckets {
		c := v[mHist+b]
		for found < 2 {
			r := lo
			if found == 1 {
				r = hi
			}
			if r >= seen+c {
				break
			}
			n.bucket[found], n.within[found] = b, r-seen
			found++
		}
		seen += c
	}
	return n, found == 2
}

// reactionTimes is the FROM item (alias i) the reaction times of a period in some histogram buckets are read
// through on SQLite: the answered incidents by creation (the period's entries are visited) or by reaction time
// (the buckets' entries of all time are), whichever visits fewer; periodN is the period's answered incidents,
// allTime the histogram of all of them. PostgreSQL's planner picks between the two indexes itself.
func (s *Store) reactionTimes(periodN int64, allTime *rvec, buckets map[int]bool, byPeriod string) string {
	if s.d.name != "sqlite" {
		return `incidents i`
	}
	var n int64
	for b := range buckets {
		n += allTime[mHist+b]
	}
	if n < periodN {
		return `incidents i INDEXED BY incidents_reaction_time`
	}
	return byPeriod
}

// bucketRanges is the SQL condition selecting reaction times d (an SQL expression) in the buckets, merged into
// runs, and its arguments.
func bucketRanges(d string, buckets map[int]bool) (string, []any) {
	var conds []string
	var args []any
	for b := 0; b < histBuckets; b++ {
		if !buckets[b] {
			continue
		}
		e := b
		for e+1 < histBuckets && buckets[e+1] {
			e++
		}
		lo, loOK, _, _ := histRange(b)
		_, _, hi, hiOK := histRange(e)
		var c []string
		if loOK {
			c, args = append(c, d+` >= ?`), append(args, lo)
		}
		if hiOK {
			c, args = append(c, d+` < ?`), append(args, hi)
		}
		if len(c) == 0 {
			c = append(c, `1 = 1`)
		}
		conds = append(conds, `(`+strings.Join(c, ` AND `)+`)`)
		b = e
	}
	if len(conds) == 0 {
		return `1 = 0`, nil
	}
	return `(` + strings.Join(conds, ` OR `) + `)`, args
}

// statsRollup computes Stats from the rollup; false when the period does not fall on its days.
func (s *Store) statsRollup(ctx context.Context, f StatsFilter) (Stats, bool, error) {
	st := Stats{ByStatus: map[model.Status]int{}}
	ran, err := s.withRollup(ctx, f.From, f.To, nil, func(r *rollupRead) error {
		sel := grainSel{grain: gRegion}
		switch {
		case f.TerritoryID != 0 && f.ExecutorID != 0:
			sel = grainSel{grain: gTerritoryExecutor, terr: f.TerritoryID, exec: f.ExecutorID}
		case f.TerritoryID != 0:
			sel = grainSel{grain: gTerritory, terr: f.TerritoryID}
		case f.ExecutorID != 0:
			sel = grainSel{grain: gExecutor, exec: f.ExecutorID}
		}
		var sum, allTime rvec
		err := s.readRollup(ctx, r, []grainSel{sel, {grain: gRegion, allTime: true}}, "IN (0, 1)", func(g int8, _, _, _ int64, v *rvec) {
			if g == allTimeGrain {
				allTime.add(v, 1)
			} else {
				sum.add(v, 1)
			}
		})
		if err != nil {
			return err
		}
		// The filter on the incidents themselves, for the pending ones and the live counts.
		where, args := f.conds("i.")
		cond := "1 = 1"
		if len(where) > 0 {
			cond = strings.Join(where, " AND ")
		}
		pend, err := s.readFacts(ctx, r.tx, true, cond, args...)
		if err != nil {
			return err
		}
		for _, p := range pend {
			contribute(p, r.off, cCreated, 1, func(k rkey, v *rvec) {
				if k.grain == gRegion {
					sum.add(v, 1)
				}
			})
		}
		// Deadlines still ahead: the rollup counts every incident with one.
		from := `incidents i`
		if s.d.name == "sqlite" {
			from += ` INDEXED BY incidents_due_ahead`
		}
		var ahead int
		if err := r.tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM `+from+` WHERE i.due_at >= ? AND `+cond),
			append([]any{ms(f.Now)}, args...)...).Scan(&ahead); err != nil {
			return fmt.Errorf("store: stats: deadlines ahead: %w", err)
		}
		for i, status := range []model.Status{model.StatusNew, model.StatusAssigned, model.StatusInWork, model.StatusInterim,
			model.StatusResolved, model.StatusRejected, model.StatusMerged} {
			if n := int(sum[mNew+i]); n != 0 {
				st.ByStatus[status] = n
				st.Total += n
			}
		}
		st.Answered, st.Overdue = int(sum[mAnswered]), int(sum[mDue])-ahead
		// The median: the lower middle value, picked within its histogram bucket (the query runs without answered
		// incidents too, finding nothing, so that the statements do not depend on the rows).
		buckets, within := map[int]bool{}, int64(0)
		if st.Answered > 0 {
			n, ok := needMedian(&sum, int64(st.Answered-1)/2, int64(st.Answered-1)/2)
			if !ok {
				return fmt.Errorf("store: stats: dashboard rollup out of step: %d answered, histogram short", st.Answered)
			}
			buckets[n.bucket[0]], within = true, n.within[0]
		}
		d := `(i.first_reaction_at - i.created_at)`
		rng, rargs := bucketRanges(d, buckets)
		var v int64
		answered := `incidents i`
		if s.d.name == "sqlite" {
			answered += ` INDEXED BY incidents_answered`
			if f.TerritoryID == 0 && f.ExecutorID == 0 {
				answered = s.reactionTimes(int64(st.Answered), &allTime, buckets, answered)
			}
		}
		err = r.tx.QueryRowContext(ctx, s.d.rebind(fmt.Sprintf(`SELECT %s AS d FROM %s WHERE %s AND i.first_reaction_at IS NOT NULL AND %s
			ORDER BY d LIMIT 1 OFFSET %d`, d, answered, cond, rng, within)), append(append([]any{}, args...), rargs...)...).Scan(&v)
		if errors.Is(err, sql.ErrNoRows) && st.Answered == 0 {
			return nil
		}
		if err != nil {
			return fmt.Errorf("store: stats: median first reaction: %w", err)
		}
		secs := float64(v) / 1000
		st.MedianFirstReactionSecs = &secs
		return nil
	})
	return st, ran, err
}
