package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// benchIncidents is how many incidents the dashboard benchmarks generate: 100,000 by default (a year of a large
// region), OTKLIK_BENCH_INCIDENTS to change it.
func benchIncidents() int {
	if n, err := strconv.Atoi(os.Getenv("OTKLIK_BENCH_INCIDENTS")); err == nil && n > 0 {
		return n
	}
	return 100_000
}

// cpuTime is the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

type benchWorld struct {
	now       time.Time
	territory int64
	loc       *time.Location
}

// benchSeed fills st with n incidents spread over the year before now in 40 territories, 24 subtopics and 120
// executors, with a published answer for every answered one, some formal replies returned, and ratings.
func benchSeed(b *testing.B, st *store.Store, n int) benchWorld {
	b.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Asia/Irkutsk")
	if err != nil {
		b.Skipf("time zone data absent: %v", err)
	}
	must := func(id int64, err error) int64 {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
		return id
	}
	w := benchWorld{now: time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC), loc: loc}
	region := must(st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"}))
	var ters, cats, exs []int64
	for i := 0; i < 40; i++ {
		ters = append(ters, must(st.PutTerritory(ctx, model.Territory{RegionID: region, OKTMO: fmt.Sprintf("257%05d", i), Name: fmt.Sprintf("Территория %d", i), Kind: "municipal_district"})))
	}
	w.territory = ters[0]
	for t := 0; t < 6; t++ {
		topic := fmt.Sprintf("topic%d", t)
		must(st.PutCategory(ctx, model.Category{Code: topic, Name: "Тема " + topic, ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal}))
		for s := 0; s < 4; s++ {
			cats = append(cats, must(st.PutCategory(ctx, model.Category{Code: fmt.Sprintf("%s.s%d", topic, s), ParentCode: topic, Name: fmt.Sprintf("Подтема %d.%d", t, s),
				ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal})))
		}
	}
	for i := 0; i < 120; i++ {
		exs = append(exs, must(st.PutExecutor(ctx, model.Executor{Code: fmt.Sprintf("ex%d", i), Name: fmt.Sprintf("Исполнитель %d", i), Kind: "omsu", Connected: i%3 != 0})))
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const batch = 1000
	year := 365 * 24 * time.Hour
	for start := 0; start < n; start += batch {
		items := make([]store.IngestItem, 0, batch)
		type ans struct {
			i      int
			ex     int64
			at     time.Time
			kind   model.AnswerKind
			formal bool
		}
		var answers []ans
		for i := start; i < min(start+batch, n); i++ {
			// Incidents arrive in time order, as they do through ingest, a few minutes of jitter apart.
			created := w.now.Add(-year + time.Duration(int64(year)/int64(n)*int64(i)) + time.Duration(rng.Int64N(int64(10*time.Minute))))
			ex := exs[rng.IntN(len(exs))]
			due := created.Add(24 * time.Hour)
			inc := &model.Incident{Number: "38-2026-", RegionID: region, Priority: model.PriorityNormal, CategoryID: cats[rng.IntN(len(cats))],
				TerritoryID: ters[rng.IntN(len(ters))], ExecutorID: ex, Summary: "обращение", Source: "bench", CreatedAt: created, UpdatedAt: created,
				ReactionDue: &due}
			switch r := rng.IntN(100); {
			case r < 80: // answered: resolved or interim
				react := created.Add(time.Duration(rng.Int64N(int64(40 * time.Hour))))
				if react.After(w.now) {
					react = w.now
				}
				inc.FirstReactionAt = &react
				kind := model.AnswerFinal
				if r < 70 {
					inc.Status, inc.ResolvedAt = model.StatusResolved, &react
				} else {
					inc.Status, kind = model.StatusInterim, model.AnswerInterim
					rd := react.Add(7 * 24 * time.Hour)
					inc.ResolutionDue, inc.DueAt = &rd, &rd
				}
				answers = append(answers, ans{i: len(items), ex: ex, at: react, kind: kind, formal: rng.IntN(100) < 15})
			case r < 90:
				inc.Status, inc.DueAt = model.StatusInWork, &due
			case r < 95:
				inc.Status, inc.ExecutorID, inc.DueAt = model.StatusNew, 0, &due
			default:
				inc.Status, inc.ReactionDue = model.StatusRejected, nil
			}
			items = append(items, store.IngestItem{
				Message:  model.Message{Source: "bench", ExternalID: strconv.Itoa(i), Text: "обращение", PostedAt: created, ReceivedAt: created},
				Incident: inc,
			})
		}
		res, err := st.Ingest(ctx, items)
		if err != nil {
			b.Fatal(err)
		}
		err = st.WithTx(ctx, func(tx *store.Tx) error {
			for k, a := range answers {
				formal := a.formal
				g := []byte(fmt.Sprintf(`{"plain":%d,"informative":%d}`, 30+rng.IntN(70), 20+rng.IntN(80)))
				at := a.at
				id, err := tx.CreateAnswer(ctx, model.Answer{IncidentID: res[a.i].IncidentID, Kind: a.kind, State: model.AnswerPublished, Text: "ответ",
					ExecutorID: a.ex, Grades: g, Formal: &formal, CreatedAt: at, UpdatedAt: at, SubmittedAt: &at, PublishedAt: &at})
				if err != nil {
					return err
				}
				if formal && k%2 == 0 {
					if err := tx.AddEvent(ctx, model.Event{IncidentID: res[a.i].IncidentID, AnswerID: id, Actor: "moder", Type: "answer.return", At: at}); err != nil {
						return err
					}
				}
				if k%3 == 0 {
					tok := fmt.Sprintf("r%d-%d", start, k)
					if err := tx.CreateRating(ctx, store.Rating{Token: tok, AnswerID: id, IncidentID: res[a.i].IncidentID, CreatedAt: at}); err != nil {
						return err
					}
					solved := rng.IntN(2) == 0
					if err := tx.SaveRating(ctx, store.Rating{Token: tok, Score: 1 + rng.IntN(5), Solved: &solved, RatedAt: &at}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := st.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	if st.Dialect() == "postgres" {
		if _, err := st.DB().ExecContext(ctx, `VACUUM ANALYZE incidents, answers, ratings, events`); err != nil {
			b.Fatal(err)
		}
	}
	return w
}

// BenchmarkDashboard times every dashboard query, and the statistics, over a month, a quarter, a year and one
// territory's month and year, on benchIncidents() incidents folded into the dashboard rollup (go test
// ./internal/store -run '^$' -bench Dashboard -benchtime 20x).
func BenchmarkDashboard(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			open := be.Open
			if be.Name == "sqlite" {
				open = storetest.OpenSQLiteFile // a file, as deployed, rather than memory
			}
			st := open(b)
			n := benchIncidents()
			t0 := time.Now()
			w := benchSeed(b, st, n)
			b.Logf("%s: generated %d incidents in %v", be.Name, n, time.Since(t0).Round(time.Millisecond))
			ctx := context.Background()
			t0 = time.Now()
			folded, err := st.FoldDashboard(ctx)
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%s: folded %d incidents into the dashboard rollup in %v", be.Name, folded, time.Since(t0).Round(time.Millisecond))
			monthEnd := time.Date(2026, 11, 1, 0, 0, 0, 0, w.loc)
			yearStart := time.Date(2026, 1, 1, 0, 0, 0, 0, w.loc)
			periods := []struct {
				name string
				f    store.DashboardFilter
			}{
				{"month", store.DashboardFilter{From: monthEnd.AddDate(0, -1, 0), To: monthEnd, Now: w.now, Location: w.loc}},
				{"quarter", store.DashboardFilter{From: monthEnd.AddDate(0, -3, 0), To: monthEnd, Now: w.now, Location: w.loc}},
				{"year", store.DashboardFilter{From: yearStart, To: monthEnd, Now: w.now, Location: w.loc}},
				{"month-territory", store.DashboardFilter{From: monthEnd.AddDate(0, -1, 0), To: monthEnd, Now: w.now, Location: w.loc, TerritoryID: w.territory}},
				{"year-territory", store.DashboardFilter{From: yearStart, To: monthEnd, Now: w.now, Location: w.loc, TerritoryID: w.territory}},
			}
			for _, p := range periods {
				b.Run(p.name, func(b *testing.B) {
					for _, q := range []struct {
						name string
						fn   func() error
					}{
						{"summary", func() error { _, err := st.DashboardSummary(ctx, p.f); return err }},
						{"days", func() error { _, err := st.DashboardDays(ctx, p.f); return err }},
						{"by-topic", func() error { _, err := st.DashboardBreakdown(ctx, p.f, store.ByTopic); return err }},
						{"by-territory", func() error { _, err := st.DashboardBreakdown(ctx, p.f, store.ByTerritory); return err }},
						{"by-executor", func() error { _, err := st.DashboardBreakdown(ctx, p.f, store.ByExecutor); return err }},
						{"growing", func() error { _, err := st.GrowingProblems(ctx, w.now, nil, p.f.TerritoryID, 10); return err }},
						{"all", func() error { _, err := st.Dashboard(ctx, p.f, 10); return err }},
						{"stats", func() error {
							_, err := st.Stats(ctx, store.StatsFilter{From: p.f.From, TerritoryID: p.f.TerritoryID, Now: w.now})
							return err
						}},
					} {
						b.Run(q.name, func(b *testing.B) {
							cpu0 := cpuTime()
							for b.Loop() {
								if err := q.fn(); err != nil {
									b.Fatal(err)
								}
							}
							// CPU time of the process (this side of the connection; on PostgreSQL the server's is not in it)
							// is steadier than wall time on a shared machine.
							b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
						})
					}
				})
			}
		})
	}
}

// BenchmarkRoutingHistory measures the grouped query serve runs every hour to learn the routing history, over a
// year of benchIncidents() incidents, against the same counts grouped in SQL and a bare count of the year's incidents with an executor, in the
// same run.
func BenchmarkRoutingHistory(b *testing.B) {
	for _, be := range storetest.Backends(b) {
		b.Run(be.Name, func(b *testing.B) {
			open := be.Open
			if be.Name == "sqlite" {
				open = storetest.OpenSQLiteFile
			}
			st := open(b)
			w := benchSeed(b, st, benchIncidents())
			ctx := context.Background()
			since := w.now.Add(-365 * 24 * time.Hour)
			b.Run("history", func(b *testing.B) {
				cells := 0
				for b.Loop() {
					h, err := st.RoutingHistory(ctx, since)
					if err != nil {
						b.Fatal(err)
					}
					cells = len(h)
				}
				b.ReportMetric(float64(cells), "cells")
			})
			// The same counts grouped and named in SQL: what RoutingHistory did first.
			b.Run("grouped_in_sql", func(b *testing.B) {
				q := fmt.Sprintf(`SELECT COALESCE(t.oktmo, ''), COALESCE(c.code, ''), e.code, h.n
					FROM (SELECT territory_id, category_id, executor_id, COUNT(*) AS n FROM incidents
						WHERE created_at >= %d AND executor_id IS NOT NULL AND first_reaction_at IS NOT NULL
							AND status NOT IN ('rejected', 'merged')
						GROUP BY territory_id, category_id, executor_id) h
					JOIN executors e ON e.id = h.executor_id
					LEFT JOIN territories t ON t.id = h.territory_id
					LEFT JOIN categories c ON c.id = h.category_id`, since.UnixMilli())
				for b.Loop() {
					rows, err := st.DB().QueryContext(ctx, q)
					if err != nil {
						b.Fatal(err)
					}
					for rows.Next() {
						var r store.RoutedCount
						if err := rows.Scan(&r.Territory, &r.Category, &r.Executor, &r.N); err != nil {
							b.Fatal(err)
						}
					}
					if err := rows.Close(); err != nil {
						b.Fatal(err)
					}
				}
			})
			b.Run("count", func(b *testing.B) {
				for b.Loop() {
					var n int
					q := fmt.Sprintf("SELECT COUNT(*) FROM incidents WHERE created_at >= %d AND executor_id IS NOT NULL", since.UnixMilli())
					if err := st.DB().QueryRowContext(ctx, q).Scan(&n); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
