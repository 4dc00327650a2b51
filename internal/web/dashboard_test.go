package web

import (
	"context"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

func TestDashboardRoles(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		login string
		want  int
	}{
		{"curator", http.StatusOK}, {"admin", http.StatusOK}, {"operator", http.StatusOK},
		{"moderator", http.StatusOK}, {"uk.baikalsky", http.StatusForbidden},
	}
	for _, c := range cases {
		t.Run(c.login, func(t *testing.T) {
			b := e.browser(t)
			b.login(c.login)
			if res := b.get("/dashboard"); res.Status != c.want {
				t.Fatalf("status %d, want %d", res.Status, c.want)
			}
		})
	}
	if res := e.browser(t).get("/dashboard"); res.Status != http.StatusSeeOther {
		t.Fatalf("anonymous: status %d, want a redirect to /login", res.Status)
	}
}

func TestDashboardRendersDemoData(t *testing.T) {
	e, _ := countingEnv(t, 300)
	b := e.browser(t)
	b.login("curator")
	for _, q := range []string{"", "?period=month", "?period=quarter", "?period=year", "?period=custom&from=2026-09-01&to=2026-11-26"} {
		res := b.get("/dashboard" + q)
		if res.Status != http.StatusOK {
			t.Fatalf("%s: status %d\n%s", q, res.Status, res.Body)
		}
		for _, want := range []string{"<svg", "Рейтинг исполнителей", "Рейтинг территорий", "По темам", "Как считается рейтинг"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("%s: the page lacks %q", q, want)
			}
		}
	}
	res := b.get("/dashboard?period=quarter")
	if !strings.Contains(res.Body, "class=\"dash-table\"") || strings.Contains(res.Body, "За выбранный период данных нет") {
		t.Errorf("the quarter of the demo data shows no tables")
	}
	for _, bad := range []string{"?period=custom&from=2026-11-26&to=2026-11-01", "?period=custom&from=x&to=y", "?period=decade", "?territory=abc"} {
		if res := b.get("/dashboard" + bad); res.Status != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", bad, res.Status)
		}
	}
	if res := b.get("/dashboard?territory=999999"); res.Status != http.StatusNotFound {
		t.Errorf("unknown territory: status %d, want 404", res.Status)
	}
}

// TestDashboardMarksPlacedMedians: a median placed from the fine counts and not read (a long period at a large
// volume whose median bins hold many reaction times; forced here) is shown with «≈» and the hint says why; a read
// one is not.
func TestDashboardMarksPlacedMedians(t *testing.T) {
	e, _ := countingEnv(t, 300)
	b := e.browser(t)
	b.login("curator")
	exact := b.get("/dashboard?period=year")
	e.st.SetFineMedians(store.FineAlways)
	e.st.SetFineRead(-1) // placed, their bins not read
	t.Cleanup(func() { e.st.SetFineMedians(store.FineAuto); e.st.SetFineRead(0) })
	placed := b.get("/dashboard?period=year")
	if exact.Status != http.StatusOK || placed.Status != http.StatusOK {
		t.Fatalf("status %d, %d", exact.Status, placed.Status)
	}
	if strings.Contains(exact.Body, "≈") || strings.Contains(exact.Body, "оценена по счётчикам") {
		t.Errorf("read medians are marked approximate")
	}
	if strings.Count(placed.Body, "≈ ") < 5 || !strings.Contains(placed.Body, "оценена по счётчикам") {
		t.Errorf("placed medians are not marked: %d «≈»", strings.Count(placed.Body, "≈ "))
	}
}

func TestDashboardBoundSupervisorSeesOnlyTheirTerritory(t *testing.T) {
	e, _ := countingEnv(t, 300)
	ctx := context.Background()
	refs, err := e.svc.Refs(ctx)
	if err != nil || len(refs.Territories) < 2 {
		t.Fatalf("refs: %v (%d territories)", err, len(refs.Territories))
	}
	mine, other := refs.Territories[0], refs.Territories[1]
	hash, err := auth.HashPassword(seed.Password)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateUser(ctx, model.User{Login: "curator.local", Name: "Куратор района", Role: model.RoleSupervisor, TerritoryID: mine.ID}, hash); err != nil {
		t.Fatal(err)
	}
	b := e.browser(t)
	b.login("curator.local")
	res := b.get(fmt.Sprintf("/dashboard?period=quarter&territory=%d", other.ID))
	if res.Status != http.StatusOK {
		t.Fatalf("status %d", res.Status)
	}
	if !strings.Contains(res.Body, "· "+mine.Name) {
		t.Errorf("the page does not name the supervisor's own territory %q", mine.Name)
	}
	if strings.Contains(res.Body, ">"+other.Name+"<") {
		t.Errorf("a supervisor bound to %q sees %q", mine.Name, other.Name)
	}
}

// TestDashboardQueriesDoNotGrowWithRows counts the statements of the dashboard over a quarter (every breakdown
// and ranking full) with 40 and with 240 demo incidents, once the first view has folded the incidents into the
// dashboard rollup (a fold comes once per hundred new incidents, or never when the server folds on a ticker).
func TestDashboardQueriesDoNotGrowWithRows(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two demo databases")
	}
	count := func(n int) int64 {
		e, counter := countingEnv(t, n)
		b := e.browser(t)
		b.login("curator")
		b.get("/dashboard?period=quarter") // the first view folds the seeded incidents into the rollup
		before := counter.Count()
		if res := b.get("/dashboard?period=quarter"); res.Status != http.StatusOK {
			t.Fatalf("status %d", res.Status)
		}
		return counter.Count() - before
	}
	small, big := count(40), count(240)
	t.Logf("/dashboard?period=quarter: %d statements with 40 incidents, %d with 240", small, big)
	if small != big || small > 20 {
		t.Errorf("statements: %d with 40 incidents, %d with 240 (want equal and at most 20)", small, big)
	}
}

// BenchmarkDashboardPage renders the dashboard through the whole handler at benchIncidents (100,000 by default) incidents, every period
// the page offers with and without a territory, on every backend of benchBackends.
func BenchmarkDashboardPage(b *testing.B) {
	for _, be := range benchBackends(b) {
		b.Run(be.Name, func(b *testing.B) { benchDashboardPage(b, newBenchEnvOn(b, benchIncidents(b), be)) })
	}
}

func benchDashboardPage(b *testing.B, e *benchEnv) {
	cookies := e.session(b, "curator")
	refs, err := e.st.LoadRefs(context.Background())
	if err != nil || len(refs.Territories) == 0 {
		b.Fatalf("refs: %v", err)
	}
	terr := fmt.Sprintf("&territory=%d", refs.Territories[0].ID)
	for _, p := range []struct{ name, path string }{
		{"week", "/dashboard?period=week"},
		{"month", "/dashboard?period=month"},
		{"quarter", "/dashboard?period=quarter"},
		{"year", "/dashboard?period=year"},
		{"week territory", "/dashboard?period=week" + terr},
		{"month territory", "/dashboard?period=month" + terr},
		{"quarter territory", "/dashboard?period=quarter" + terr},
		{"year territory", "/dashboard?period=year" + terr},
	} {
		e.benchPage(b, p.name, p.path, cookies)
	}
	// The long periods' medians both ways, whichever the page would choose (store/fine.go).
	for _, m := range []struct {
		name string
		mode store.FineMedians
	}{{"exact", store.FineNever}, {"fine", store.FineAlways}} {
		e.st.SetFineMedians(m.mode)
		e.benchPage(b, "quarter "+m.name, "/dashboard?period=quarter", cookies)
		e.benchPage(b, "year "+m.name, "/dashboard?period=year", cookies)
	}
	e.st.SetFineMedians(store.FineAuto)
}

// TestRatingCSV: each ranking of the dashboard downloads as CSV for the same period and territory — a spreadsheet
// in a Russian locale opens it as it is (BOM, semicolons, decimal commas), in English with commas and points —
// with the same participants and ranks as the page; a bound supervisor gets only their territory's.
func TestRatingCSV(t *testing.T) {
	e, _ := countingEnv(t, 300)
	b := e.browser(t)
	b.login("curator")
	page := b.get("/dashboard?period=quarter")
	link := regexp.MustCompile(`href="(/dashboard/rating\.csv\?[^"]+)"[^>]*id="rating-csv-executors"`).FindStringSubmatch(page.Body)
	if link == nil {
		t.Fatalf("no download link on the dashboard:\n%s", page.Body)
	}
	res := b.get(html.UnescapeString(link[1]))
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		!strings.Contains(res.Header.Get("Content-Disposition"), "rating-executors-") || !strings.HasPrefix(res.Body, "\ufeff") {
		t.Fatalf("the download: %d %v\n%.300s", res.Status, res.Header, res.Body)
	}
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff")))
	r.Comma = ';'
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 3 || rows[0][0] != "Место" || rows[1][0] != "1" || len(rows[1]) != 10 {
		t.Fatalf("rows %q", rows)
	}
	// The page's first executor is the file's.
	if !strings.Contains(page.Body, ">"+rows[1][1]+"<") {
		t.Errorf("the file's first executor %q is not on the page", rows[1][1])
	}
	if !strings.Contains(strings.Join(rows[1], ";"), ",") {
		t.Errorf("no decimal comma in %q", rows[1])
	}
	// English.
	b.get("/lang/en?next=/dashboard")
	res = b.get("/dashboard/rating.csv?of=territories&period=quarter")
	r = csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff")))
	if rows, err := r.ReadAll(); err != nil || len(rows) < 2 || rows[0][0] != "Rank" {
		t.Fatalf("english: %v %q", err, rows)
	}
	if res := b.get("/dashboard/rating.csv?of=users&period=quarter"); res.Status != http.StatusNotFound {
		t.Fatalf("an unknown ranking: %d", res.Status)
	}
	// A supervisor bound to Irkutsk: only Irkutsk among the territories.
	sup := e.browser(t)
	sup.login("curator.irkutsk")
	res = sup.get("/dashboard/rating.csv?of=territories&period=quarter&territory=0")
	r = csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff")))
	r.Comma = ';'
	rows, err = r.ReadAll()
	if err != nil || len(rows) != 2 || !strings.Contains(rows[1][1], "Иркутск") {
		t.Fatalf("the bound supervisor's territories: %v %q", err, rows)
	}
}
