package api

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// benchBackends opens a SQLite file store and, when OTKLIK_TEST_POSTGRES is set, a PostgreSQL one.
func benchBackends(b *testing.B, fn func(b *testing.B, st *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, storetest.OpenSQLiteFile(b)) })
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			b.Skipf("set %s=postgres://… to run against PostgreSQL", storetest.EnvPostgres)
		}
		fn(b, storetest.OpenPostgres(b))
	})
}

// Words of the generated texts, written for these benchmarks.
var benchWords = strings.Fields(`отопление батарея холодно подъезд крыша течёт вода горячая холодная давление
	яма дорога асфальт тротуар остановка автобус маршрут опаздывает снег наледь двор уборка мусор контейнер
	площадка качели освещение фонарь темно школа детский сад поликлиника запись врач очередь собака стая
	шум ночью соседи лифт сломан неделю месяц жильцы просим помочь срочно улица дом квартира подвал
	затопило запах газ электричество отключили свет провода парк скамейка дерево упало`)

func benchText(r *rand.Rand) string {
	n := 5 + r.IntN(5)
	w := make([]string, n)
	for i := range w {
		w[i] = benchWords[r.IntN(len(benchWords))]
	}
	return strings.ToUpper(w[0][:2]) + strings.Join(w, " ")[2:]
}

// fillIncidents stores n generated incidents in batches of 1000 through store.Ingest: statuses, categories,
// territories, executors and creation times spread over the 60 days before now, deadlines from 1 to 30 days
// after creation for open incidents (so that a good share is overdue at now).
func fillIncidents(b *testing.B, e *env, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	refs, err := e.st.LoadRefs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	region := refs.Regions[0].ID
	r := rand.New(rand.NewPCG(1, 2))
	terr := []int64{e.ter[terIrkutsk], e.ter[terAngarsk], e.ter[terShelek]}
	cats := []int64{e.cat["zhkh.heating"], e.cat["zhkh.water"], e.cat["roads.potholes"], e.cat["zhkh"], e.cat["roads"]}
	execs := []int64{e.exec["uk-a"], e.exec["adm-b"], e.exec["min-roads"]}
	start := time.Now()
	const batch = 1000
	for done := 0; done < n; done += batch {
		items := make([]store.IngestItem, 0, batch)
		for i := done; i < done+batch && i < n; i++ {
			created := now.Add(-time.Duration(r.Int64N(int64(60 * 24 * time.Hour))))
			st := model.Statuses[r.IntN(len(model.Statuses))]
			text := benchText(r)
			inc := &model.Incident{Number: "38-2026-", RegionID: region, Status: st, Priority: model.PriorityNormal,
				CategoryID: cats[r.IntN(len(cats))], TerritoryID: terr[r.IntN(len(terr))], Summary: text, Source: "vk",
				CreatedAt: created, UpdatedAt: created}
			if st == model.StatusAssigned || st == model.StatusInWork || st == model.StatusInterim || st == model.StatusResolved {
				inc.ExecutorID = execs[r.IntN(len(execs))]
			}
			if st.Open() {
				due := created.Add(time.Duration(1+r.IntN(30)) * 24 * time.Hour)
				inc.ReactionDue, inc.DueAt = &due, &due
			}
			items = append(items, store.IngestItem{
				Message:  model.Message{Source: "vk", ExternalID: fmt.Sprintf("bench-%d", i), Text: text, PostedAt: created, ReceivedAt: created},
				Incident: inc,
				Events:   []model.Event{{Actor: "system", Type: "created", To: string(st), At: created}},
			})
		}
		if _, err := e.st.Ingest(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
	b.Logf("%s: generated %d incidents in %s", e.st.Dialect(), n, time.Since(start).Round(time.Millisecond))
}

// BenchmarkListIncidents lists incidents through the API handler (authentication, filter parsing, the query
// and JSON encoding of a 50-item page) at 100,000 incidents.
func BenchmarkListIncidents(b *testing.B) {
	const n = 100_000
	benchBackends(b, func(b *testing.B, st *store.Store) {
		e := newEnv(b, st)
		e.now = time.Date(2026, 11, 20, 12, 0, 0, 0, irkutsk)
		fillIncidents(b, e, n, e.now)
		cases := []struct{ name, query string }{
			{"newest", ""},
			{"status+territory", "status=in_work&territory=" + terAngarsk},
			{"status+category topic", "status=new,assigned&category=zhkh"},
			{"statuses", "status=new,assigned,in_work"},
			{"statuses oldest first", "status=new,assigned,in_work&sort=created_asc"},
			{"q words", "q=" + strings.ReplaceAll("батарея подъезд", " ", "+")},
			{"overdue", "overdue=true"},
			{"sort=due", "sort=due"},
			{"executor+overdue+sort=due", "executor=uk-a&overdue=true&sort=due"},
			{"date range", "from=2026-10-01&to=2026-10-07"},
		}
		run := func(b *testing.B, c struct{ name, query string }) {
			b.Run(c.name, func(b *testing.B) {
				req := httptest.NewRequest("GET", "/api/v1/incidents?"+c.query, nil)
				req.Header.Set("Authorization", "Bearer "+e.tok["operator"])
				items := 0
				b.ReportAllocs()
				b.ResetTimer()
				for b.Loop() {
					rec := httptest.NewRecorder()
					e.h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
					items = strings.Count(rec.Body.String(), `"number":`)
				}
				b.ReportMetric(float64(items), "items")
			})
		}
		// First as the store leaves the database after a bulk load, then after ANALYZE gave the planner
		// statistics (which SQLite never gathers by itself and PostgreSQL's autovacuum gathers later).
		for _, c := range cases {
			run(b, c)
		}
		if _, err := st.DB().ExecContext(context.Background(), "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		b.Run("analyzed", func(b *testing.B) {
			for _, c := range cases {
				run(b, c)
			}
		})
	})
}

// BenchmarkCreateIncidents stores batches of 100 new messages, each opening an incident with its deadlines,
// through workflow.Intake (and through POST /api/v1/messages, validation and JSON included).
func BenchmarkCreateIncidents(b *testing.B) {
	benchBackends(b, func(b *testing.B, st *store.Store) {
		e := newEnv(b, st)
		r := rand.New(rand.NewPCG(3, 4))
		seq := 0
		next := func() model.Message {
			seq++
			return model.Message{Source: "vk", ExternalID: fmt.Sprintf("c-%d", seq), Text: benchText(r),
				Category: "zhkh.heating", Territory: terIrkutsk, PostedAt: e.now, ReceivedAt: e.now}
		}
		b.Run("intake", func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				msgs := make([]model.Message, 100)
				for i := range msgs {
					msgs[i] = next()
				}
				if _, err := e.svc.Intake(ctx, msgs); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "incidents/s")
		})
		b.Run("api", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				msgs := make([]map[string]any, 100)
				for i := range msgs {
					m := next()
					msgs[i] = map[string]any{"source": m.Source, "external_id": m.ExternalID, "text": m.Text, "category": m.Category, "territory": m.Territory}
				}
				e.do(b, "POST", "/api/v1/messages", "operator", map[string]any{"messages": msgs}).want(b, http.StatusOK, nil)
			}
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "incidents/s")
		})
	})
}
