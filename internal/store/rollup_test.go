package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// rollWorld is a generated region: every kind of incident, answer and rating the figures distinguish, spread
// over five months before now.
type rollWorld struct {
	region    int64
	ters      []int64
	cats      []int64
	exCodes   []string
	exs       []int64
	now       time.Time
	loc       *time.Location
	rng       *rand.Rand
	incidents []int64
	answers   []int64
	tokens    []string
	seq       int
}

func rollSeed(t *testing.T, st *store.Store) *rollWorld {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Irkutsk")
	if err != nil {
		t.Skipf("time zone data absent: %v", err)
	}
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	w := &rollWorld{now: time.Date(2026, 11, 20, 4, 30, 0, 0, time.UTC), loc: loc, rng: rand.New(rand.NewPCG(11, 12))}
	w.region = must(st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"}))
	for i := range 5 {
		w.ters = append(w.ters, must(st.PutTerritory(ctx, model.Territory{RegionID: w.region, OKTMO: fmt.Sprintf("2570%d000", i), Name: fmt.Sprintf("Район %d", i), Kind: "municipal_district"})))
	}
	for tp := range 3 {
		code := fmt.Sprintf("topic%d", tp)
		w.cats = append(w.cats, must(st.PutCategory(ctx, model.Category{Code: code, Name: "Тема " + code, ReactionHours: 24, UrgentReactionHours: 4,
			ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal})))
		for s := range 2 {
			w.cats = append(w.cats, must(st.PutCategory(ctx, model.Category{Code: fmt.Sprintf("%s.s%d", code, s), ParentCode: code, Name: fmt.Sprintf("Подтема %d.%d", tp, s),
				ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal})))
		}
	}
	for i := range 6 {
		code := fmt.Sprintf("ex%d", i)
		w.exCodes = append(w.exCodes, code)
		w.exs = append(w.exs, must(st.PutExecutor(ctx, model.Executor{Code: code, Name: "Исполнитель " + code, Kind: "uk", Connected: i%2 == 0})))
	}
	w.ingest(t, st, 80, 150) // fewer than the readers' fold threshold
	return w
}

// pick returns one of ids, or 0 with probability zero (per cent).
func (w *rollWorld) pick(ids []int64, zero int) int64 { return pickWith(w.rng, ids, zero) }

func pickWith(r *rand.Rand, ids []int64, zero int) int64 {
	if r.IntN(100) < zero {
		return 0
	}
	return ids[r.IntN(len(ids))]
}

// changeFacts changes one of the incident's own columns the rollup groups or counts by, drawing with r (safe for
// a goroutine of its own when r is): what 0 its status, 1 territory, 2 executor, 3 category, 4 first reaction
// (given, or taken back).
func (w *rollWorld) changeFacts(inc *model.Incident, r *rand.Rand, what int) {
	switch what {
	case 0:
		inc.Status = model.Statuses[r.IntN(len(model.Statuses))]
	case 1:
		inc.TerritoryID = pickWith(r, w.ters, 10)
	case 2:
		inc.ExecutorID = pickWith(r, w.exs, 10)
	case 3:
		inc.CategoryID = pickWith(r, w.cats, 10)
	case 4:
		if inc.FirstReactionAt == nil {
			fr := inc.CreatedAt.Add(time.Duration(r.Int64N(int64(60 * time.Hour))))
			inc.FirstReactionAt = &fr
		} else {
			inc.FirstReactionAt = nil
		}
	}
}

// ingest stores n incidents created over the days before now, with answers, returns and ratings.
func (w *rollWorld) ingest(t *testing.T, st *store.Store, n, days int) {
	t.Helper()
	ctx := context.Background()
	r := w.rng
	var items []store.IngestItem
	for range n {
		w.seq++
		created := w.now.Add(-time.Duration(r.Int64N(int64(days) * int64(24*time.Hour))))
		if r.IntN(10) == 0 { // whole minutes, so that some reaction times tie
			created = created.Truncate(time.Hour)
		}
		status := model.Statuses[r.IntN(len(model.Statuses))]
		inc := &model.Incident{Number: "38-2026-", RegionID: w.region, Status: status, Priority: model.PriorityNormal,
			CategoryID: w.pick(w.cats, 8), TerritoryID: w.pick(w.ters, 6), ExecutorID: w.pick(w.exs, 15),
			Summary: "обращение", Source: "test", CreatedAt: created, UpdatedAt: created}
		if r.IntN(10) < 8 {
			d := created.Add(time.Duration(12+r.IntN(36)) * time.Hour)
			inc.ReactionDue = &d
		}
		if status.Open() && r.IntN(10) < 8 || r.IntN(10) == 0 {
			d := created.Add(time.Duration(1+r.IntN(20*24)) * time.Hour)
			inc.DueAt = &d
		}
		if status == model.StatusInterim || status == model.StatusResolved || r.IntN(5) == 0 {
			fr := created.Add(time.Duration(r.Int64N(int64(80 * time.Hour))))
			if r.IntN(8) == 0 {
				fr = created.Add(time.Duration(1+r.IntN(30)) * time.Hour) // whole hours: ties
			}
			inc.FirstReactionAt = &fr
		}
		items = append(items, store.IngestItem{
			Message:  model.Message{Source: "test", ExternalID: fmt.Sprintf("m%d", w.seq), Text: "обращение", PostedAt: created, ReceivedAt: created},
			Incident: inc,
		})
	}
	res, err := st.Ingest(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		for i, it := range items {
			id := res[i].IncidentID
			w.incidents = append(w.incidents, id)
			if r.IntN(10) < 4 {
				continue
			}
			for range 1 + r.IntN(3) {
				if err := w.answer(ctx, tx, id, it.Incident.ExecutorID, it.Incident.CreatedAt); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

var answerStates = []model.AnswerState{model.AnswerDraft, model.AnswerOnReview, model.AnswerReturned, model.AnswerApproved,
	model.AnswerPublished, model.AnswerPublished, model.AnswerPublishFailed}

// answer writes an answer to an incident, maybe returned by a moderator, maybe rated.
func (w *rollWorld) answer(ctx context.Context, tx *store.Tx, incident, executor int64, at time.Time) error {
	r := w.rng
	ex := executor
	if ex == 0 || r.IntN(5) == 0 {
		ex = w.pick(w.exs, 10)
	}
	a := model.Answer{IncidentID: incident, Kind: model.AnswerFinal, State: answerStates[r.IntN(len(answerStates))], Text: "ответ",
		ExecutorID: ex, CreatedAt: at, UpdatedAt: at}
	if r.IntN(10) < 8 {
		a.Grades = []byte(fmt.Sprintf(`{"plain":%d,"informative":%d}`, r.IntN(101), r.IntN(101)))
	} else if r.IntN(2) == 0 {
		a.Grades = []byte(fmt.Sprintf(`{"plain":%d}`, r.IntN(101)))
	}
	if r.IntN(4) != 0 {
		f := r.IntN(3) == 0
		a.Formal = &f
	}
	if a.State != model.AnswerDraft {
		a.SubmittedAt = &at
	}
	if a.State == model.AnswerPublished {
		a.PublishedAt = &at
	}
	id, err := tx.CreateAnswer(ctx, a)
	if err != nil {
		return err
	}
	w.answers = append(w.answers, id)
	if r.IntN(4) == 0 {
		for range 1 + r.IntN(2) { // a second return must not count twice
			if err := tx.AddEvent(ctx, model.Event{IncidentID: incident, AnswerID: id, Actor: "moder", Type: "answer.return", At: at}); err != nil {
				return err
			}
		}
	}
	if a.State == model.AnswerPublished && r.IntN(3) != 0 {
		w.seq++
		tok := fmt.Sprintf("rate-%d", w.seq)
		if err := tx.CreateRating(ctx, store.Rating{Token: tok, AnswerID: id, IncidentID: incident, CreatedAt: at}); err != nil {
			return err
		}
		w.tokens = append(w.tokens, tok)
		if r.IntN(4) != 0 {
			return w.rate(ctx, tx, tok, at)
		}
	}
	return nil
}

func (w *rollWorld) rate(ctx context.Context, tx *store.Tx, tok string, at time.Time) error {
	r := w.rng
	rt := store.Rating{Token: tok, Score: 1 + r.IntN(5), RatedAt: &at}
	if r.IntN(3) != 0 {
		s := r.IntN(2) == 0
		rt.Solved = &s
	}
	return tx.SaveRating(ctx, rt)
}

// churn changes folded incidents the way the workflow does: statuses, routing, reactions, deadlines, answers,
// returns and ratings, each in a transaction of its own, and an executor's connection.
func (w *rollWorld) churn(t *testing.T, st *store.Store, n int) {
	t.Helper()
	ctx := context.Background()
	r := w.rng
	for range n {
		id := w.incidents[r.IntN(len(w.incidents))]
		err := st.WithTx(ctx, func(tx *store.Tx) error {
			inc, err := tx.IncidentForUpdate(ctx, id)
			if err != nil {
				return err
			}
			switch k := r.IntN(9); k {
			case 0, 1, 2, 3, 4:
				w.changeFacts(&inc, r, k)
			case 5:
				d := w.now.Add(time.Duration(r.IntN(200)-100) * time.Hour)
				inc.DueAt, inc.ReactionDue = &d, &d
			case 6:
				return w.answer(ctx, tx, id, inc.ExecutorID, inc.CreatedAt.Add(time.Hour))
			case 7:
				if len(w.answers) > 0 {
					a, err := tx.AnswerForUpdate(ctx, w.answers[r.IntN(len(w.answers))])
					if err != nil {
						return err
					}
					a.State = answerStates[r.IntN(len(answerStates))]
					f := r.IntN(2) == 0
					a.Formal = &f
					a.Grades = []byte(fmt.Sprintf(`{"plain":%d,"informative":%d}`, r.IntN(101), r.IntN(101)))
					if r.IntN(2) == 0 {
						a.IncidentID = 0 // callers may not know it: the store finds it
					}
					if err := tx.UpdateAnswer(ctx, a); err != nil {
						return err
					}
					if r.IntN(2) == 0 {
						return tx.AddEvent(ctx, model.Event{AnswerID: a.ID, Actor: "moder", Type: "answer.return", At: w.now})
					}
				}
				return nil
			case 8:
				if len(w.tokens) > 0 {
					return w.rate(ctx, tx, w.tokens[r.IntN(len(w.tokens))], w.now)
				}
				return nil
			}
			return tx.UpdateIncident(ctx, inc)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	// An executor connects and another disconnects.
	for i, connected := range map[int]bool{1: true, 2: false} {
		if _, err := st.PutExecutor(ctx, model.Executor{Code: w.exCodes[i], Name: "Исполнитель " + w.exCodes[i], Kind: "uk", Connected: connected}); err != nil {
			t.Fatal(err)
		}
	}
}

// compare checks that every figure read through the rollup equals the direct count, for every period the
// dashboard offers (and a few more), with and without a territory, and the public statistics likewise.
// rollPeriod is a period the rollup tests read.
type rollPeriod struct {
	name     string
	from, to time.Time
}

// day is midnight of a day in the region's zone.
func (w *rollWorld) day(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, w.loc)
}

// periods are the periods the rollup tests read: whole days of the region, short to long, one off the 8- and
// 64-day blocks, and one with nothing in it.
func (w *rollWorld) periods() []rollPeriod {
	day := w.day
	return []rollPeriod{
		{"week", day(2026, 11, 16), day(2026, 11, 21)},
		{"month", day(2026, 11, 1), day(2026, 11, 21)},
		{"quarter", day(2026, 10, 1), day(2026, 11, 21)},
		{"year", day(2026, 1, 1), day(2026, 11, 21)},
		{"odd days", day(2026, 7, 3), day(2026, 9, 29)},
		{"one day", day(2026, 11, 19), day(2026, 11, 20)},
		{"future", day(2027, 1, 1), day(2027, 2, 1)},
	}
}

func (w *rollWorld) compare(t *testing.T, st *store.Store, label string) {
	t.Helper()
	ctx := context.Background()
	day := w.day
	for _, p := range w.periods() {
		for _, terr := range []int64{0, w.ters[0], w.ters[3]} {
			for _, now := range []time.Time{w.now, w.now.Add(-20 * 24 * time.Hour), w.now.Add(15 * 24 * time.Hour)} {
				f := store.DashboardFilter{From: p.from, To: p.to, TerritoryID: terr, Now: now, Location: w.loc}
				if ok, err := st.RollupServes(ctx, f); err != nil || !ok {
					t.Fatalf("%s: %s: the rollup does not serve the region's days (%v)", label, p.name, err)
				}
				got, err := st.Dashboard(ctx, f, 10)
				if err != nil {
					t.Fatalf("%s %s: %v", label, p.name, err)
				}
				want, err := st.DashboardFromIncidents(ctx, f, 10)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s, territory %d, now %s: the rollup's dashboard differs from the direct count\n%s", label, p.name, terr,
						now.Format(time.DateTime), dashDiff(got, want))
				}
			}
		}
	}
	for _, f := range []store.StatsFilter{
		{}, {TerritoryID: w.ters[1]}, {ExecutorID: w.exs[2]}, {TerritoryID: w.ters[2], ExecutorID: w.exs[0]},
		{From: day(2026, 11, 14)}, {From: day(2026, 10, 22)}, {From: day(2026, 8, 23), TerritoryID: w.ters[4]},
		{From: day(2026, 9, 1), To: day(2026, 10, 1)}, {To: day(2026, 9, 1)},
	} {
		for _, now := range []time.Time{w.now, w.now.Add(-30 * 24 * time.Hour)} {
			f.Now = now
			got, err := st.Stats(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := st.StatsFromIncidents(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: stats %+v: rollup\n %+v\nwant\n %+v", label, f, statsText(got), statsText(want))
			}
		}
	}
}

func statsText(s store.Stats) string {
	m := "-"
	if s.MedianFirstReactionSecs != nil {
		m = fmt.Sprint(*s.MedianFirstReactionSecs)
	}
	return fmt.Sprintf("%v total %d overdue %d answered %d median %s", s.ByStatus, s.Total, s.Overdue, s.Answered, m)
}

// checkDashboard checks whether the rollup serves f (served) and that the dashboard equals the direct count.
func checkDashboard(t *testing.T, st *store.Store, f store.DashboardFilter, label string, served bool) {
	t.Helper()
	ctx := context.Background()
	if ok, err := st.RollupServes(ctx, f); err != nil || ok != served {
		t.Fatalf("%s: the rollup serves the page: %v (%v), want %v", label, ok, err, served)
	}
	got, err := st.Dashboard(ctx, f, 10)
	if err != nil {
		t.Fatal(err)
	}
	want, err := st.DashboardFromIncidents(ctx, f, 10)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: the dashboard differs from the direct count\n%s", label, dashDiff(got, want))
	}
}

// dashDiff names the first parts of two dashboards that differ.
func dashDiff(got, want store.Dashboard) string {
	out := ""
	if !reflect.DeepEqual(got.Summary, want.Summary) {
		out += fmt.Sprintf("summary\n got %s\nwant %s\n", figText(got.Summary), figText(want.Summary))
	}
	if !reflect.DeepEqual(got.Days, want.Days) {
		out += fmt.Sprintf("days\n got %v\nwant %v\n", got.Days, want.Days)
	}
	for _, b := range []struct {
		name      string
		got, want []store.BreakdownRow
	}{{"topics", got.ByTopic, want.ByTopic}, {"territories", got.ByTerritory, want.ByTerritory}, {"executors", got.ByExecutor, want.ByExecutor}} {
		if len(b.got) != len(b.want) {
			out += fmt.Sprintf("%s: %d rows, want %d\n", b.name, len(b.got), len(b.want))
			continue
		}
		for i := range b.got {
			if !reflect.DeepEqual(b.got[i], b.want[i]) {
				out += fmt.Sprintf("%s row %d (%s)\n got %s\nwant %s\n", b.name, i, b.want[i].Name, figText(b.got[i].Figures), figText(b.want[i].Figures))
			}
		}
	}
	if !reflect.DeepEqual(got.Growing, want.Growing) {
		out += fmt.Sprintf("growing problems\n got %+v\nwant %+v\n", got.Growing, want.Growing)
	}
	return out
}

func figText(f store.Figures) string {
	p := func(v *float64) string {
		if v == nil {
			return "-"
		}
		return fmt.Sprintf("%.6f", *v)
	}
	g := f
	g.MedianReactionSecs, g.MeanPlain, g.MeanInformative, g.MeanScore = nil, nil, nil, nil
	return fmt.Sprintf("%+v median %s plain %s inf %s score %s", g, p(f.MedianReactionSecs), p(f.MeanPlain), p(f.MeanInformative), p(f.MeanScore))
}

// TestRollupEqualsDirectCount generates a region, and checks the figures read through the dashboard rollup
// against the same figures counted from the incidents: with everything pending, after the first fold, after the
// workflow has changed folded incidents (and an executor's connection), with new incidents pending on top,
// and that the rollup kept up write by write equals one rebuilt from scratch.
func TestRollupEqualsDirectCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := rollSeed(t, st)
		w.compare(t, st, "all pending") // fewer than the fold threshold: the reader counts them itself
		if p, err := st.PendingIncidents(ctx); err != nil || p != len(w.incidents) {
			t.Fatalf("pending incidents: %d of %d, %v", p, len(w.incidents), err)
		}

		w.ingest(t, st, 800, 150)
		w.compare(t, st, "folded") // more than the threshold: the first reader folds them
		if p, err := st.PendingIncidents(ctx); err != nil || p != 0 {
			t.Fatalf("pending incidents after a read: %d, %v", p, err)
		}

		w.churn(t, st, 400)
		w.ingest(t, st, 60, 40) // pending, below the fold threshold
		if p, err := st.PendingIncidents(ctx); err != nil || p == 0 {
			t.Fatalf("pending incidents: %d, %v", p, err)
		}
		w.compare(t, st, "changed, some pending")

		if _, err := st.FoldDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		w.compare(t, st, "changed, folded")
		rebuilt := keptEqualsRebuilt(t, st)
		w.compare(t, st, "rebuilt")

		// Migration 14 fills the trailing weeks of a database folded before them from the days: as a fold does.
		if err := st.RefillTrailingWeeks(ctx); err != nil {
			t.Fatal(err)
		}
		refilled, err := st.RollupRows(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(refilled, rebuilt) {
			t.Errorf("the trailing weeks filled by migration 14 differ from a fold's (%d rows, %d)", len(refilled), len(rebuilt))
		}
	})
}

// TestRollupOtherZone: a period in another time zone than the rollup's is counted from the incidents, and
// still right.
func TestRollupOtherZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := rollSeed(t, st)
		if _, err := st.FoldDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		for _, loc := range []*time.Location{time.UTC, w.loc} {
			f := store.DashboardFilter{From: time.Date(2026, 10, 1, 9, 0, 0, 0, loc), To: time.Date(2026, 11, 3, 0, 0, 0, 0, loc), Now: w.now, Location: loc}
			checkDashboard(t, st, f, loc.String(), false)
			s, err := st.Stats(ctx, store.StatsFilter{From: f.From, Now: w.now})
			if err != nil {
				t.Fatal(err)
			}
			s2, err := st.StatsFromIncidents(ctx, store.StatsFilter{From: f.From, Now: w.now})
			if err != nil || !reflect.DeepEqual(s, s2) {
				t.Errorf("%s: stats %s, want %s (%v)", loc, statsText(s), statsText(s2), err)
			}
		}
	})
}

// TestRollupBacklog: with more incidents pending than a reader folds (a bulk import the server's folder has not
// caught up with), a page counts from the incidents, right, and leaves the fold to FoldDashboard.
func TestRollupBacklog(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		st.SetReaderFoldLimit(300)
		w := rollSeed(t, st)
		w.ingest(t, st, 800, 150)
		pending, err := st.PendingIncidents(ctx)
		if err != nil || pending <= 300 {
			t.Fatalf("pending incidents: %d, %v", pending, err)
		}
		f := store.DashboardFilter{From: time.Date(2026, 10, 1, 0, 0, 0, 0, w.loc), To: time.Date(2026, 11, 21, 0, 0, 0, 0, w.loc),
			Now: w.now, Location: w.loc}
		checkDashboard(t, st, f, "backlog", false)
		if p, err := st.PendingIncidents(ctx); err != nil || p != pending {
			t.Fatalf("a reader folded the backlog: %d pending of %d, %v", p, pending, err)
		}
		n, err := st.FoldDashboard(ctx)
		if err != nil || n != pending {
			t.Fatalf("folded %d of %d, %v", n, pending, err)
		}
		checkDashboard(t, st, f, "folded", true)
	})
}

// TestRollupUnderConcurrentWrites folds while writers change incidents (pending ones becoming folded under
// them) and new incidents arrive: afterwards the rollup kept write by write equals one rebuilt from scratch.
// On PostgreSQL this exercises the folder's SKIP LOCKED claim against rollupAround's lock.
func TestRollupUnderConcurrentWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := rollSeed(t, st)
		if _, err := st.FoldDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		w.ingest(t, st, 600, 60) // pending when the writers start
		ids := append([]int64(nil), w.incidents...)

		var wg sync.WaitGroup
		errs := make(chan error, 4)
		done := make(chan struct{})
		wg.Add(1)
		go func() { // the server's folder
			defer wg.Done()
			for {
				if _, err := st.FoldDashboard(ctx); err != nil {
					errs <- fmt.Errorf("fold: %w", err)
					return
				}
				select {
				case <-done:
					return
				default:
				}
			}
		}()
		var writers sync.WaitGroup
		for g := range 2 {
			writers.Add(1)
			go func() {
				defer writers.Done()
				r := rand.New(rand.NewPCG(uint64(g), 77))
				for range 250 {
					id := ids[r.IntN(len(ids))]
					err := st.WithTx(ctx, func(tx *store.Tx) error {
						inc, err := tx.IncidentForUpdate(ctx, id)
						if err != nil {
							return err
						}
						w.changeFacts(&inc, r, r.IntN(5))
						return tx.UpdateIncident(ctx, inc)
					})
					if err != nil {
						errs <- fmt.Errorf("write incident %d: %w", id, err)
						return
					}
				}
			}()
		}
		writers.Add(1)
		go func() { // new incidents keep arriving
			defer writers.Done()
			r := rand.New(rand.NewPCG(5, 55))
			for b := range 30 {
				var items []store.IngestItem
				for j := range 10 {
					at := w.now.Add(-time.Duration(r.Int64N(int64(20 * 24 * time.Hour))))
					items = append(items, store.IngestItem{
						Message: model.Message{Source: "test", ExternalID: fmt.Sprintf("conc-%d-%d", b, j), Text: "обращение", PostedAt: at, ReceivedAt: at},
						Incident: &model.Incident{Number: "38-2026-", RegionID: w.region, Status: model.StatusNew, Priority: model.PriorityNormal,
							CategoryID: w.cats[r.IntN(len(w.cats))], TerritoryID: w.ters[r.IntN(len(w.ters))], Summary: "обращение", Source: "test",
							CreatedAt: at, UpdatedAt: at},
					})
				}
				if _, err := st.Ingest(ctx, items); err != nil {
					errs <- fmt.Errorf("ingest: %w", err)
					return
				}
			}
		}()
		writers.Wait()
		close(done)
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}

		if _, err := st.FoldDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		if p, err := st.PendingIncidents(ctx); err != nil || p != 0 {
			t.Fatalf("pending after the last fold: %d, %v", p, err)
		}
		keptEqualsRebuilt(t, st)
	})
}

// keptEqualsRebuilt checks that the rollup as kept write by write equals the one RebuildDashboard folds from
// scratch, and returns the rebuilt rows.
func keptEqualsRebuilt(t *testing.T, st *store.Store) map[string]store.RollupRow {
	t.Helper()
	ctx := context.Background()
	kept, err := st.RollupRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.RebuildDashboard(ctx); err != nil {
		t.Fatal(err)
	}
	rebuilt, err := st.RollupRows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bad := 0
	for k, v := range rebuilt {
		if kept[k] != v {
			if bad++; bad <= 5 {
				t.Errorf("rollup row %s: kept %v, rebuilt %v", k, kept[k], v)
			}
		}
	}
	for k := range kept {
		if _, ok := rebuilt[k]; !ok {
			if bad++; bad <= 5 {
				t.Errorf("rollup row %s kept, not in the rebuilt one", k)
			}
		}
	}
	return rebuilt
}
