package web

import (
	"context"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// countingEnv is env over a store that counts its statements, seeded with n demo incidents.
func countingEnv(t *testing.T, n int) (*env, *store.QueryCounter) {
	t.Helper()
	ctx := context.Background()
	st, counter, err := store.OpenCounting(ctx, t.TempDir()+"/q.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := &clock{t: time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)}
	if _, err := seed.Seed(ctx, st, seed.Options{Now: c.Now(), Incidents: n, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	svc := workflow.New(st, workflow.WithClock(c.Now), workflow.WithLogger(quiet))
	pipe := ingest.New(svc, nil, ingest.Config{}, quiet)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := newServer(svc, pipe, Options{Logger: quiet, Now: c.Now, UploadDir: t.TempDir()}, allPages())
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{st: st, svc: svc, pipe: pipe, srv: srv, ts: ts, clock: c}, counter
}

// loginFor names a demo user of each role.
var loginFor = map[model.Role]string{
	model.RoleAdmin: "admin", model.RoleOperator: "operator", model.RoleModerator: "moderator",
	model.RoleExecutor: "uk.baikalsky", model.RoleSupervisor: "curator",
}

// pageQueries opens every GET page without path parameters as a role allowed to see it and returns the
// statements each made.
func pageQueries(t *testing.T, e *env, counter *store.QueryCounter) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	browsers := map[model.Role]*browser{}
	for _, p := range allPages() {
		if p.Method != "GET" || strings.Contains(p.Path, "{") && !strings.HasSuffix(p.Path, "{$}") {
			continue
		}
		path := strings.TrimSuffix(p.Path, "{$}")
		role := model.Role("")
		if len(p.Roles) > 0 {
			role = p.Roles[0]
			if slices.Contains(p.Roles, model.RoleOperator) {
				role = model.RoleOperator
			}
		}
		b, ok := browsers[role]
		if !ok {
			b = e.browser(t)
			if role != "" {
				b.login(loginFor[role])
			}
			browsers[role] = b
		}
		b.get(path) // warm caches (reference data, statistics) once
		counter.Reset()
		res := b.get(path)
		if res.Status != http.StatusOK {
			t.Errorf("%s as %q: status %d", path, role, res.Status)
			continue
		}
		out[fmt.Sprintf("%s as %s", path, role)] = counter.Count()
	}
	for page, n := range oneIncidentQueries(t, e, counter) {
		out[page] = n
	}
	// The dashboard over every period it offers, with and without a territory, and the public statistics
	// counted afresh (not served from their cache).
	refs, err := e.svc.Refs(context.Background())
	if err != nil || len(refs.Territories) == 0 {
		t.Fatalf("refs: %v", err)
	}
	terr := fmt.Sprintf("&territory=%d", refs.Territories[0].ID)
	curator := e.browser(t)
	curator.login(loginFor[model.RoleSupervisor])
	for _, path := range []string{"/dashboard?period=week", "/dashboard?period=month", "/dashboard?period=quarter",
		"/dashboard?period=year", "/dashboard?period=custom&from=2026-06-01&to=2026-11-26", "/dashboard?period=month" + terr,
		"/dashboard?period=year" + terr} {
		curator.get(path)
		counter.Reset()
		if res := curator.get(path); res.Status != http.StatusOK {
			t.Errorf("%s: status %d", path, res.Status)
			continue
		}
		out[path+" as supervisor"] = counter.Count()
	}
	anon := e.browser(t)
	oktmo := "&territory=" + refs.Territories[0].OKTMO
	for _, path := range []string{"/stats?period=7", "/stats?period=30", "/stats?period=90", "/stats?period=0", "/stats?period=30" + oktmo} {
		anon.get(path)
		e.srv.statsCache.mu.Lock()
		e.srv.statsCache.m = nil
		e.srv.statsCache.mu.Unlock()
		counter.Reset()
		if res := anon.get(path); res.Status != http.StatusOK {
			t.Errorf("%s: status %d", path, res.Status)
			continue
		}
		out[path+" uncached"] = counter.Count()
	}
	return out
}

// TestPagesMakeAFixedNumberOfQueries: every page makes the same, small number of statements whether the
// database holds 40 incidents or six times as many (the dashboard over every period, the statistics uncached).
func TestPagesMakeAFixedNumberOfQueries(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two demo databases")
	}
	small, cs := countingEnv(t, 40)
	big, cb := countingEnv(t, 240)
	a, b := pageQueries(t, small, cs), pageQueries(t, big, cb)
	const maxQueries = 30
	for _, page := range slices.Sorted(maps.Keys(a)) {
		n := a[page]
		t.Logf("%-40s %d statements", page, n)
		if n != b[page] {
			t.Errorf("%s: %d statements with 40 incidents, %d with 240", page, n, b[page])
		}
		if n > maxQueries {
			t.Errorf("%s: %d statements, more than %d", page, n, maxQueries)
		}
	}
	for page := range b {
		if _, ok := a[page]; !ok {
			t.Errorf("%s measured with 240 incidents only", page)
		}
	}
	if len(a) < 3 {
		t.Fatalf("only %d pages measured", len(a))
	}
}

// oneIncidentQueries opens the pages of one incident or link, each for the incident with the longest history
// (messages, answers, events) among the newest that fit, the card's thread lengthened in proportion to the
// database: the card as the operator, the answer editor as a user
// of the incident's executor, the resident's tracking page and the rating page of a published answer; it returns the statements
// each made.
func oneIncidentQueries(t *testing.T, e *env, counter *store.QueryCounter) map[string]int64 {
	t.Helper()
	ctx := context.Background()
	users, err := e.st.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	staffOf := map[int64]string{} // an executor organisation's first user
	for _, u := range users {
		if u.Role == model.RoleExecutor && staffOf[u.ExecutorID] == "" {
			staffOf[u.ExecutorID] = u.Login
		}
	}
	list, err := e.st.ListIncidents(ctx, store.IncidentFilter{Limit: 500, Now: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	type pick struct {
		inc  model.Incident
		size int
	}
	var card, editor, rated pick
	var token string
	for _, inc := range list.Items {
		msgs, err := e.st.Messages(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		answers, err := e.st.Answers(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		events, err := e.st.Events(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		size := len(msgs) + len(answers) + len(events)
		if len(msgs) > 0 && size > card.size {
			card = pick{inc, size}
		}
		if staffOf[inc.ExecutorID] != "" && inc.Status == model.StatusInWork && size > editor.size {
			editor = pick{inc, size}
		}
		if size > rated.size && inc.Status == model.StatusResolved {
			rs, err := e.st.RatingsOfIncident(ctx, inc.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) > 0 {
				rated, token = pick{inc, size}, rs[len(rs)-1].Token
			}
		}
	}
	if card.size == 0 || editor.size == 0 || rated.size == 0 {
		t.Fatalf("no incident for the card (%d), the editor (%d) or the rating page (%d)", card.size, editor.size, rated.size)
	}
	// The card's thread grows with the database: one more resident's message for every ten incidents.
	now := e.clock.Now()
	var more []store.IngestItem
	for i := range len(list.Items) / 10 {
		more = append(more, store.IngestItem{JoinIncident: card.inc.ID, Message: model.Message{Source: "vk",
			ExternalID: fmt.Sprintf("querycount-%s-%d", card.inc.Number, i), Author: fmt.Sprintf("Житель %d", i),
			Text: fmt.Sprintf("Подтверждаю, у нас во дворе то же самое уже %d дней", i+2), PostedAt: now, ReceivedAt: now}})
	}
	if _, err := e.st.Ingest(ctx, more); err != nil {
		t.Fatal(err)
	}
	msgs, err := e.st.Messages(ctx, card.inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	card.size += len(more)
	track := randomToken(24)
	if err := e.st.CreateReceptionLink(ctx, store.ReceptionLink{TokenHash: auth.HashToken(track), MessageID: msgs[0].ID, Number: card.inc.Number,
		CreatedAt: e.clock.Now()}); err != nil {
		t.Fatal(err)
	}
	t.Logf("one-incident pages: card and tracking page of %s (%d rows of history), editor of %s (%d), rating page of %s (%d)",
		card.inc.Number, card.size, editor.inc.Number, editor.size, rated.inc.Number, rated.size)
	operator, executor, resident := e.browser(t), e.browser(t), e.browser(t)
	operator.login(loginFor[model.RoleOperator])
	executor.login(staffOf[editor.inc.ExecutorID])
	out := map[string]int64{}
	for _, p := range []struct {
		name, path string
		b          *browser
	}{
		{"/incidents/{number} as operator", "/incidents/" + card.inc.Number, operator},
		{"/desk/incidents/{number} as executor", "/desk/incidents/" + editor.inc.Number, executor},
		{"/reception/track/{token}", trackPath(track), resident},
		{"/rate/{token}", RatePagePath + token, resident},
	} {
		p.b.get(p.path)
		counter.Reset()
		if res := p.b.get(p.path); res.Status != http.StatusOK {
			t.Errorf("%s: status %d", p.path, res.Status)
			continue
		}
		out[p.name] = counter.Count()
	}
	return out
}
