package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

// clock is a settable clock shared by the workflow and the web server.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is a web server over a seeded demo database with the real ingest pipeline.
type env struct {
	st    *store.Store
	svc   *workflow.Service
	pipe  *ingest.Pipeline
	srv   *Server
	ts    *httptest.Server
	clock *clock
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newEnv seeds a small demo region and serves the interface plus extra test pages.
func newEnv(t *testing.T, extra ...Page) *env {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	c := &clock{t: time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)}
	if _, err := seed.Seed(ctx, st, seed.Options{Now: c.Now(), Incidents: 30, Seed: 7}); err != nil {
		t.Fatal(err)
	}
	svc := workflow.New(st, workflow.WithClock(c.Now), workflow.WithLogger(quiet))
	pipe := ingest.New(svc, nil, ingest.Config{}, quiet)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	srv := newServer(svc, pipe, Options{Logger: quiet, Now: c.Now, UploadDir: t.TempDir()}, append(allPages(), extra...))
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{st: st, svc: svc, pipe: pipe, srv: srv, ts: ts, clock: c}
}

// browser is an HTTP client with its own cookies that does not follow redirects.
type browser struct {
	t *testing.T
	e *env
	c *http.Client
}

func (e *env) browser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// response is a read response.
type response struct {
	Status int
	Header http.Header
	Body   string
}

func (b *browser) do(req *http.Request) response {
	b.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return response{Status: res.StatusCode, Header: res.Header, Body: string(body)}
}

func (b *browser) get(path string) response {
	b.t.Helper()
	req, err := http.NewRequest("GET", b.e.ts.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a URL-encoded form as is (no token added).
func (b *browser) post(path string, form url.Values) response {
	b.t.Helper()
	req, err := http.NewRequest("POST", b.e.ts.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

var csrfRe = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)

// token opens a page and returns the CSRF token of its forms.
func (b *browser) token(path string) string {
	b.t.Helper()
	res := b.get(path)
	m := csrfRe.FindStringSubmatch(res.Body)
	if m == nil {
		b.t.Fatalf("no CSRF token on %s (status %d)", path, res.Status)
	}
	return m[1]
}

// submit posts a form with the token of the page it is on.
func (b *browser) submit(page, action string, form url.Values) response {
	b.t.Helper()
	form.Set(CSRFField, b.token(page))
	return b.post(action, form)
}

// login signs in as a demo user and checks it worked.
func (b *browser) login(login string) {
	b.t.Helper()
	res := b.submit("/login", "/login", url.Values{"login": {login}, "password": {seed.Password}})
	if res.Status != http.StatusSeeOther {
		b.t.Fatalf("login %s: status %d\n%s", login, res.Status, res.Body)
	}
}

// okPage is a page any operator may open, for role tests.
func okPage(roles ...model.Role) Page {
	return Page{Method: "GET", Path: "/test/" + string(roles[0]), Roles: roles, Handle: func(s *Server, w http.ResponseWriter, r *http.Request) {
		a, _ := ActorFrom(r.Context())
		s.render(w, r, http.StatusOK, "home.html", "home.title", homeView{Links: []navLink{{Path: "/", Key: "app.name"}}})
		_ = a
	}}
}

// storeStatsAll is the store filter of the statistics page over all time.
func storeStatsAll(e *env) store.StatsFilter { return store.StatsFilter{Now: e.clock.Now()} }

// approvedFinal takes an incident through assignment (unless it is theirs already) to the demo city administration, its acceptance
// and a final answer with text and a photo, approved by the moderator, and returns the answer.
func (e *env) approvedFinal(t *testing.T, incidentID int64, text string) model.Answer {
	t.Helper()
	ctx := context.Background()
	users := map[string]model.Actor{}
	for _, l := range []string{"operator", "moderator", "adm.irkutsk"} {
		u, _, err := e.st.UserByLogin(ctx, l)
		if err != nil {
			t.Fatal(err)
		}
		users[l] = model.ActorOf(u)
	}
	ex := users["adm.irkutsk"]
	inc, err := e.st.Incident(ctx, incidentID)
	if err != nil {
		t.Fatal(err)
	}
	if inc.ExecutorID != ex.ExecutorID {
		if _, err := e.svc.Act(ctx, users["operator"], inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: ex.ExecutorID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Act(ctx, ex, inc.ID, model.ActAccept, model.ActionArgs{}); err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.CreateAnswer(ctx, ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerFinal, Text: text, Attachments: []string{"photo:1"}, Submit: true})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = e.svc.AnswerAct(ctx, users["moderator"], a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
		t.Fatal(err)
	}
	return a
}
