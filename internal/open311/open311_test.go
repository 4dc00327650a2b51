package open311_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/open311"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// env is the Open311 API over the demo region's reference data, the real workflow and the real ingest pipeline.
type env struct {
	st  *store.Store
	svc *workflow.Service
	ts  *httptest.Server
	tok map[string]string
	now time.Time
}

func newEnv(t testing.TB, st *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st, tok: map[string]string{}, now: time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC)}
	if _, err := seed.Seed(ctx, st, seed.Options{Now: e.now, ReferenceOnly: true}); err != nil {
		t.Fatal(err)
	}
	for _, login := range []string{"admin", "operator", "uk.angara"} {
		u, _, err := st.UserByLogin(ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		tok, hash, err := auth.NewToken()
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateToken(ctx, u.ID, hash, "open311 test"); err != nil {
			t.Fatal(err)
		}
		e.tok[login] = tok
	}
	e.svc = workflow.New(st, workflow.WithClock(func() time.Time { return e.now }), workflow.WithLogger(quiet))
	pipe := ingest.New(e.svc, nil, ingest.Config{}, quiet)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	e.ts = httptest.NewServer(open311.New(e.svc, pipe, quiet))
	t.Cleanup(e.ts.Close)
	return e
}

type response struct {
	status int
	ctype  string
	cors   string
	body   []byte
}

func (e *env) get(t *testing.T, path string) response {
	t.Helper()
	res, err := http.Get(e.ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func (e *env) post(t *testing.T, path string, form url.Values) response {
	t.Helper()
	res, err := http.PostForm(e.ts.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	return read(t, res)
}

func read(t *testing.T, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, ctype: res.Header.Get("Content-Type"), cors: res.Header.Get("Access-Control-Allow-Origin"), body: body}
}

// decode reads a JSON answer of the wanted status into v.
func (r response) decode(t *testing.T, status int, v any) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d: %s", r.status, status, r.body)
	}
	if !strings.HasPrefix(r.ctype, "application/json") {
		t.Fatalf("content type %q", r.ctype)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%v: %s", err, r.body)
	}
}

type apiError struct {
	Code        int    `json:"code"`
	Description string `json:"description"`
}

// wantError checks a JSON error list of one error whose description starts with prefix.
func (r response) wantError(t *testing.T, status int, prefix string) {
	t.Helper()
	var errs []apiError
	r.decode(t, status, &errs)
	if len(errs) != 1 || errs[0].Code != status || !strings.HasPrefix(errs[0].Description, prefix) {
		t.Fatalf("errors %+v, want one %d starting %q", errs, status, prefix)
	}
}

type request struct {
	ID          string `json:"service_request_id" xml:"service_request_id"`
	Status      string `json:"status" xml:"status"`
	StatusNotes string `json:"status_notes" xml:"status_notes"`
	ServiceCode string `json:"service_code" xml:"service_code"`
	ServiceName string `json:"service_name" xml:"service_name"`
	Description string `json:"description" xml:"description"`
	Agency      string `json:"agency_responsible" xml:"agency_responsible"`
	Requested   string `json:"requested_datetime" xml:"requested_datetime"`
	Expected    string `json:"expected_datetime" xml:"expected_datetime"`
	Address     string `json:"address" xml:"address"`
	Notice      string `json:"service_notice" xml:"service_notice"`
}

// TestServices: the subtopic categories are the services, in JSON and XML; a service's definition has no extra
// attributes; an unknown service, format or jurisdiction is a 404 in the specification's error format.
func TestServices(t *testing.T) {
	e := newEnv(t, storetest.OpenSQLite(t))
	var list []struct {
		Code     string `json:"service_code"`
		Name     string `json:"service_name"`
		Group    string `json:"group"`
		Type     string `json:"type"`
		Metadata bool   `json:"metadata"`
	}
	e.get(t, "/open311/v2/services.json").decode(t, 200, &list)
	found := false
	for _, s := range list {
		if !strings.Contains(s.Code, ".") || s.Type != "realtime" || s.Metadata || s.Group == "" {
			t.Errorf("service %+v", s)
		}
		if s.Code == "zhkh.heating" {
			found = true
		}
	}
	if !found || len(list) < 20 {
		t.Fatalf("%d services, zhkh.heating among them: %v", len(list), found)
	}

	x := e.get(t, "/open311/v2/services.xml?jurisdiction_id=38")
	var doc struct {
		XMLName  xml.Name `xml:"services"`
		Services []struct {
			Code string `xml:"service_code"`
		} `xml:"service"`
	}
	if x.status != 200 || !strings.HasPrefix(x.ctype, "text/xml") || x.cors != "*" || !strings.HasPrefix(string(x.body), `<?xml version="1.0" encoding="UTF-8"?>`) {
		t.Fatalf("services.xml: %d %s %.80s", x.status, x.ctype, x.body)
	}
	if err := xml.Unmarshal(x.body, &doc); err != nil || len(doc.Services) != len(list) {
		t.Fatalf("services.xml: %d services (%v), want %d", len(doc.Services), err, len(list))
	}

	var def struct {
		Code       string `json:"service_code"`
		Attributes []any  `json:"attributes"`
	}
	e.get(t, "/open311/v2/services/zhkh.heating.json").decode(t, 200, &def)
	if def.Code != "zhkh.heating" || def.Attributes == nil || len(def.Attributes) != 0 {
		t.Fatalf("definition %+v", def)
	}
	e.get(t, "/open311/v2/services/zhkh.json").wantError(t, 404, "service_code:")
	e.get(t, "/open311/v2/services.json?jurisdiction_id=77").wantError(t, 404, "jurisdiction_id:")
	e.get(t, "/open311/v2/tokens/abc.json").wantError(t, 404, "tokens are not used")
	if r := e.get(t, "/open311/v2/services.csv"); r.status != 404 || !strings.Contains(string(r.body), "<errors><error><code>404</code>") {
		t.Fatalf("unknown format: %d %s", r.status, r.body)
	}
	var disc struct {
		Endpoints []struct{ URL string } `json:"endpoints"`
	}
	e.get(t, "/open311/v2/discovery.json").decode(t, 200, &disc)
	if len(disc.Endpoints) != 1 || disc.Endpoints[0].URL != e.ts.URL+"/open311/v2" {
		t.Fatalf("discovery %+v", disc)
	}
}

// TestRequests: a city app posts requests with its API key; bad ones are refused by parameter and store
// nothing; good ones are durable incidents at once, each its own; anyone follows them by id, list or filter,
// in JSON or XML, and reads the status, the agency and the published answer; incidents from other sources stay
// private unless a key's user may see them.
func TestRequests(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		key := e.tok["operator"]
		good := func() url.Values {
			return url.Values{"api_key": {key}, "service_code": {"roads.potholes"}, "address_string": {"Иркутск, ул. Лермонтова, 83"},
				"description": {"Глубокая яма на проезжей части у дома, машины объезжают по встречной"}, "first_name": {"Анна"},
				"email": {"anna@example.org"}, "account_id": {"u-17"}}
		}
		for _, c := range []struct {
			name   string
			edit   func(url.Values)
			status int
			prefix string
		}{
			{"no key", func(f url.Values) { f.Del("api_key") }, 403, "api_key: required"},
			{"an unknown key", func(f url.Values) { f.Set("api_key", "otk_nonsense") }, 403, "api_key: unknown"},
			{"no service", func(f url.Values) { f.Del("service_code") }, 400, "service_code: required"},
			{"a topic, not a service", func(f url.Values) { f.Set("service_code", "roads") }, 400, "service_code: no service"},
			{"no location", func(f url.Values) { f.Del("address_string") }, 400, "address_string: a location is required"},
			{"only an address id", func(f url.Values) { f.Del("address_string"); f.Set("address_id", "12345") }, 400, "address_id:"},
			{"lat without long", func(f url.Values) { f.Set("lat", "52.28") }, 400, "long: lat and long go together"},
			{"lat out of range", func(f url.Values) { f.Set("lat", "152.28"); f.Set("long", "104.3") }, 400, "lat:"},
			{"long not a number", func(f url.Values) { f.Set("lat", "52.28"); f.Set("long", "104.3e") }, 400, "long:"},
			{"too long", func(f url.Values) { f.Set("description", strings.Repeat("я", open311.MaxDescription+1)) }, 400, "description: longer"},
			{"a bad e-mail", func(f url.Values) { f.Set("email", "anna at example") }, 400, "email:"},
			{"a bad media url", func(f url.Values) { f.Set("media_url", "javascript:alert(1)") }, 400, "media_url:"},
			{"another jurisdiction", func(f url.Values) { f.Set("jurisdiction_id", "77") }, 404, "jurisdiction_id:"},
		} {
			f := good()
			c.edit(f)
			e.post(t, "/open311/v2/requests.json", f).wantError(t, c.status, c.prefix)
		}
		if n, err := st.CountRows(ctx, "messages"); err != nil || n != 0 {
			t.Fatalf("refused requests stored %d messages (%v)", n, err)
		}

		var posted []struct {
			ID        string `json:"service_request_id"`
			Notice    string `json:"service_notice"`
			AccountID string `json:"account_id"`
		}
		pr := e.post(t, "/open311/v2/requests.json", good())
		if pr.cors != "" {
			t.Errorf("a POST answered with CORS %q", pr.cors)
		}
		pr.decode(t, 201, &posted)
		if len(posted) != 1 || !strings.HasPrefix(posted[0].ID, "38-2026-") || !strings.Contains(posted[0].Notice, posted[0].ID) ||
			!strings.Contains(posted[0].Notice, "Первый ответ — не позднее") || posted[0].AccountID != "u-17" {
			t.Fatalf("posted %+v", posted)
		}
		first, err := st.IncidentByNumber(ctx, posted[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		msgs, err := st.Messages(ctx, first.ID)
		if err != nil || len(msgs) != 1 || msgs[0].Source != model.Open311Source || msgs[0].Address != "Иркутск, ул. Лермонтова, 83" ||
			msgs[0].AuthorID != "operator:u-17" || !strings.Contains(string(msgs[0].Raw), `"email":"anna@example.org"`) {
			t.Fatalf("the stored message: %+v (%v)", msgs, err)
		}

		// The same pothole from another resident, in XML with coordinates and a photo, is its own request.
		e.now = e.now.Add(time.Hour)
		f := good()
		f.Set("account_id", "u-18")
		f.Set("lat", "52.2625")
		f.Set("long", "104.2620")
		f.Set("media_url", "https://example.org/photo.jpg")
		x := e.post(t, "/open311/v2/requests.xml", f)
		var px struct {
			XMLName  xml.Name `xml:"service_requests"`
			Requests []struct {
				ID string `xml:"service_request_id"`
			} `xml:"request"`
		}
		if x.status != 201 || xml.Unmarshal(x.body, &px) != nil || len(px.Requests) != 1 || px.Requests[0].ID == posted[0].ID {
			t.Fatalf("the second request: %d %s", x.status, x.body)
		}
		second, err := st.IncidentByNumber(ctx, px.Requests[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		// A client that sends multipart/form-data is understood too.
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range map[string]string{"api_key": key, "service_code": "blago.lighting", "address_string": "Иркутск, ул. Ленина, 5",
			"description": "Не горит фонарь у подъезда", "account_id": "u-19"} {
			_ = mw.WriteField(k, v)
		}
		_ = mw.Close()
		mres, err := http.Post(e.ts.URL+"/open311/v2/requests.json", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		var mp []struct {
			ID string `json:"service_request_id"`
		}
		read(t, mres).decode(t, 201, &mp)
		if len(mp) != 1 || mp[0].ID == "" {
			t.Fatalf("a multipart request: %+v", mp)
		}
		third, err := st.IncidentByNumber(ctx, mp[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Act(ctx, model.Actor{Login: "operator", Role: model.RoleOperator}, third.ID, model.ActReject,
			model.ActionArgs{Reason: "Дубликат обращения"}); err != nil {
			t.Fatal(err)
		}

		// A VK comment's incident is not public.
		vk, err := e.svc.Intake(ctx, []model.Message{{Source: "vk", ExternalID: "-1_1", Text: "Яма на Лермонтова", Category: "roads.potholes", PostedAt: e.now}})
		if err != nil {
			t.Fatal(err)
		}
		e.get(t, "/open311/v2/requests/"+vk[0].Number+".json").wantError(t, 404, "service_request_id:")
		var one []request
		e.get(t, "/open311/v2/requests/"+vk[0].Number+".json?api_key="+url.QueryEscape(e.tok["admin"])).decode(t, 200, &one)
		if len(one) != 1 || one[0].ID != vk[0].Number {
			t.Fatalf("the VK incident with the admin's key: %+v", one)
		}
		// An executor's key sees its own organisation's incidents only.
		e.get(t, "/open311/v2/requests/"+vk[0].Number+".json?api_key="+url.QueryEscape(e.tok["uk.angara"])).wantError(t, 404, "service_request_id:")

		var list []request
		e.get(t, "/open311/v2/requests.json").decode(t, 200, &list)
		if len(list) != 3 || list[0].ID != third.Number || list[1].ID != second.Number || list[2].ID != first.Number {
			t.Fatalf("the public list: %+v", list)
		}
		if list[0].Status != "closed" || !strings.Contains(list[0].StatusNotes, "Дубликат обращения") {
			t.Fatalf("the refused request: %+v", list[0])
		}
		r0 := list[2]
		if r0.Status != "open" || r0.ServiceCode != "roads.potholes" || r0.ServiceName == "" || r0.Address != "Иркутск, ул. Лермонтова, 83" ||
			!strings.HasPrefix(r0.Description, "Глубокая яма") || !strings.HasSuffix(r0.Requested, "+08:00") || r0.Expected == "" {
			t.Fatalf("a listed request: %+v", r0)
		}
		// Filters.
		for _, c := range []struct {
			query string
			want  int
		}{
			{"?service_code=roads.potholes", 2},
			{"?service_code=zhkh.heating", 0},
			{"?status=closed", 1},
			{"?status=open", 2},
			{"?status=open,closed", 3},
			{"?service_request_id=" + first.Number + ",38-2026-999999", 1},
			{"?service_request_id=" + first.Number + "," + first.Number + "," + second.Number, 2},
			{"?start_date=" + url.QueryEscape(e.now.Add(-30*time.Minute).Format(time.RFC3339)), 2},
			{"?end_date=" + url.QueryEscape(e.now.Add(-30*time.Minute).Format(time.RFC3339)), 1},
		} {
			var got []request
			e.get(t, "/open311/v2/requests.json"+c.query).decode(t, 200, &got)
			if len(got) != c.want {
				t.Errorf("%s: %d requests, want %d", c.query, len(got), c.want)
			}
		}
		for query, prefix := range map[string]string{
			"?status=pending":        "status:",
			"?service_code=roads":    "service_code:",
			"?start_date=2026-11-01": "start_date:",
			"?start_date=2026-01-01T00:00:00Z&end_date=2026-11-01T00:00:00Z": "end_date: at most 90 days",
		} {
			e.get(t, "/open311/v2/requests.json"+query).wantError(t, 400, prefix)
		}

		// The operator merges the second into the first; the executor answers the first, and the answer is published.
		op := model.Actor{Login: "operator", Role: model.RoleOperator}
		if _, err := e.svc.Act(ctx, op, second.ID, model.ActMerge, model.ActionArgs{TargetID: first.ID}); err != nil {
			t.Fatal(err)
		}
		refs, err := e.svc.Refs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		kgo, ok := refs.ExecutorByCode("irk-kgo")
		if !ok {
			t.Fatal("the demo has no irk-kgo executor")
		}
		ex := model.Actor{Login: "kgo.irkutsk", Role: model.RoleExecutor, ExecutorID: kgo.ID}
		mod := model.Actor{Login: "moderator", Role: model.RoleModerator}
		if _, err := e.svc.Act(ctx, op, first.ID, model.ActAssign, model.ActionArgs{ExecutorID: kgo.ID}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Act(ctx, ex, first.ID, model.ActAccept, model.ActionArgs{}); err != nil {
			t.Fatal(err)
		}
		const answer = "Яму заделаем до 30 ноября, бригада выедет в понедельник."
		a, err := e.svc.CreateAnswer(ctx, ex, first.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: answer, Submit: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, act := range []model.AnswerAction{model.AnsApprove, model.AnsPublish} {
			if _, err := e.svc.AnswerAct(ctx, mod, a.ID, act, workflow.AnswerArgs{}); err != nil {
				t.Fatal(err)
			}
		}
		x = e.get(t, "/open311/v2/requests.xml")
		var lx struct {
			XMLName  xml.Name  `xml:"service_requests"`
			Requests []request `xml:"request"`
		}
		if err := xml.Unmarshal(x.body, &lx); err != nil || len(lx.Requests) != 3 {
			t.Fatalf("requests.xml: %v %s", err, x.body)
		}
		got := map[string]request{}
		for _, r := range lx.Requests {
			got[r.ID] = r
		}
		if r := got[first.Number]; r.Status != "open" || r.StatusNotes != answer || r.Agency != kgo.Name || r.Notice == "" {
			t.Errorf("the answered request: %+v", r)
		}
		if r := got[second.Number]; r.Status != "open" || !strings.Contains(r.StatusNotes, "Объединено с обращением "+first.Number) ||
			!strings.Contains(r.StatusNotes, answer) || r.Agency != kgo.Name {
			t.Errorf("the merged request: %+v", r)
		}
	})
}
