package store_test

import (
	"context"
	"fmt"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// dashWorld is a small region whose every dashboard figure is known by hand.
type dashWorld struct {
	region, terA, terB       int64
	heating, potholes        int64
	exA, exB                 int64
	irkutsk                  *time.Location
	now, from, to            time.Time
	inc                      map[string]int64
	ansResolved, ansInterim  int64
	ansReview                int64
	moderator                int64
	seq                      int
	topicZhkh, topicRoads    int64
	oktmoA, oktmoB           string
	exACode, exBCode         string
	exAName, exBName         string
	terAName, terBName       string
	heatingCode, potholeCode string
}

func dashSeed(t *testing.T, st *store.Store) *dashWorld {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Irkutsk")
	if err != nil {
		t.Skipf("time zone data absent: %v", err)
	}
	w := &dashWorld{irkutsk: loc, inc: map[string]int64{}}
	dashMust := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	w.oktmoA, w.oktmoB = "25701000", "25703000"
	w.terAName, w.terBName = "Иркутск", "Ангарский округ"
	w.exACode, w.exBCode, w.exAName, w.exBName = "uk-a", "adm-b", "УК А", "Администрация Б"
	w.heatingCode, w.potholeCode = "zhkh.heating", "roads.potholes"
	w.region = dashMust(st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"}))
	w.terA = dashMust(st.PutTerritory(ctx, model.Territory{RegionID: w.region, OKTMO: w.oktmoA, Name: "город Иркутск", ShortName: w.terAName, Kind: "urban_okrug"}))
	w.terB = dashMust(st.PutTerritory(ctx, model.Territory{RegionID: w.region, OKTMO: w.oktmoB, Name: w.terBName, Kind: "urban_okrug"}))
	cat := func(code, parent, name string) int64 {
		return dashMust(st.PutCategory(ctx, model.Category{Code: code, ParentCode: parent, Name: name, ReactionHours: 24,
			UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal}))
	}
	w.topicZhkh, w.topicRoads = cat("zhkh", "", "ЖКХ"), cat("roads", "", "Дороги")
	w.heating, w.potholes = cat(w.heatingCode, "zhkh", "Отопление"), cat(w.potholeCode, "roads", "Ямы")
	w.exA = dashMust(st.PutExecutor(ctx, model.Executor{Code: w.exACode, Name: w.exAName, Kind: "uk", Connected: true}))
	w.exB = dashMust(st.PutExecutor(ctx, model.Executor{Code: w.exBCode, Name: w.exBName, Kind: "omsu"}))
	w.moderator = dashMust(st.CreateUser(ctx, model.User{Login: "moder", Role: model.RoleModerator, CreatedAt: time.Now()}, ""))
	w.from = time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	w.to = time.Date(2026, 11, 21, 0, 0, 0, 0, loc)
	w.now = time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)
	local := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, loc) }
	hours := func(t time.Time, h int) *time.Time { v := t.Add(time.Duration(h) * time.Hour); return &v }

	// 1: answered in 2 hours, resolved. 2: answered after 30 hours (late), interim. 3: no reaction, reaction
	// deadline passed. 4: no reaction, deadline ahead. rejected: left out. 8, 9, 10: new, this week (growth).
	// early: before the period.
	type spec struct {
		name          string
		ter, cat, ex  int64
		status        model.Status
		created       time.Time
		reactAfter    int // hours; 0: none
		resolved      bool
		reactionDue   bool
		dueAfterHours int // the running deadline, hours after creation; 0: none
	}
	specs := []spec{
		{"1", w.terA, w.heating, w.exA, model.StatusResolved, local(2, 10), 2, true, true, 0},
		{"2", w.terA, w.heating, w.exA, model.StatusInterim, local(3, 10), 30, false, true, 24 * 20},
		{"3", w.terB, w.potholes, w.exB, model.StatusInWork, local(10, 1), 0, false, true, 24},
		{"4", w.terB, w.potholes, w.exB, model.StatusAssigned, time.Date(2026, 11, 19, 20, 0, 0, 0, time.UTC), 0, false, true, 24},
		{"rejected", w.terA, w.heating, w.exA, model.StatusRejected, local(4, 10), 0, false, false, 0},
		{"8", w.terA, w.heating, 0, model.StatusNew, local(15, 10), 0, false, false, 0},
		{"9", w.terA, w.heating, 0, model.StatusNew, local(16, 10), 0, false, false, 0},
		{"10", w.terB, w.potholes, 0, model.StatusNew, local(17, 10), 0, false, false, 0},
		{"early", w.terA, w.heating, w.exA, model.StatusResolved, time.Date(2026, 10, 25, 10, 0, 0, 0, loc), 1, true, true, 0},
	}
	var items []store.IngestItem
	for _, s := range specs {
		inc := &model.Incident{Number: "38-2026-", RegionID: w.region, Status: s.status, Priority: model.PriorityNormal,
			CategoryID: s.cat, TerritoryID: s.ter, ExecutorID: s.ex, Summary: "обращение " + s.name, Source: "test",
			CreatedAt: s.created, UpdatedAt: s.created}
		if s.reactionDue {
			inc.ReactionDue = hours(s.created, 24)
		}
		if s.reactAfter > 0 {
			inc.FirstReactionAt = hours(s.created, s.reactAfter)
		}
		if s.resolved {
			inc.ResolvedAt = inc.FirstReactionAt
		}
		if s.dueAfterHours > 0 {
			inc.DueAt = hours(s.created, s.dueAfterHours)
		}
		items = append(items, store.IngestItem{
			Message:  model.Message{Source: "test", ExternalID: "dash-" + s.name, Text: "обращение " + s.name, PostedAt: s.created, ReceivedAt: s.created},
			Incident: inc,
		})
	}
	res, err := st.Ingest(ctx, items)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range specs {
		w.inc[s.name] = res[i].IncidentID
	}

	grades := func(p, i int) []byte { return []byte(fmt.Sprintf(`{"plain":%d,"informative":%d}`, p, i)) }
	yes, no := true, false
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		add := func(inc int64, ex int64, kind model.AnswerKind, state model.AnswerState, g []byte, formal *bool, at time.Time) (int64, error) {
			a := model.Answer{IncidentID: inc, Kind: kind, State: state, Text: "ответ", ExecutorID: ex, Grades: g, Formal: formal,
				CreatedAt: at, UpdatedAt: at, SubmittedAt: &at}
			if state == model.AnswerPublished {
				a.PublishedAt = &at
			}
			return tx.CreateAnswer(ctx, a)
		}
		var err error
		if w.ansResolved, err = add(w.inc["1"], w.exA, model.AnswerFinal, model.AnswerPublished, grades(80, 60), &no, local(2, 12)); err != nil {
			return err
		}
		if w.ansInterim, err = add(w.inc["2"], w.exA, model.AnswerInterim, model.AnswerPublished, grades(40, 20), &yes, local(4, 16)); err != nil {
			return err
		}
		if w.ansReview, err = add(w.inc["3"], w.exB, model.AnswerFinal, model.AnswerOnReview, grades(30, 10), &yes, local(11, 9)); err != nil {
			return err
		}
		// The early incident's answer is outside the period: it must not count.
		if _, err = add(w.inc["early"], w.exA, model.AnswerFinal, model.AnswerPublished, grades(0, 0), &yes, local(1, 0).AddDate(0, 0, -6)); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, model.Event{IncidentID: w.inc["2"], AnswerID: w.ansInterim, ActorID: w.moderator, Actor: "moder",
			Type: "answer.return", From: "on_review", To: "returned", At: local(4, 14)}); err != nil {
			return err
		}
		rate := func(token string, ans, inc int64, score int, solved *bool) error {
			if err := tx.CreateRating(ctx, store.Rating{Token: token, AnswerID: ans, IncidentID: inc, CreatedAt: local(5, 0)}); err != nil {
				return err
			}
			if score == 0 {
				return nil
			}
			at := local(6, 0)
			return tx.SaveRating(ctx, store.Rating{Token: token, Score: score, Solved: solved, RatedAt: &at})
		}
		if err := rate("t1", w.ansResolved, w.inc["1"], 5, &yes); err != nil {
			return err
		}
		if err := rate("t2", w.ansInterim, w.inc["2"], 2, &no); err != nil {
			return err
		}
		return rate("t3", w.ansInterim, w.inc["2"], 0, nil) // a link never used
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

func ptrEq(got *float64, want float64) bool { return got != nil && math.Abs(*got-want) < 1e-9 }

// TestDashboard checks every figure against a region counted by hand, read with the incidents pending (counted
// by the reader itself) and once folded into the dashboard rollup.
func TestDashboard(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		for _, fold := range []bool{false, true} {
			name := be.Name + "/pending"
			if fold {
				name = be.Name + "/folded"
			}
			t.Run(name, func(t *testing.T) { testDashboard(t, be.Open(t), fold) })
		}
	}
}

func testDashboard(t *testing.T, st *store.Store, fold bool) {
	ctx := context.Background()
	w := dashSeed(t, st)
	if fold {
		if n, err := st.FoldDashboard(ctx); err != nil || n != len(w.inc) {
			t.Fatalf("folded %d of %d: %v", n, len(w.inc), err)
		}
	}
	f := store.DashboardFilter{From: w.from, To: w.to, Now: w.now, Location: w.irkutsk}

	t.Run("summary", func(t *testing.T) {
		s, err := st.DashboardSummary(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		want := store.Figures{Received: 7, Answered: 2, AnsweredOnTime: 1, AwaitingOverdue: 1, InWork: 6, Overdue: 1,
			Resolved: 1, ConnectedAnswered: 2, Graded: 2, Submitted: 3, Formal: 2, FormalReturned: 1, Rated: 2, SolvedSaid: 2, Solved: 1}
		got := s
		got.MedianReactionSecs, got.MeanPlain, got.MeanInformative, got.MeanScore = nil, nil, nil, nil
		if got != want {
			t.Errorf("counts\n got %+v\nwant %+v", got, want)
		}
		if !ptrEq(s.MedianReactionSecs, 16*3600) {
			t.Errorf("median reaction %v, want 16 h", deref(s.MedianReactionSecs))
		}
		if !ptrEq(s.MeanPlain, 60) || !ptrEq(s.MeanInformative, 40) || !ptrEq(s.MeanGrade(), 50) {
			t.Errorf("grades %v %v, want 60 40", deref(s.MeanPlain), deref(s.MeanInformative))
		}
		if !ptrEq(s.MeanScore, 3.5) || !ptrEq(s.SolvedShare(), 0.5) {
			t.Errorf("satisfaction %v %v, want 3.5 0.5", deref(s.MeanScore), deref(s.SolvedShare()))
		}
		if !ptrEq(s.OnTimeShare(), 1.0/3) || !ptrEq(s.FormalReturnedShare(), 0.5) || !ptrEq(s.ConnectedShare(), 1) {
			t.Errorf("shares %v %v %v", deref(s.OnTimeShare()), deref(s.FormalReturnedShare()), deref(s.ConnectedShare()))
		}
	})

	t.Run("odd median", func(t *testing.T) {
		fo := f
		fo.From = w.from.AddDate(0, -1, 0) // takes in the early incident, answered in an hour: 1 h, 2 h, 30 h
		s, err := st.DashboardSummary(ctx, fo)
		if err != nil {
			t.Fatal(err)
		}
		if s.Received != 8 || !ptrEq(s.MedianReactionSecs, 2*3600) {
			t.Errorf("received %d, median %v; want 8, 2 h", s.Received, deref(s.MedianReactionSecs))
		}
	})

	t.Run("territory filter", func(t *testing.T) {
		fb := f
		fb.TerritoryID = w.terB
		s, err := st.DashboardSummary(ctx, fb)
		if err != nil {
			t.Fatal(err)
		}
		if s.Received != 3 || s.Answered != 0 || s.AwaitingOverdue != 1 || s.Formal != 1 || s.FormalReturned != 0 || s.MedianReactionSecs != nil || s.MeanPlain != nil || s.Rated != 0 {
			t.Errorf("territory B: %+v", s)
		}
	})

	t.Run("empty period", func(t *testing.T) {
		fe := f
		fe.From, fe.To = w.to.AddDate(1, 0, 0), w.to.AddDate(1, 1, 0)
		s, err := st.DashboardSummary(ctx, fe)
		if err != nil {
			t.Fatal(err)
		}
		if s != (store.Figures{}) || s.OnTimeShare() != nil || s.MeanGrade() != nil {
			t.Errorf("empty period: %+v", s)
		}
		rows, err := st.DashboardBreakdown(ctx, fe, store.ByExecutor)
		if err != nil || len(rows) != 0 {
			t.Errorf("empty breakdown: %v %v", rows, err)
		}
	})

	t.Run("bad period", func(t *testing.T) {
		if _, err := st.DashboardSummary(ctx, store.DashboardFilter{From: w.to, To: w.from}); err == nil {
			t.Error("a reversed period must be refused")
		}
		if _, err := st.DashboardBreakdown(ctx, f, "weekday"); err == nil {
			t.Error("an unknown grouping must be refused")
		}
	})

	t.Run("by executor", func(t *testing.T) {
		rows, err := st.DashboardBreakdown(ctx, f, store.ByExecutor)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 3 {
			t.Fatalf("rows %+v", rows)
		}
		// Largest first, ties by name.
		if rows[0].ID != 0 || rows[0].Received != 3 || rows[0].Name != "Исполнитель не назначен" {
			t.Errorf("row 0 %+v", rows[0])
		}
		b, a := rows[1], rows[2]
		if b.ID != w.exB || b.Code != w.exBCode || b.Name != w.exBName || b.Connected || b.Received != 2 || b.AwaitingOverdue != 1 ||
			b.Formal != 1 || b.FormalReturned != 0 || b.Submitted != 1 || b.MedianReactionSecs != nil {
			t.Errorf("executor B %+v", b)
		}
		if a.ID != w.exA || !a.Connected || a.Received != 2 || a.Answered != 2 || a.AnsweredOnTime != 1 || a.ConnectedAnswered != 2 ||
			!ptrEq(a.MedianReactionSecs, 16*3600) || !ptrEq(a.MeanPlain, 60) || a.Formal != 1 || a.FormalReturned != 1 ||
			!ptrEq(a.MeanScore, 3.5) || a.Solved != 1 {
			t.Errorf("executor A %+v", a)
		}
	})

	t.Run("by territory and topic", func(t *testing.T) {
		rows, err := st.DashboardBreakdown(ctx, f, store.ByTerritory)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].ID != w.terA || rows[0].Name != w.terAName || rows[0].Code != w.oktmoA || rows[0].Received != 4 ||
			rows[1].ID != w.terB || rows[1].Name != w.terBName || rows[1].Received != 3 || rows[1].Overdue != 1 {
			t.Errorf("territories %+v", rows)
		}
		rows, err = st.DashboardBreakdown(ctx, f, store.ByTopic)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Code != "zhkh" || rows[0].ID != w.topicZhkh || rows[0].Name != "ЖКХ" || rows[0].Received != 4 ||
			rows[1].Code != "roads" || rows[1].Name != "Дороги" || rows[1].Received != 3 {
			t.Errorf("topics %+v", rows)
		}
	})

	t.Run("days", func(t *testing.T) {
		days, err := st.DashboardDays(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 20 {
			t.Fatalf("%d days, want 20", len(days))
		}
		want := map[int][2]int{1: {1, 1}, 2: {1, 0}, 3: {0, 1}, 9: {1, 0}, 14: {1, 0}, 15: {1, 0}, 16: {1, 0}, 19: {1, 0}}
		for i, d := range days {
			if !d.Day.Equal(w.from.AddDate(0, 0, i)) {
				t.Errorf("day %d is %v", i, d.Day)
			}
			if got := [2]int{d.Received, d.Answered}; got != want[i] {
				t.Errorf("day %d (%s): received/answered %v, want %v", i, d.Day.Format("02.01"), got, want[i])
			}
		}
	})

	t.Run("growing", func(t *testing.T) {
		g, err := st.GrowingProblems(ctx, w.now, nil, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(g) != 2 || g[0].CategoryCode != w.heatingCode || g[0].TerritoryID != w.terA || g[0].ThisWeek != 2 || g[0].LastWeek != 0 ||
			g[0].TerritoryName != w.terAName || g[0].CategoryName != "Отопление" ||
			g[1].CategoryCode != w.potholeCode || g[1].ThisWeek != 2 || g[1].LastWeek != 1 || g[1].Growth() != 1 {
			t.Errorf("growing %+v", g)
		}
		g, err = st.GrowingProblems(ctx, w.now, nil, w.terB, 10)
		if err != nil || len(g) != 1 || g[0].TerritoryID != w.terB {
			t.Errorf("growing in B %+v %v", g, err)
		}
		g, err = st.GrowingProblems(ctx, w.now, nil, 0, 1)
		if err != nil || len(g) != 1 || g[0].CategoryCode != w.heatingCode {
			t.Errorf("growing limit 1 %+v %v", g, err)
		}
	})

	t.Run("whole dashboard", func(t *testing.T) {
		d, err := st.Dashboard(ctx, f, 5)
		if err != nil {
			t.Fatal(err)
		}
		if d.Summary.Received != 7 || len(d.Days) != 20 || len(d.ByTopic) != 2 || len(d.ByTerritory) != 2 || len(d.ByExecutor) != 3 || len(d.Growing) != 2 {
			t.Errorf("dashboard %+v", d)
		}
		// The one-pass fold must agree with the separate queries, figure for figure.
		sum, err := st.DashboardSummary(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(d.Summary, sum) {
			t.Errorf("folded summary\n %+v\nseparate\n %+v", d.Summary, sum)
		}
		for by, got := range map[store.BreakdownBy][]store.BreakdownRow{store.ByTopic: d.ByTopic, store.ByTerritory: d.ByTerritory, store.ByExecutor: d.ByExecutor} {
			want, err := st.DashboardBreakdown(ctx, f, by)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("folded %s\n %+v\nseparate\n %+v", by, got, want)
			}
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestRatingInput(t *testing.T) {
	secs, plain, inf, score := 5400.0, 70.0, 50.0, 4.0
	row := store.BreakdownRow{ID: 7, Code: "uk-a", Name: "УК А", Figures: store.Figures{Received: 12, Answered: 10, AnsweredOnTime: 8,
		AwaitingOverdue: 1, ConnectedAnswered: 10, MedianReactionSecs: &secs, MeanPlain: &plain, MeanInformative: &inf,
		Submitted: 11, Formal: 3, FormalReturned: 2, Rated: 5, MeanScore: &score}}
	in := store.RatingInputs([]store.BreakdownRow{row})[0]
	if in.ID != 7 || in.Code != "uk-a" || in.Name != "УК А" || in.Received != 12 || in.Answered != 10 || in.AnsweredOnTime != 8 ||
		in.AwaitingOverdue != 1 || in.ConnectedAnswered != 10 || in.MedianReaction == nil || *in.MedianReaction != 90*time.Minute ||
		in.MeanGrade == nil || *in.MeanGrade != 60 || in.Submitted != 11 || in.FormalReturned != 2 || in.Rated != 5 || *in.MeanScore != 4 {
		t.Errorf("converted %+v", in)
	}
	if in := (store.BreakdownRow{}).RatingInput(); in.MedianReaction != nil || in.MeanGrade != nil || in.MeanScore != nil {
		t.Errorf("empty row converted %+v", in)
	}
}

// TestDashboardStatements counts what Dashboard sends: DashboardQueries statements from the rollup, one more
// when the period is off the rollup's days and counted from the incidents; the same with more incidents.
func TestDashboardStatements(t *testing.T) {
	ctx := context.Background()
	st, counter, err := store.OpenCounting(ctx, t.TempDir()+"/count.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	w := dashSeed(t, st)
	if _, err := st.FoldDashboard(ctx); err != nil {
		t.Fatal(err)
	}
	count := func(f store.DashboardFilter) int64 {
		t.Helper()
		counter.Reset()
		if _, err := st.Dashboard(ctx, f, 10); err != nil {
			t.Fatal(err)
		}
		return counter.Count()
	}
	f := store.DashboardFilter{From: w.from, To: w.to, Now: w.now, Location: w.irkutsk}
	if n := count(f); n != store.DashboardQueries {
		t.Errorf("from the rollup: %d statements, want %d", n, store.DashboardQueries)
	}
	st.SetFineMedians(store.FineAlways)
	st.SetFineRead(-1)
	if n := count(f); n != store.DashboardQueries {
		t.Errorf("medians placed from the fine counts: %d statements, want %d", n, store.DashboardQueries)
	}
	st.SetFineRead(0)
	if n := count(f); n != store.DashboardQueries+1 {
		t.Errorf("medians placed from the fine counts, their bins read: %d statements, want %d", n, store.DashboardQueries+1)
	}
	st.SetFineMedians(store.FineAuto)
	f.TerritoryID = w.terA
	if n := count(f); n != store.DashboardQueries {
		t.Errorf("a territory from the rollup: %d statements, want %d", n, store.DashboardQueries)
	}
	f = store.DashboardFilter{From: w.from.Add(time.Hour), To: w.to, Now: w.now, Location: w.irkutsk}
	if n := count(f); n != store.DashboardQueries+1 {
		t.Errorf("off the rollup's days: %d statements, want %d", n, store.DashboardQueries+1)
	}
}

// TestGrowingProblemsTies checks the order of the growing problems when counts tie (the category's code, then
// the territory's OKTMO) and that a limit cutting through tied pairs keeps the first of them, from the rollup
// and from pending incidents, on every backend.
func TestGrowingProblemsTies(t *testing.T) {
	for _, be := range storetest.Backends(t) {
		for _, fold := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/fold=%v", be.Name, fold), func(t *testing.T) {
				ctx := context.Background()
				st := be.Open(t)
				must := func(id int64, err error) int64 {
					t.Helper()
					if err != nil {
						t.Fatal(err)
					}
					return id
				}
				region := must(st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"}))
				ter := map[string]int64{}
				for _, o := range []string{"25703000", "25701000", "25702000"} {
					ter[o] = must(st.PutTerritory(ctx, model.Territory{RegionID: region, OKTMO: o, Name: "Территория " + o, Kind: "urban_okrug"}))
				}
				cat := map[string]int64{}
				for _, c := range []string{"zhkh", "zhkh.water", "zhkh.heating"} {
					parent := "zhkh"
					if c == "zhkh" {
						parent = ""
					}
					cat[c] = must(st.PutCategory(ctx, model.Category{Code: c, ParentCode: parent, Name: "Категория " + c, ReactionHours: 24,
						UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal}))
				}
				now := time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC)
				var items []store.IngestItem
				add := func(c, o string, daysAgo int) {
					at := now.AddDate(0, 0, -daysAgo)
					n := fmt.Sprintf("tie-%d", len(items))
					items = append(items, store.IngestItem{
						Message: model.Message{Source: "test", ExternalID: n, Text: n, PostedAt: at, ReceivedAt: at},
						Incident: &model.Incident{Number: "38-2026-", RegionID: region, Status: model.StatusNew, Priority: model.PriorityNormal,
							CategoryID: cat[c], TerritoryID: ter[o], Summary: n, Source: "test", CreatedAt: at, UpdatedAt: at},
					})
				}
				// Water in 25702000 grows by two; every other pair by one (one this week), except heating in 25703000,
				// which had one last week too (no growth).
				add("zhkh.water", "25702000", 1)
				add("zhkh.water", "25702000", 2)
				for _, c := range []string{"zhkh.water", "zhkh.heating"} {
					for _, o := range []string{"25703000", "25701000"} {
						add(c, o, 3)
					}
				}
				add("zhkh.heating", "25702000", 0)
				add("zhkh.heating", "25703000", 9)
				if _, err := st.Ingest(ctx, items); err != nil {
					t.Fatal(err)
				}
				if fold {
					if _, err := st.FoldDashboard(ctx); err != nil {
						t.Fatal(err)
					}
				}
				loc, err := time.LoadLocation("Asia/Irkutsk")
				if err != nil {
					t.Skipf("time zone data absent: %v", err)
				}
				all := []string{"zhkh.water 25702000 +2", "zhkh.heating 25701000 +1", "zhkh.heating 25702000 +1",
					"zhkh.water 25701000 +1", "zhkh.water 25703000 +1"}
				for _, tc := range []struct {
					limit int
					want  []string
				}{{1, all[:1]}, {2, all[:2]}, {4, all[:4]}, {10, all}} {
					f := store.DashboardFilter{From: time.Date(2026, 11, 1, 0, 0, 0, 0, loc), To: time.Date(2026, 11, 21, 0, 0, 0, 0, loc), Location: loc, Now: now}
					d, err := st.Dashboard(ctx, f, tc.limit)
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, g := range d.Growing {
						if g.CategoryName != "Категория "+g.CategoryCode {
							t.Errorf("%+v: category name", g)
						}
						var oktmo string
						for o, id := range ter {
							if id == g.TerritoryID {
								oktmo = o
							}
						}
						if g.TerritoryName != "Территория "+oktmo {
							t.Errorf("%+v: territory name", g)
						}
						got = append(got, fmt.Sprintf("%s %s %+d", g.CategoryCode, oktmo, g.Growth()))
					}
					if !reflect.DeepEqual(got, tc.want) {
						t.Errorf("limit %d: %q, want %q", tc.limit, got, tc.want)
					}
				}
			})
		}
	}
}
