package web

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

// benchEnv is the demo region with n generated incidents in a SQLite file or a PostgreSQL database, for page
// benchmarks.
type benchEnv struct {
	st    *store.Store
	srv   *Server
	now   time.Time
	track string // a tracking path of a reception incident with a published answer
}

// Words of the generated texts, written for these benchmarks.
var benchWords = strings.Fields(`отопление батарея холодно подъезд крыша течёт вода горячая яма дорога асфальт
	тротуар остановка автобус снег наледь двор уборка мусор контейнер площадка освещение фонарь темно школа
	поликлиника запись врач очередь лифт сломан неделю жильцы просим помочь улица дом квартира подвал`)

// cpuTime is the user and system CPU time the process has used: steadier than wall time on a shared machine
// (page benchmarks report it per op as cpu-ns/op; on PostgreSQL the server's own is not in it).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchIncidents is how many incidents page benchmarks generate: 100,000 (the figure), or
// OTKLIK_BENCH_INCIDENTS (DESIGN's budgets are quoted at one and ten million).
func benchIncidents(b *testing.B) int {
	v := os.Getenv("OTKLIK_BENCH_INCIDENTS")
	if v == "" {
		return 100_000
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1000 {
		b.Fatalf("OTKLIK_BENCH_INCIDENTS=%q: want a whole number of at least 1000", v)
	}
	if n > benchBase && n%benchBase != 0 {
		b.Fatalf("OTKLIK_BENCH_INCIDENTS=%d: above %d, want a whole number of times %d", n, benchBase, benchBase)
	}
	return n
}

// benchBase is the most incidents a page benchmark stores through store.Ingest; a larger benchmark (a whole
// number of times benchBase) copies them into earlier periods (copyIntoEarlierPeriods): ten million through
// Ingest would take hours.
const benchBase = 1_000_000

// benchBackends are the databases page benchmarks run on: a SQLite file (as deployed) always, PostgreSQL when
// OTKLIK_TEST_POSTGRES names one.
func benchBackends(b *testing.B) []storetest.Backend {
	out := []storetest.Backend{{Name: "sqlite", Open: storetest.OpenSQLiteFile}}
	if os.Getenv(storetest.EnvPostgres) != "" {
		out = append(out, storetest.Backend{Name: "postgres", Open: storetest.OpenPostgres})
	}
	return out
}

// newBenchEnvOn seeds the demo reference data into a store of be and stores n incidents through
// store.Ingest in batches: statuses, categories, territories and executors drawn at random, creation times over
// the 60 days before now (about 1,700 a day: a dense region), first reactions for the answered ones. Above a
// million, the million is copied into earlier 60-day periods, closed (copyIntoEarlierPeriods).
//
// With OTKLIK_BENCH_CACHE naming a directory, a SQLite database generated once is kept there (VACUUM INTO, by
// size) and later runs start from a copy of it: generating a million incidents takes minutes. A size above a
// million with no file of its own starts from a copy of the cached million, when there is one. On PostgreSQL the
// generated database itself is kept, named otklik_bench_<n>, and later runs start from a clone of it (drop it
// to generate afresh).
func newBenchEnvOn(b testing.TB, n int, be storetest.Backend) *benchEnv {
	b.Helper()
	ctx := context.Background()
	now := time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)
	cache := &benchCache{n: n, be: be}
	st, cached := cache.open(b)
	if !cached {
		generateBenchIncidents(b, st, n, now, cache.fromBase)
	}
	// As serve does in the background: the pages read a folded rollup.
	start := time.Now()
	if folded, err := st.FoldDashboard(ctx); err != nil {
		b.Fatal(err)
	} else if folded > 0 {
		b.Logf("folded %d incidents into the dashboard rollup in %s", folded, time.Since(start).Round(time.Millisecond))
	}
	if !cached || cache.migrated {
		st = cache.save(b, st)
	}
	// As serve does at start: fresh planner statistics (a migration may have just filled a table).
	if err := st.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	svc := workflow.New(st, workflow.WithClock(func() time.Time { return now }), workflow.WithLogger(quiet))
	e := &benchEnv{st: st, now: now}
	e.srv = newServer(svc, nil, Options{Logger: quiet, Now: func() time.Time { return now }, UploadDir: b.TempDir()}, allPages())

	// One reception incident with a published final answer, for the tracking page.
	res, err := st.Ingest(ctx, []store.IngestItem{{
		Message: model.Message{Source: ReceptionSource, ExternalID: "bench-reception", Text: "Во дворе не горят фонари", PostedAt: now, ReceivedAt: now},
		Incident: &model.Incident{Number: "38-2026-", RegionID: refs.Regions[0].ID, Status: model.StatusResolved, Priority: model.PriorityNormal,
			Summary: "Во дворе не горят фонари", Source: ReceptionSource, CreatedAt: now, UpdatedAt: now},
	}})
	if err != nil {
		b.Fatal(err)
	}
	err = st.WithTx(ctx, func(tx *store.Tx) error {
		id, err := tx.CreateAnswer(ctx, model.Answer{IncidentID: res[0].IncidentID, Kind: model.AnswerFinal, State: model.AnswerPublished,
			Text: "Фонари отремонтированы 25 ноября.", CreatedAt: now, UpdatedAt: now, PublishedAt: &now})
		if err != nil {
			return err
		}
		return tx.CreateRating(ctx, store.Rating{Token: "bench-rate", AnswerID: id, IncidentID: res[0].IncidentID, CreatedAt: now})
	})
	if err != nil {
		b.Fatal(err)
	}
	token := randomToken(24)
	if err := st.CreateReceptionLink(ctx, store.ReceptionLink{TokenHash: auth.HashToken(token), MessageID: res[0].MessageID, Number: res[0].Number, CreatedAt: now}); err != nil {
		b.Fatal(err)
	}
	e.track = trackPath(token)
	return e
}

// session starts a session for the user with login, as the login form does, and returns its cookies.
func (e *benchEnv) session(b *testing.B, login string) []*http.Cookie {
	b.Helper()
	u, _, err := e.st.UserByLogin(context.Background(), login)
	if err != nil {
		b.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest("POST", "/login", nil)
	req = req.WithContext(context.WithValue(req.Context(), stateKey{}, &reqState{}))
	if err := e.srv.startSession(rec, req, u); err != nil {
		b.Fatal(err)
	}
	return rec.Result().Cookies()
}

// benchPage measures GET path through the whole handler (headers, session look-up, queries, template) as the
// sub-benchmark name, with cookies, after one request that warms the reference data (and whatever the page
// caches, such as the public statistics); each must answer 200.
func (e *benchEnv) benchPage(b *testing.B, name, path string, cookies []*http.Cookie) {
	b.Run(name, func(b *testing.B) {
		req := httptest.NewRequest("GET", path, nil)
		for _, c := range cookies {
			req.AddCookie(c)
		}
		e.srv.ServeHTTP(httptest.NewRecorder(), req)
		b.ReportAllocs()
		cpu0 := cpuTime()
		for b.Loop() {
			rec := httptest.NewRecorder()
			e.srv.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Fatalf("%s: %d", path, rec.Code)
			}
		}
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	})
}

// benchCachePath is where OTKLIK_BENCH_CACHE keeps the generated SQLite database of n incidents ("" when unset or
// not SQLite).
func benchCachePath(n int, be storetest.Backend) string {
	dir := os.Getenv("OTKLIK_BENCH_CACHE")
	if dir == "" || be.Name != "sqlite" {
		return ""
	}
	return filepath.Join(dir, fmt.Sprintf("otklik-bench-%d.db", n))
}

// benchTemplateDB is the PostgreSQL database OTKLIK_BENCH_CACHE keeps the generated incidents in, as a template
// later runs are cloned from ("" when unset or not PostgreSQL).
func benchTemplateDB(n int, be storetest.Backend) string {
	if os.Getenv("OTKLIK_BENCH_CACHE") == "" || be.Name != "postgres" {
		return ""
	}
	return fmt.Sprintf("otklik_bench_%d", n)
}

// benchCache is where a run of newBenchEnvOn generates or finds its database.
type benchCache struct {
	n  int
	be storetest.Backend
	pg storetest.PostgresDatabase // the database generated into, when it is to be kept as a PostgreSQL template
	// fromBase: above a million on SQLite, the store to generate into is a copy of the cached million, which
	// generation copies into earlier periods without ingesting the million again.
	fromBase bool
	// migrated: the cached database was at an older schema version; it is kept again once migrated and folded,
	// so that later runs do not repeat the migration.
	migrated bool
}

// open opens a copy of the cached database of n incidents if there is one (cached), else the store to generate
// into.
func (c *benchCache) open(b testing.TB) (st *store.Store, cached bool) {
	b.Helper()
	if tmpl := benchTemplateDB(c.n, c.be); tmpl != "" {
		if storetest.PostgresTemplateExists(b, tmpl) {
			b.Logf("started from a copy of database %s", tmpl)
			return storetest.OpenPostgresDatabase(b, storetest.NewPostgresDatabase(b, tmpl)), true
		}
		c.pg = storetest.NewPostgresDatabase(b, "")
		return storetest.OpenPostgresDatabase(b, c.pg), false
	}
	src := benchCachePath(c.n, c.be)
	if src == "" {
		return c.be.Open(b), false
	}
	if _, err := os.Stat(src); err != nil {
		base := benchCachePath(benchBase, c.be)
		if _, err := os.Stat(base); c.n <= benchBase || err != nil {
			return c.be.Open(b), false
		}
		c.fromBase = true
		st, _ := openCopy(b, base)
		return st, false
	}
	st, c.migrated = openCopy(b, src)
	return st, true
}

// openCopy opens and migrates a copy of the SQLite database at src; migrated reports whether it was at an older
// schema version.
func openCopy(b testing.TB, src string) (st *store.Store, migrated bool) {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "otklik.db")
	if err := copyFile(src, dst); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dst)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	v, err := st.Version(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("started from %s", src)
	return st, v < store.SchemaVersion
}

// save keeps the generated database for later runs and returns the store to go on with: SQLite keeps a
// consistent copy (VACUUM INTO); PostgreSQL keeps the database itself as the template and goes on with a clone.
func (c *benchCache) save(b testing.TB, st *store.Store) *store.Store {
	b.Helper()
	if tmpl := benchTemplateDB(c.n, c.be); tmpl != "" {
		st.Close()
		storetest.KeepPostgresDatabase(b, c.pg, tmpl)
		return storetest.OpenPostgresDatabase(b, storetest.NewPostgresDatabase(b, tmpl))
	}
	dst := benchCachePath(c.n, c.be)
	if dst == "" {
		return st
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		b.Fatal(err)
	}
	tmp := dst + ".tmp"
	_ = os.Remove(tmp)
	if _, err := st.DB().ExecContext(context.Background(), `VACUUM INTO ?`, tmp); err != nil {
		b.Fatalf("keep the generated database: %v", err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		b.Fatal(err)
	}
	return st
}

// copyFile copies src to dst.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(dst)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// generateBenchIncidents seeds the demo reference data and n generated incidents (see newBenchEnvOn).
func generateBenchIncidents(b testing.TB, st *store.Store, n int, now time.Time, fromBase bool) {
	b.Helper()
	ctx := context.Background()
	start := time.Now()
	base := min(n, benchBase)
	if !fromBase {
		ingestBenchIncidents(b, st, base, now)
	}
	if n > base {
		b.Logf("%d incidents ready after %s; copying them %d times", base, time.Since(start).Round(time.Millisecond), n/base-1)
		if err := copyIntoEarlierPeriods(ctx, st, n/base); err != nil {
			b.Fatal(err)
		}
	}
	if err := st.Optimize(ctx); err != nil {
		b.Fatal(err)
	}
	b.Logf("generated %d incidents in %s", n, time.Since(start).Round(time.Millisecond))
}

// ingestBenchIncidents seeds the demo reference data and stores n generated incidents through Ingest.
func ingestBenchIncidents(b testing.TB, st *store.Store, n int, now time.Time) {
	b.Helper()
	ctx := context.Background()
	if _, err := seed.Seed(ctx, st, seed.Options{Now: now, ReferenceOnly: true}); err != nil {
		b.Fatal(err)
	}
	refs, err := st.LoadRefs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	for done := 0; done < n; done += 1000 {
		items := make([]store.IngestItem, 0, 1000)
		for i := done; i < done+1000 && i < n; i++ {
			created := now.Add(-time.Duration(r.Int64N(int64(60 * 24 * time.Hour))))
			status := model.Statuses[r.IntN(len(model.Statuses))]
			w := make([]string, 6)
			for j := range w {
				w[j] = benchWords[r.IntN(len(benchWords))]
			}
			text := strings.Join(w, " ")
			cat := refs.Categories[r.IntN(len(refs.Categories))]
			ter := refs.Territories[r.IntN(len(refs.Territories))]
			inc := &model.Incident{Number: "38-2026-", RegionID: refs.Regions[0].ID, Status: status, Priority: model.PriorityNormal,
				CategoryID: cat.ID, TerritoryID: ter.ID, Summary: text, Source: "vk", CreatedAt: created, UpdatedAt: created}
			if status.Open() {
				due := created.Add(time.Duration(1+r.IntN(10)) * 24 * time.Hour)
				inc.ReactionDue, inc.DueAt = &due, &due
			}
			if status == model.StatusInterim || status == model.StatusResolved {
				fr := created.Add(time.Duration(1+r.IntN(48)) * time.Hour)
				inc.FirstReactionAt = &fr
			}
			items = append(items, store.IngestItem{
				Message:  model.Message{Source: "vk", ExternalID: fmt.Sprintf("bench-%d", i), Text: text, PostedAt: created, ReceivedAt: created},
				Incident: inc,
			})
		}
		if _, err := st.Ingest(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
}

// copyIntoEarlierPeriods makes copies-1 copies of the store's incidents with their messages, search terms and
// events, copy k moved k·60 days earlier: a region's longer history at the same density. Open incidents of a copy
// are closed as old incidents are: resolved a day after their first reaction (1–48 hours after creation when they
// had none), with no deadline left. The copies wait in dash_pending for the fold, as ingested incidents do.
func copyIntoEarlierPeriods(ctx context.Context, st *store.Store, copies int) error {
	db := st.DB()
	maxID := func(table string) (int64, error) {
		var v int64
		err := db.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&v)
		return v, err
	}
	columns := func(table string) ([]string, error) {
		q := `SELECT name FROM pragma_table_info(?)`
		if st.Dialect() == "postgres" {
			q = `SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1
				ORDER BY ordinal_position`
		}
		rows, err := db.QueryContext(ctx, q, table)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var c string
			if err := rows.Scan(&c); err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, rows.Err()
	}
	last := map[string]int64{}
	cols := map[string][]string{}
	for _, t := range []string{"incidents", "messages", "events"} {
		v, err := maxID(t)
		if err != nil {
			return fmt.Errorf("copy incidents: last id of %s: %w", t, err)
		}
		last[t] = v
		if cols[t], err = columns(t); err != nil {
			return fmt.Errorf("copy incidents: columns of %s: %w", t, err)
		}
	}
	const day = int64(24 * time.Hour / time.Millisecond)
	const open = `status IN ('new', 'assigned', 'in_work', 'interim')`
	// A closed copy without a first reaction gets one 1–48 hours after creation, spread as the generator spreads
	// them: one reaction time for millions would fill one histogram bucket of the dashboard's medians.
	closedReaction := fmt.Sprintf("created_at + (1 + id %% 48) * %d", day/24)
	for k := int64(1); k < int64(copies); k++ {
		off, shift := k*60*day, k*last["incidents"]
		expr := func(table, c string) string {
			switch {
			case c == "id":
				return fmt.Sprintf("id + %d", k*last[table])
			case c == "answer_id":
				return "NULL" // answers are not copied
			case c == "incident_id" || c == "merged_into":
				return fmt.Sprintf("%s + %d", c, shift)
			case table == "incidents" && c == "number", table == "messages" && c == "external_id":
				return fmt.Sprintf("%s || '-%d'", c, k)
			case table == "incidents" && c == "status":
				return "CASE WHEN " + open + " THEN 'resolved' ELSE status END"
			case table == "incidents" && c == "first_reaction_at":
				return fmt.Sprintf("CASE WHEN %s THEN COALESCE(first_reaction_at, %s) ELSE first_reaction_at END - %d", open, closedReaction, off)
			case table == "incidents" && c == "resolved_at":
				return fmt.Sprintf("CASE WHEN %s THEN COALESCE(first_reaction_at, %s) + %d ELSE resolved_at END - %d", open, closedReaction, day, off)
			case table == "incidents" && (c == "due_at" || c == "warn_at" || c == "breach_at"):
				return fmt.Sprintf("CASE WHEN %s THEN NULL ELSE %s - %d END", open, c, off)
			case strings.HasSuffix(c, "_at") || strings.HasSuffix(c, "_due") || c == "at":
				return fmt.Sprintf("%s - %d", c, off)
			}
			return c
		}
		copyRows := func(table string) string {
			var ex []string
			for _, c := range cols[table] {
				ex = append(ex, expr(table, c))
			}
			where := fmt.Sprintf("id <= %d", last[table])
			if table == "events" {
				where += " AND incident_id IS NOT NULL"
			}
			return fmt.Sprintf(`INSERT INTO %s (%s) SELECT %s FROM %s WHERE %s ORDER BY id`,
				table, strings.Join(cols[table], ", "), strings.Join(ex, ", "), table, where)
		}
		stmts := []string{
			copyRows("incidents"),
			fmt.Sprintf(`INSERT INTO incident_terms (term, incident_id) SELECT term, incident_id + %d FROM incident_terms WHERE incident_id <= %d`,
				shift, last["incidents"]),
			copyRows("messages"),
			copyRows("events"),
			fmt.Sprintf(`INSERT INTO dash_pending (incident_id, created_at) SELECT id, created_at FROM incidents WHERE id > %d AND id <= %d`,
				shift, shift+last["incidents"]),
		}
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("copy incidents: %w", err)
		}
		for _, q := range stmts {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				tx.Rollback()
				return fmt.Errorf("copy incidents, copy %d: %w", k, err)
			}
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("copy incidents, copy %d: %w", k, err)
		}
	}
	if st.Dialect() == "postgres" {
		for _, t := range []string{"incidents", "messages", "events"} {
			if _, err := db.ExecContext(ctx, fmt.Sprintf(`SELECT setval(pg_get_serial_sequence('%s', 'id'), (SELECT MAX(id) FROM %s))`, t, t)); err != nil {
				return fmt.Errorf("copy incidents: the identity of %s: %w", t, err)
			}
		}
	}
	return nil
}

// BenchmarkPublicPages renders each public page through the whole handler (headers, session look-up,
// queries, template) at benchIncidents (100,000 by default) incidents, on every backend of benchBackends.
func BenchmarkPublicPages(b *testing.B) {
	for _, be := range benchBackends(b) {
		b.Run(be.Name, func(b *testing.B) { benchPublicPages(b, newBenchEnvOn(b, benchIncidents(b), be)) })
	}
}

func benchPublicPages(b *testing.B, e *benchEnv) {
	for _, p := range []struct{ name, path string }{
		{"login", "/login"},
		{"reception", "/reception"},
		{"track", e.track},
		{"rate", RatePagePath + "bench-rate"},
		{"stats 30 days", "/stats"}, // counted once, then served from memory for StatsTTL
		{"stats all time", "/stats?period=0"},
		{"stats territory", "/stats?period=90&territory=25701000"},
	} {
		e.benchPage(b, p.name, p.path, nil)
	}
	// The statistics counted afresh at every request (what one request in StatsTTL pays).
	for _, p := range []struct{ name, path string }{
		{"stats 7 days uncached", "/stats?period=7"},
		{"stats 30 days uncached", "/stats"},
		{"stats 90 days uncached", "/stats?period=90"},
		{"stats all time uncached", "/stats?period=0"},
		{"stats territory uncached", "/stats?period=90&territory=25701000"},
	} {
		b.Run(p.name, func(b *testing.B) {
			req := httptest.NewRequest("GET", p.path, nil)
			e.srv.ServeHTTP(httptest.NewRecorder(), req) // warm the reference data
			cpu0 := cpuTime()
			for b.Loop() {
				e.srv.statsCache.mu.Lock()
				e.srv.statsCache.m = nil
				e.srv.statsCache.mu.Unlock()
				rec := httptest.NewRecorder()
				e.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d", p.path, rec.Code)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
