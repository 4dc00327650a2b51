package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

// eachBackend runs fn on in-memory SQLite and, when OTKLIK_TEST_POSTGRES is set, on PostgreSQL in a schema of
// its own.
func eachBackend(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, storetest.OpenSQLite(t)) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(storetest.EnvPostgres) == "" {
			if os.Getenv("CI") == "true" {
				t.Fatalf("CI=true but %s is not set", storetest.EnvPostgres)
			}
			t.Skipf("set %s=postgres://… to run against PostgreSQL", storetest.EnvPostgres)
		}
		fn(t, storetest.OpenPostgres(t))
	})
}

// env is a seeded database behind the API handler, with a token per user and a clock the test sets.
type env struct {
	st  *store.Store
	svc *workflow.Service
	h   http.Handler
	now time.Time
	seq int // external ids of messages opened by newIncident

	tok  map[string]string // login → token
	ter  map[string]int64  // OKTMO → id
	cat  map[string]int64  // code → id
	exec map[string]int64  // code → id
}

// Territories, categories, executors and users of the fixture.
const (
	terIrkutsk = "25701000"
	terAngarsk = "25703000"
	terShelek  = "25651000"
)

var irkutsk = mustLoc("Asia/Irkutsk")

func mustLoc(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st, tok: map[string]string{}, ter: map[string]int64{}, cat: map[string]int64{}, exec: map[string]int64{}}
	e.now = time.Date(2026, 11, 10, 11, 0, 0, 0, irkutsk) // a Tuesday morning
	must := func(id int64, err error) int64 {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	region := must(st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk", Calendar: model.Calendar{Mode: "working"}}))
	for _, tr := range []model.Territory{
		{OKTMO: terIrkutsk, Name: "город Иркутск", Kind: "urban_okrug"},
		{OKTMO: terAngarsk, Name: "Ангарский городской округ", Kind: "urban_okrug"},
		{OKTMO: terShelek, Name: "Шелеховский район", Kind: "municipal_district"},
	} {
		tr.RegionID = region
		e.ter[tr.OKTMO] = must(st.PutTerritory(ctx, tr))
	}
	for _, c := range []model.Category{
		{Code: "zhkh", Name: "ЖКХ", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal},
		{Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 5, DefaultPriority: model.PriorityHigh},
		{Code: "zhkh.water", ParentCode: "zhkh", Name: "Водоснабжение", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal},
		{Code: "roads", Name: "Дороги", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 10, DefaultPriority: model.PriorityNormal},
		{Code: "roads.potholes", ParentCode: "roads", Name: "Ямы на дорогах", ReactionHours: 8, UrgentReactionHours: 2, ResolutionWorkingDays: 20, DefaultPriority: model.PriorityNormal, RequiresProof: true},
	} {
		e.cat[c.Code] = must(st.PutCategory(ctx, c))
	}
	for _, x := range []model.Executor{
		{Code: "uk-a", Name: "УК «Северная»", Kind: "uk", Territories: []string{terIrkutsk}, Categories: []string{"zhkh"}},
		{Code: "adm-b", Name: "Администрация Ангарского округа", Kind: "omsu", Territories: []string{terAngarsk}, Categories: []string{"zhkh", "roads"}},
		{Code: "min-roads", Name: "Министерство транспорта и дорожного хозяйства", Kind: "oiv", Categories: []string{"roads"}},
	} {
		e.exec[x.Code] = must(st.PutExecutor(ctx, x))
	}
	for _, u := range []model.User{
		{Login: "admin", Role: model.RoleAdmin},
		{Login: "operator", Role: model.RoleOperator},
		{Login: "moderator", Role: model.RoleModerator},
		{Login: "exec-a", Role: model.RoleExecutor, ExecutorID: e.exec["uk-a"]},
		{Login: "exec-b", Role: model.RoleExecutor, ExecutorID: e.exec["adm-b"]},
		{Login: "exec-c", Role: model.RoleExecutor, ExecutorID: e.exec["min-roads"]},
		{Login: "supervisor", Role: model.RoleSupervisor},
		{Login: "sup-angarsk", Role: model.RoleSupervisor, TerritoryID: e.ter[terAngarsk]},
	} {
		u.Name = u.Login
		id := must(st.CreateUser(ctx, u, ""))
		tok, hash, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateToken(ctx, id, hash, "test"); err != nil {
			t.Fatal(err)
		}
		e.tok[u.Login] = tok
	}
	e.svc = workflow.New(st, workflow.WithClock(func() time.Time { return e.now }))
	e.h = New(e.svc, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return e
}

type resp struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request as the user login ("" for none); body is a string sent as is, or a value sent as JSON.
func (e *env) do(t testing.TB, method, path, login string, body any) resp {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req := httptest.NewRequest(method, path, rd)
	if login != "" {
		tok, ok := e.tok[login]
		if !ok {
			t.Fatalf("no user %q", login)
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func (r resp) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

func (r resp) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r, err)
	}
}

// wantOK fails unless the status is want, and decodes the body into v (when not nil).
func (r resp) want(t testing.TB, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if v != nil {
		r.decode(t, v)
	}
}

// wantErr fails unless the response is the JSON error with this status, code and field.
func (r resp) wantErr(t testing.TB, status int, code, field string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (%s): %s", r.status, status, code, r.body)
	}
	var eb ErrorBody
	if err := json.Unmarshal(r.body, &eb); err != nil {
		t.Fatalf("error body is not JSON: %s", r.body)
	}
	if eb.Error.Code != code || eb.Error.Field != field || eb.Error.Message == "" {
		t.Fatalf("error = %+v, want code %q field %q", eb.Error, code, field)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
}

// msg is a valid inbound message for tests.
func msg(ext, text, category, territory string) map[string]any {
	m := map[string]any{"source": "vk", "external_id": ext, "text": text}
	if category != "" {
		m["category"] = category
	}
	if territory != "" {
		m["territory"] = territory
	}
	return m
}

// ingest posts messages as the operator and returns the results.
func (e *env) ingest(t testing.TB, msgs ...map[string]any) MessageResults {
	t.Helper()
	var out MessageResults
	e.do(t, "POST", "/api/v1/messages", "operator", map[string]any{"messages": msgs}).want(t, http.StatusOK, &out)
	return out
}

// newIncident opens an incident through the API and returns it.
func (e *env) newIncident(t testing.TB, text, category, territory string) model.Incident {
	t.Helper()
	e.seq++
	res := e.ingest(t, msg(fmt.Sprintf("new-%d", e.seq), text, category, territory))
	if len(res.Results) != 1 || res.Results[0].Duplicate || res.Results[0].IncidentID == 0 {
		t.Fatalf("ingest: %+v", res)
	}
	return e.incident(t, res.Results[0].IncidentID)
}

func (e *env) incident(t testing.TB, id int64) model.Incident {
	t.Helper()
	inc, err := e.st.Incident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// act performs an incident action and decodes the incident when it succeeds.
func (e *env) act(t testing.TB, login string, id int64, action string, body any) (model.Incident, resp) {
	t.Helper()
	r := e.do(t, "POST", fmt.Sprintf("/api/v1/incidents/%d/actions/%s", id, action), login, body)
	var inc model.Incident
	if r.status == http.StatusOK {
		r.decode(t, &inc)
	}
	return inc, r
}

// mustAct performs an action that must succeed and checks the resulting status.
func (e *env) mustAct(t testing.TB, login string, id int64, action string, body any, want model.Status) model.Incident {
	t.Helper()
	inc, r := e.act(t, login, id, action, body)
	if r.status != http.StatusOK {
		t.Fatalf("%s %s on %d: %s", login, action, id, r)
	}
	if inc.Status != want {
		t.Fatalf("%s %s: status %s, want %s", login, action, inc.Status, want)
	}
	return inc
}

type snapshot struct {
	counts map[string]int
	inc    []byte
}

var countedTables = []string{"messages", "incidents", "answers", "events", "incident_terms"}

func (e *env) snapshot(t testing.TB, ids ...int64) snapshot {
	t.Helper()
	s := snapshot{counts: map[string]int{}}
	for _, tb := range countedTables {
		n, err := e.st.CountRows(context.Background(), tb)
		if err != nil {
			t.Fatal(err)
		}
		s.counts[tb] = n
	}
	for _, id := range ids {
		inc := e.incident(t, id)
		inc.Overdue = false
		b, _ := json.Marshal(inc)
		s.inc = append(s.inc, b...)
		ans, err := e.st.Answers(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		b, _ = json.Marshal(ans)
		s.inc = append(s.inc, b...)
	}
	return s
}

// unchanged fails when the rows counted or the incidents (and their answers) differ from the snapshot.
func (e *env) unchanged(t testing.TB, before snapshot, ids ...int64) {
	t.Helper()
	after := e.snapshot(t, ids...)
	for _, tb := range countedTables {
		if before.counts[tb] != after.counts[tb] {
			t.Fatalf("%s: %d rows before, %d after", tb, before.counts[tb], after.counts[tb])
		}
	}
	if !bytes.Equal(before.inc, after.inc) {
		t.Fatalf("incident changed:\nbefore %s\nafter  %s", before.inc, after.inc)
	}
}

// refused performs a request that must fail with the given error and change nothing.
func (e *env) refused(t testing.TB, method, path, login string, body any, status int, code, field string, ids ...int64) {
	t.Helper()
	before := e.snapshot(t, ids...)
	e.do(t, method, path, login, body).wantErr(t, status, code, field)
	e.unchanged(t, before, ids...)
}

func actionPath(id int64, action string) string {
	return fmt.Sprintf("/api/v1/incidents/%d/actions/%s", id, action)
}

func answerPath(id int64, action string) string {
	return fmt.Sprintf("/api/v1/answers/%d/actions/%s", id, action)
}

func (e *env) eventTypes(t testing.TB, id int64) []string {
	t.Helper()
	evs, err := e.st.Events(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(evs))
	for i, ev := range evs {
		out[i] = ev.Type
	}
	return out
}

func newRecorder(e *env, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

func openTestStore(t testing.TB) *store.Store { return storetest.OpenSQLite(t) }
