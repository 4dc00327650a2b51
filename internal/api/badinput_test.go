package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/store"
)

func TestBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		inc := e.newIncident(t, "Во дворе дома 3 прорвало трубу, вода заливает подвал", "zhkh.water", terIrkutsk)
		e.mustAct(t, "operator", inc.ID, "assign", map[string]any{"executor": "uk-a"}, "assigned")
		id := inc.ID
		act := actionPath(id, "reject")
		big := `{"reason":"` + strings.Repeat("я", MaxBody) + `"}`
		cases := []struct {
			name, method, path, login string
			body                      any
			status                    int
			code, field               string
		}{
			{"malformed JSON", "POST", act, "operator", `{"reason": "спам"`, 400, "invalid_json", ""},
			{"not JSON at all", "POST", act, "operator", `reason=спам`, 400, "invalid_json", ""},
			{"trailing data", "POST", act, "operator", `{"reason":"спам"} {"reason":"ещё"}`, 400, "invalid_json", ""},
			{"array instead of object", "POST", act, "operator", `["спам"]`, 400, "invalid_json", ""},
			{"unknown field", "POST", act, "operator", `{"reason":"спам","reasn":"x"}`, 422, "invalid", "reasn"},
			{"wrong type", "POST", actionPath(id, "assign"), "operator", `{"executor_id":"uk-a"}`, 422, "invalid", "executor_id"},
			{"unknown priority", "POST", actionPath(id, "set_priority"), "operator", `{"priority":"asap"}`, 422, "invalid", "priority"},
			{"unknown category", "POST", actionPath(id, "set_category"), "operator", `{"category":"zhkh.gas"}`, 422, "invalid", "category"},
			{"category id and code disagree", "POST", actionPath(id, "set_category"), "operator", fmt.Sprintf(`{"category":"roads","category_id":%d}`, e.cat["zhkh"]), 422, "invalid", "category"},
			{"unknown action", "POST", actionPath(id, "escalate"), "operator", nil, 422, "invalid", "action"},
			{"oversize body", "POST", act, "operator", big, 413, "too_large", ""},
			{"no such incident", "POST", actionPath(99999, "reject"), "operator", `{"reason":"x"}`, 404, "not_found", ""},
			{"no such incident number", "GET", "/api/v1/incidents/38-2026-999999", "operator", nil, 404, "not_found", ""},
			{"garbage incident ref", "GET", "/api/v1/incidents/abc", "operator", nil, 404, "not_found", ""},
			{"no such answer", "GET", "/api/v1/answers/99999", "operator", nil, 404, "not_found", ""},
			{"unknown answer kind", "POST", fmt.Sprintf("/api/v1/incidents/%d/answers", id), "exec-a", `{"kind":"draft","text":"Текст"}`, 422, "invalid", "kind"},
			{"answer on an incident not in work", "POST", fmt.Sprintf("/api/v1/incidents/%d/answers", id), "exec-a", `{"kind":"final","text":"Текст"}`, 409, "conflict", ""},
			{"missing token", "GET", "/api/v1/incidents", "", nil, 401, "unauthorized", ""},
			{"missing token on a write", "POST", act, "", `{"reason":"спам"}`, 401, "unauthorized", ""},
			{"wrong method", "DELETE", fmt.Sprintf("/api/v1/incidents/%d", id), "admin", nil, 405, "method_not_allowed", ""},
			{"GET on an action", "GET", act, "admin", nil, 405, "method_not_allowed", ""},
			{"no such route", "GET", "/api/v1/nothing", "admin", nil, 404, "not_found", ""},
			{"list: unknown status", "GET", "/api/v1/incidents?status=new,foo", "admin", nil, 422, "invalid", "status"},
			{"list: unknown category", "GET", "/api/v1/incidents?category=nope", "admin", nil, 422, "invalid", "category"},
			{"list: unknown territory", "GET", "/api/v1/incidents?territory=00000000", "admin", nil, 422, "invalid", "territory"},
			{"list: unknown executor", "GET", "/api/v1/incidents?executor=nobody", "admin", nil, 422, "invalid", "executor"},
			{"list: unknown sort", "GET", "/api/v1/incidents?sort=x", "admin", nil, 422, "invalid", "sort"},
			{"list: limit not a number", "GET", "/api/v1/incidents?limit=abc", "admin", nil, 422, "invalid", "limit"},
			{"list: limit zero", "GET", "/api/v1/incidents?limit=0", "admin", nil, 422, "invalid", "limit"},
			{"list: limit too big", "GET", "/api/v1/incidents?limit=501", "admin", nil, 422, "invalid", "limit"},
			{"list: overdue not boolean", "GET", "/api/v1/incidents?overdue=maybe", "admin", nil, 422, "invalid", "overdue"},
			{"list: bad from", "GET", "/api/v1/incidents?from=yesterday", "admin", nil, 422, "invalid", "from"},
			{"list: bad to", "GET", "/api/v1/incidents?to=2026-13-01", "admin", nil, 422, "invalid", "to"},
			{"list: bad cursor", "GET", "/api/v1/incidents?cursor=!!!", "admin", nil, 422, "invalid", "cursor"},
			{"list: misspelt parameter", "GET", "/api/v1/incidents?stauts=new", "admin", nil, 422, "invalid", "stauts"},
			{"answers: unknown state", "GET", "/api/v1/answers?state=pending", "moderator", nil, 422, "invalid", "state"},
			{"stats: unknown territory", "GET", "/api/v1/stats?territory=1", "admin", nil, 422, "invalid", "territory"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.refused(t, c.method, c.path, c.login, c.body, c.status, c.code, c.field, id)
			})
		}
	})
}

func TestAuth(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		for _, hdr := range []string{"", "Bearer", "Bearer ", "Bearer otk_not-a-real-token", "Basic YWRtaW46YWRtaW4=", e.tok["admin"], "Token " + e.tok["admin"]} {
			req, _ := http.NewRequest("GET", "/api/v1/incidents", nil)
			if hdr != "" {
				req.Header.Set("Authorization", hdr)
			}
			rec := newRecorder(e, req)
			resp{status: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}.wantErr(t, 401, "unauthorized", "")
			if rec.Header().Get("WWW-Authenticate") == "" {
				t.Fatalf("%q: no WWW-Authenticate", hdr)
			}
		}
		// A disabled user's token stops working.
		if _, err := st.DB().ExecContext(context.Background(), `UPDATE users SET disabled = TRUE WHERE login = 'operator'`); err != nil {
			t.Fatal(err)
		}
		e.do(t, "GET", "/api/v1/incidents", "operator", nil).wantErr(t, 401, "unauthorized", "")
		e.do(t, "GET", "/api/v1/incidents", "admin", nil).want(t, 200, nil)
		// Public routes.
		var h map[string]string
		e.do(t, "GET", "/healthz", "", nil).want(t, 200, &h)
		if h["status"] != "ok" {
			t.Fatalf("healthz %v", h)
		}
		e.do(t, "GET", "/api/v1/openapi.json", "", nil).want(t, 200, nil)
		// A closed database fails the health check.
		st.Close()
		e.do(t, "GET", "/healthz", "", nil).want(t, 503, &h)
		if h["status"] != "unavailable" {
			t.Fatalf("healthz %v", h)
		}
	})
}
