package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// rateLink returns the token of the rating link published with an answer (event answer.publish, data rate_link).
func (e *env) rateLink(t *testing.T, incidentID, answerID int64) string {
	t.Helper()
	var det IncidentDetail
	e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", incidentID), "operator", nil).want(t, http.StatusOK, &det)
	for _, ev := range det.Events {
		if ev.Type != "answer.publish" || ev.AnswerID != answerID {
			continue
		}
		var data struct {
			RateLink string `json:"rate_link"`
		}
		if err := json.Unmarshal(ev.Data, &data); err != nil {
			t.Fatal(err)
		}
		tok, ok := strings.CutPrefix(data.RateLink, workflow.RatePath)
		if !ok || tok == "" {
			t.Fatalf("rate_link %q", data.RateLink)
		}
		return tok
	}
	t.Fatalf("no answer.publish event for answer %d", answerID)
	return ""
}

// publishFinal writes, approves and publishes a final answer and returns it.
func (e *env) publishFinal(t *testing.T, incidentID int64, login, text string) model.Answer {
	t.Helper()
	var a model.Answer
	e.do(t, "POST", fmt.Sprintf("/api/v1/incidents/%d/answers", incidentID), login, map[string]any{"kind": "final", "text": text, "submit": true}).want(t, http.StatusCreated, &a)
	e.do(t, "POST", answerPath(a.ID, "approve"), "moderator", nil).want(t, http.StatusOK, &a)
	e.do(t, "POST", answerPath(a.ID, "publish"), "moderator", map[string]any{"external_id": "wall-1_77"}).want(t, http.StatusOK, &a)
	return a
}

// public sends a request without a token from a client address.
func (e *env) public(t *testing.T, method, path, addr string, body string) resp {
	t.Helper()
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = addr
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := newRecorder(e, req)
	return resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
}

func TestResidentRating(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		e.seq++
		m := msg("rate-1", "Третий день нет горячей воды в доме на Ленина 5, позвоните мне 89025550101", "zhkh.water", terIrkutsk)
		m["author"], m["author_id"] = "Смирнова Ольга", "id555"
		res := e.ingest(t, m)
		id := res.Results[0].IncidentID
		e.mustAct(t, "operator", id, "assign", map[string]any{"executor": "uk-a"}, model.StatusAssigned)
		e.mustAct(t, "exec-a", id, "accept", nil, model.StatusInWork)
		e.now = e.now.Add(3 * time.Hour)
		text := "Горячую воду дали 10 ноября в 14:00: бригада заменила задвижку в тепловом узле дома."
		a := e.publishFinal(t, id, "exec-a", text)
		if inc := e.incident(t, id); inc.Status != model.StatusResolved {
			t.Fatalf("after the final answer: %s", inc.Status)
		}
		tok := e.rateLink(t, id, a.ID)
		link := workflow.RatePath + tok
		addr := "203.0.113.5:40000"

		// The resident opens the link: the answer, no personal data.
		r := e.public(t, "GET", link, addr, "")
		var pub PublicAnswer
		r.want(t, http.StatusOK, &pub)
		inc := e.incident(t, id)
		if pub.Number != inc.Number || pub.Status != model.StatusResolved || pub.Kind != model.AnswerFinal || pub.Text != text || pub.PublishedAt == nil || pub.Rated || pub.Rating != nil {
			t.Fatalf("public view: %+v", pub)
		}
		for _, secret := range []string{"Смирнова", "id555", "89025550101", "горячей воды в доме", "author", "exec", "uk-a", "УК «Северная»", "wall-1_77"} {
			if strings.Contains(string(r.body), secret) {
				t.Fatalf("the public view leaks %q: %s", secret, r.body)
			}
		}
		if r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("Cache-Control %q", r.header.Get("Cache-Control"))
		}
		// A browser following the same link is sent to the web interface's rating page.
		page := httptest.NewRequest("GET", link, nil)
		page.RemoteAddr = addr
		page.Header.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
		if rec := newRecorder(e, page); rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != workflow.RatePagePath+tok {
			t.Fatalf("a browser got %d → %q", rec.Code, rec.Header().Get("Location"))
		}

		// Bad verdicts change nothing.
		before := e.snapshot(t, id)
		for _, c := range []struct {
			path, body  string
			status      int
			code, field string
		}{
			{link, `{"score":9,"solved":false}`, 422, "invalid", "score"},
			{link, `{"score":0,"solved":true}`, 422, "invalid", "score"},
			{link, `{"solved":true}`, 422, "invalid", "score"},
			{link, `{"score":"five","solved":true}`, 422, "invalid", "score"},
			{link, `{"score":2}`, 422, "invalid", "solved"},
			{link, `{"score":2,"solved":false,"name":"Ольга"}`, 422, "invalid", "name"},
			{link, `{"score":2,"solved":false,"comment":"` + strings.Repeat("x", workflow.MaxRateComment+1) + `"}`, 422, "invalid", "comment"},
			{link, `{"score":2,"solved":false,"comment":"` + strings.Repeat("x", MaxRateBody) + `"}`, 413, "too_large", ""},
			{link, `{"score":2,`, 400, "invalid_json", ""},
			{workflow.RatePath + "AAAAAAAAAAAAAAAA", `{"score":2,"solved":false}`, 404, "not_found", ""},
			{workflow.RatePath + "no%20such!", `{"score":2,"solved":false}`, 404, "not_found", ""},
			{workflow.RatePath + strings.Repeat("a", 65), `{"score":2,"solved":false}`, 404, "not_found", ""},
		} {
			e.public(t, "POST", c.path, addr, c.body).wantErr(t, c.status, c.code, c.field)
		}
		e.unchanged(t, before, id)
		e.public(t, "GET", workflow.RatePath+"AAAAAAAAAAAAAAAA", addr, "").wantErr(t, 404, "not_found", "")
		e.public(t, "GET", link+"?utm=1", addr, "").wantErr(t, 422, "invalid", "utm")
		e.public(t, "DELETE", link, addr, "").wantErr(t, 405, "method_not_allowed", "")

		// «не решено»: the verdict is stored and the resolved incident reopens.
		e.now = e.now.Add(24 * time.Hour)
		var view PublicRatingView
		e.public(t, "POST", link, addr, `{"score":2,"solved":false,"comment":"Вода снова еле тёплая"}`).want(t, http.StatusOK, &view)
		if view.Score != 2 || view.Solved == nil || *view.Solved || view.Status != model.StatusInWork || view.RatedAt == nil {
			t.Fatalf("verdict: %+v", view)
		}
		inc = e.incident(t, id)
		if inc.Status != model.StatusInWork || inc.ResolvedAt != nil || inc.DueAt == nil {
			t.Fatalf("not reopened: %+v", inc)
		}
		types := strings.Join(e.eventTypes(t, id), " ")
		if !strings.Contains(types, "rated") || !strings.HasSuffix(types, "reopen") {
			t.Fatalf("events: %s", types)
		}
		e.public(t, "POST", link, addr, `{"score":5,"solved":true}`).wantErr(t, 409, "conflict", "")
		e.public(t, "GET", link, addr, "").want(t, http.StatusOK, &pub)
		if !pub.Rated || pub.Rating == nil || pub.Rating.Score != 2 || pub.Status != model.StatusInWork {
			t.Fatalf("after rating: %+v", pub)
		}

		// The statistics count it (for the centre; not in statistics narrowed to an executor).
		var stats StatsResponse
		e.do(t, "GET", "/api/v1/stats", "operator", nil).want(t, http.StatusOK, &stats)
		s := stats.Satisfaction
		if s == nil || s.Published != 1 || s.Rated != 1 || s.Unsolved != 1 || s.Mean == nil || *s.Mean != 2 {
			t.Fatalf("satisfaction: %+v", s)
		}
		if stats.Total == 0 {
			t.Fatalf("incident statistics lost: %+v", stats)
		}
		e.do(t, "GET", "/api/v1/stats?to=2026-11-01", "operator", nil).want(t, http.StatusOK, &stats)
		if stats.Satisfaction == nil || stats.Satisfaction.Published != 0 {
			t.Fatalf("satisfaction before the period: %+v", stats.Satisfaction)
		}
		var scoped StatsResponse
		e.do(t, "GET", "/api/v1/stats", "exec-a", nil).want(t, http.StatusOK, &scoped)
		if scoped.Satisfaction != nil {
			t.Fatalf("region-wide ratings in an executor's statistics: %+v", scoped.Satisfaction)
		}
		e.do(t, "GET", "/api/v1/stats?territory="+terIrkutsk, "operator", nil).want(t, http.StatusOK, &scoped)
		if scoped.Satisfaction != nil {
			t.Fatalf("region-wide ratings in a territory's statistics: %+v", scoped.Satisfaction)
		}

		// A second answer after the reopening gets a link of its own, rated «решено»: the incident stays resolved.
		a2 := e.publishFinal(t, id, "exec-a", "Задвижку заменили повторно 12 ноября, температура воды 62 градуса.")
		tok2 := e.rateLink(t, id, a2.ID)
		if tok2 == tok {
			t.Fatal("the same link for two answers")
		}
		e.public(t, "POST", workflow.RatePath+tok2, addr, `{"score":5,"solved":true}`).want(t, http.StatusOK, &view)
		if view.Status != model.StatusResolved {
			t.Fatalf("«решено» moved the incident to %s", view.Status)
		}
		e.do(t, "GET", "/api/v1/stats", "admin", nil).want(t, http.StatusOK, &stats)
		if s := stats.Satisfaction; s.Rated != 2 || s.Unsolved != 1 || *s.Mean != 3.5 {
			t.Fatalf("satisfaction after two verdicts: %+v", s)
		}
	})
}

func TestRatingRateLimit(t *testing.T) {
	e := newEnv(t, openTestStore(t))
	body := `{"score":3,"solved":true}`
	addr := "198.51.100.7:5555"
	for i := 0; i < RateBurst; i++ {
		e.public(t, "POST", workflow.RatePath+"unknownToken", addr, body).wantErr(t, 404, "not_found", "")
	}
	r := e.public(t, "POST", workflow.RatePath+"unknownToken", addr, body)
	r.wantErr(t, http.StatusTooManyRequests, "rate_limited", "")
	if ra := r.header.Get("Retry-After"); ra != "3" {
		t.Fatalf("Retry-After %q, want 3", ra)
	}
	// Another address is not held back; reading is not limited.
	e.public(t, "POST", workflow.RatePath+"unknownToken", "198.51.100.8:5555", body).wantErr(t, 404, "not_found", "")
	e.public(t, "GET", workflow.RatePath+"unknownToken", addr, "").wantErr(t, 404, "not_found", "")
	// The bucket refills: one more every RateRefill.
	e.now = e.now.Add(RateRefill)
	e.public(t, "POST", workflow.RatePath+"unknownToken", addr, body).wantErr(t, 404, "not_found", "")
	e.public(t, "POST", workflow.RatePath+"unknownToken", addr, body).wantErr(t, http.StatusTooManyRequests, "rate_limited", "")
}

func TestIPLimiter(t *testing.T) {
	t0 := time.Date(2026, 11, 10, 0, 0, 0, 0, time.UTC)
	l := newIPLimiter(2, time.Second, 3)
	for _, c := range []struct {
		key  string
		at   time.Duration
		ok   bool
		wait time.Duration
	}{
		{"a", 0, true, 0},
		{"a", 0, true, 0},
		{"a", 0, false, time.Second},
		{"a", 500 * time.Millisecond, false, 500 * time.Millisecond},
		{"a", time.Second, true, 0}, // refilled to 1, taken
		{"b", time.Second, true, 0},
		{"c", time.Second, true, 0},
		{"c", time.Second, true, 0},
		{"a", 10 * time.Second, true, 0}, // refills to the burst, never beyond
		{"a", 10 * time.Second, true, 0},
		{"a", 10 * time.Second, false, time.Second},
	} {
		ok, wait := l.allow(c.key, t0.Add(c.at))
		if ok != c.ok || wait != c.wait {
			t.Fatalf("%s at %v: %v %v, want %v %v", c.key, c.at, ok, wait, c.ok, c.wait)
		}
	}
	// Memory stays bounded: a fourth address sweeps the refilled buckets first, then everything if need be.
	l.allow("d", t0.Add(11*time.Second))
	if len(l.buckets) > 3 {
		t.Fatalf("%d buckets tracked, at most 3", len(l.buckets))
	}
	for i := 0; i < 100; i++ {
		k := fmt.Sprintf("x%d", i)
		l.allow(k, t0.Add(12*time.Second))
		l.allow(k, t0.Add(12*time.Second))
		if len(l.buckets) > 3 {
			t.Fatalf("%d buckets tracked, at most 3", len(l.buckets))
		}
	}
}
