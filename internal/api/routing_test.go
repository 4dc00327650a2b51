package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

func (e *env) route(t *testing.T, login string, ref any) RouteDecision {
	t.Helper()
	var d RouteDecision
	e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%v/route", ref), login, nil).want(t, http.StatusOK, &d)
	return d
}

// newIncidentAt opens an incident whose message names an address.
func (e *env) newIncidentAt(t *testing.T, text, category, territory, address string) model.Incident {
	t.Helper()
	e.seq++
	m := msg(fmt.Sprintf("addr-%d", e.seq), text, category, territory)
	m["address"] = address
	res := e.ingest(t, m)
	return e.incident(t, res.Results[0].IncidentID)
}

var testRules = []map[string]any{
	{"position": 10, "category": "zhkh", "territory": terIrkutsk, "executor": "uk-a", "note": "жилой фонд Иркутска"},
	{"position": 20, "category": "zhkh", "kind": "omsu", "executor": "adm-b"},
	{"position": 30, "category": "roads", "executor": "min-roads"},
}

func TestRoutingRulesDeclineAndReroute(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var list struct{ Items []store.RoutingRule }
		e.do(t, "GET", "/api/v1/routing/rules", "operator", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Fatalf("fresh table: %+v", list.Items)
		}
		// Before any rule: an Irkutsk heating problem has no rule and Irkutsk no administration in the fixture.
		inc := e.newIncident(t, "Холодно в квартире, батареи еле тёплые", "zhkh.heating", terIrkutsk)
		if d := e.route(t, "operator", inc.ID); d.Via != routing.ViaTriage || d.Executor != "" || d.Reason == "" {
			t.Fatalf("no rules: %+v", d)
		}

		e.do(t, "PUT", "/api/v1/routing/rules", "admin", map[string]any{"rules": testRules}).want(t, http.StatusOK, &list)
		if len(list.Items) != 3 || list.Items[0].Executor != "uk-a" || list.Items[2].Position != 30 || list.Items[0].ID == 0 {
			t.Fatalf("stored table: %+v", list.Items)
		}
		// The router sees the new table at once (the cache is dropped).
		d := e.route(t, "operator", inc.ID)
		if d.Via != routing.ViaRule || d.Executor != "uk-a" || d.RuleID != list.Items[0].ID || d.ExecutorName != "УК «Северная»" || !strings.Contains(d.Reason, "правило") {
			t.Fatalf("with rules: %+v", d)
		}
		if d2 := e.route(t, "admin", inc.Number); d2.Executor != "uk-a" || d2.Number != inc.Number {
			t.Fatalf("by number: %+v", d2)
		}
		// The operator follows it; the УК declines; the router sends it on to the next rule without the УК.
		e.mustAct(t, "operator", inc.ID, "assign", map[string]any{"executor": d.Executor}, model.StatusAssigned)
		if d := e.route(t, "operator", inc.ID); d.CurrentExecutor != "uk-a" {
			t.Fatalf("current executor: %+v", d)
		}
		after := e.mustAct(t, "exec-a", inc.ID, "decline", map[string]any{"reason": "Дом не в нашем управлении"}, model.StatusAssigned)
		if after.ExecutorCode != "adm-b" {
			t.Fatalf("re-routed to %q, want adm-b", after.ExecutorCode)
		}
		var det IncidentDetail
		e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", inc.ID), "operator", nil).want(t, http.StatusOK, &det)
		last := det.Events[len(det.Events)-1]
		var data map[string]any
		_ = json.Unmarshal(last.Data, &data)
		if last.Type != "assign" || last.Actor != "system" || data["via"] != routing.ViaRule || data["executor"] != "adm-b" {
			t.Fatalf("re-route event: %+v %s", last, last.Data)
		}
		if d := e.route(t, "operator", inc.ID); d.Executor != "adm-b" || d.CurrentExecutor != "adm-b" {
			t.Fatalf("after the decline: %+v", d)
		}
		// The second executor declines too: no rule is left, the incident waits in triage, and the reason says who refused.
		after = e.mustAct(t, "exec-b", inc.ID, "decline", map[string]any{"reason": "Не наша территория"}, model.StatusNew)
		if after.ExecutorID != 0 {
			t.Fatalf("after two declines: %+v", after)
		}
		if d := e.route(t, "operator", inc.ID); d.Via != routing.ViaTriage || !strings.Contains(d.Reason, "uk-a") || !strings.Contains(d.Reason, "adm-b") {
			t.Fatalf("after two declines: %+v", d)
		}

		// Who may see decisions: operators and admins; others 403, or 404 for what they cannot see.
		roads := e.inWork(t, "Яма на дороге у остановки", "roads.potholes", terShelek, "min-roads", "exec-c")
		if d := e.route(t, "operator", roads.ID); d.Via != routing.ViaRule || d.Executor != "min-roads" {
			t.Fatalf("roads: %+v", d)
		}
		for _, who := range []string{"moderator", "supervisor", "exec-c"} {
			e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d/route", roads.ID), who, nil, 403, "forbidden", "")
		}
		e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d/route", roads.ID), "exec-a", nil, 404, "not_found", "")
		e.refused(t, "GET", "/api/v1/incidents/999999/route", "operator", nil, 404, "not_found", "")
		e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d/route?why=1", roads.ID), "operator", nil, 422, "invalid", "why")

		// Reading the table: the centre and supervisors; executors may not.
		for _, who := range []string{"admin", "moderator", "supervisor"} {
			e.do(t, "GET", "/api/v1/routing/rules", who, nil).want(t, http.StatusOK, nil)
		}
		e.refused(t, "GET", "/api/v1/routing/rules", "exec-a", nil, 403, "forbidden", "")
	})
}

func TestRoutingRulesBadInput(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		path := "/api/v1/routing/rules"
		e.do(t, "PUT", path, "admin", map[string]any{"rules": testRules}).want(t, http.StatusOK, nil)
		with := func(i int, k string, v any) map[string]any {
			rules := make([]map[string]any, len(testRules))
			for j, r := range testRules {
				rules[j] = map[string]any{}
				for kk, vv := range r {
					rules[j][kk] = vv
				}
			}
			if v == nil {
				delete(rules[i], k)
			} else {
				rules[i][k] = v
			}
			return map[string]any{"rules": rules}
		}
		cases := []struct {
			name, login string
			body        any
			status      int
			code, field string
		}{
			{"operator", "operator", map[string]any{"rules": testRules}, 403, "forbidden", ""},
			{"moderator", "moderator", map[string]any{"rules": testRules}, 403, "forbidden", ""},
			{"executor", "exec-a", map[string]any{"rules": testRules}, 403, "forbidden", ""},
			{"unknown executor", "admin", with(2, "executor", "nobody"), 422, "invalid", "rules[2].executor"},
			{"no executor", "admin", with(1, "executor", nil), 422, "invalid", "rules[1].executor"},
			{"unknown category", "admin", with(0, "category", "zhkh.gas"), 422, "invalid", "rules[0].category"},
			{"unknown territory", "admin", with(0, "territory", "99999999"), 422, "invalid", "rules[0].territory"},
			{"unknown kind", "admin", with(1, "kind", "ministry"), 422, "invalid", "rules[1].kind"},
			{"kind not the executor's", "admin", with(1, "kind", "uk"), 422, "invalid", "rules[1].kind"},
			{"negative position", "admin", with(2, "position", -5), 422, "invalid", "rules[2].position"},
			{"position not a number", "admin", with(1, "position", "first"), 422, "invalid", "rules[1].position"},
			{"unknown field", "admin", with(1, "priority", 1), 422, "invalid", "rules[1].priority"},
			{"note too long", "admin", with(0, "note", strings.Repeat("x", MaxRuleNote+1)), 422, "invalid", "rules[0].note"},
			{"rule not an object", "admin", `{"rules":[1]}`, 422, "invalid", "rules[0]"},
			{"no rules field", "admin", `{}`, 422, "invalid", "rules"},
			{"empty body", "admin", nil, 422, "invalid", "rules"},
			{"malformed", "admin", `{"rules":[`, 400, "invalid_json", ""},
			{"oversize", "admin", `{"rules":[{"note":"` + strings.Repeat("я", MaxBody) + `"}]}`, 413, "too_large", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.do(t, "PUT", path, c.login, c.body).wantErr(t, c.status, c.code, c.field)
				var list struct{ Items []store.RoutingRule }
				e.do(t, "GET", path, "operator", nil).want(t, http.StatusOK, &list)
				if len(list.Items) != 3 || list.Items[2].Executor != "min-roads" {
					t.Fatalf("a refused table changed the stored one: %+v", list.Items)
				}
			})
		}
		// Positions left out follow the list; ids sent back from GET are ignored; an empty list clears the table.
		var list struct{ Items []store.RoutingRule }
		e.do(t, "PUT", path, "admin", map[string]any{"rules": []map[string]any{{"id": 77, "executor": "adm-b"}, {"executor": "uk-a", "category": "zhkh.water"}}}).want(t, http.StatusOK, &list)
		if len(list.Items) != 2 || list.Items[0].Position != 10 || list.Items[1].Position != 20 || list.Items[0].ID == 77 {
			t.Fatalf("implicit positions: %+v", list.Items)
		}
		e.do(t, "PUT", path, "admin", map[string]any{"rules": []any{}}).want(t, http.StatusOK, &list)
		if len(list.Items) != 0 {
			t.Fatalf("cleared: %+v", list.Items)
		}
	})
}

func TestBuildingRegistry(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		path := "/api/v1/routing/buildings"
		houses := []map[string]any{
			{"address": "ул. Ленина, д. 5", "territory": terIrkutsk, "executor": "uk-a"},
			{"address": "улица Байкальская, 12 корп. 2", "territory": terIrkutsk, "executor": "uk-a"},
			{"address": "микрорайон 7, дом 12", "territory": terAngarsk, "executor": "adm-b"},
		}
		var res BuildingsResult
		e.do(t, "POST", path, "admin", map[string]any{"buildings": houses}).want(t, http.StatusOK, &res)
		if res.Stored != 3 {
			t.Fatalf("stored %d", res.Stored)
		}
		// A bare array works too, and the same house again is an update, not a second row.
		e.do(t, "POST", path, "admin", []map[string]any{houses[0]}).want(t, http.StatusOK, &res)
		var page BuildingPage
		e.do(t, "GET", path, "operator", nil).want(t, http.StatusOK, &page)
		if page.Total != 3 || len(page.Items) != 3 {
			t.Fatalf("registry: %+v", page)
		}

		// A resident writes about the stairwell of a registered house, spelling the address another way.
		inc := e.newIncidentAt(t, "В подъезде не горит свет и сломан доводчик", "zhkh", terIrkutsk, "Ленина 5")
		d := e.route(t, "operator", inc.ID)
		if d.Via != routing.ViaBuilding || d.Executor != "uk-a" || !strings.Contains(d.Reason, "реестр") {
			t.Fatalf("house of the registry: %+v", d)
		}
		// Not a house problem: the registry does not apply; an unknown house: no building decision.
		if d := e.route(t, "operator", e.newIncidentAt(t, "Яма у дома", "roads.potholes", terIrkutsk, "ул. Ленина, 5").ID); d.Via == routing.ViaBuilding {
			t.Fatalf("roads went by the registry: %+v", d)
		}
		if d := e.route(t, "operator", e.newIncidentAt(t, "Течёт крыша", "zhkh", terIrkutsk, "ул. Ленина, 77").ID); d.Via == routing.ViaBuilding {
			t.Fatalf("an unknown house went by the registry: %+v", d)
		}

		// Pages and filters.
		e.do(t, "GET", path+"?limit=2", "admin", nil).want(t, http.StatusOK, &page)
		if page.Total != 3 || len(page.Items) != 2 || page.Limit != 2 {
			t.Fatalf("page 1: %+v", page)
		}
		first := page.Items[0].Address
		e.do(t, "GET", path+"?limit=2&offset=2", "admin", nil).want(t, http.StatusOK, &page)
		if page.Total != 3 || len(page.Items) != 1 || page.Items[0].Address == first {
			t.Fatalf("page 2: %+v", page)
		}
		e.do(t, "GET", path+"?territory="+terAngarsk, "supervisor", nil).want(t, http.StatusOK, &page)
		if page.Total != 1 || page.Items[0].Executor != "adm-b" {
			t.Fatalf("by territory: %+v", page)
		}
		e.do(t, "GET", path+"?q=байкальская", "moderator", nil).want(t, http.StatusOK, &page)
		if page.Total != 1 {
			t.Fatalf("by address: %+v", page)
		}
		// An executor sees its own houses only.
		e.do(t, "GET", path, "exec-a", nil).want(t, http.StatusOK, &page)
		if page.Total != 2 {
			t.Fatalf("exec-a sees %+v", page)
		}
		e.do(t, "GET", path+"?executor=adm-b", "exec-a", nil).want(t, http.StatusOK, &page)
		if page.Total != 0 || len(page.Items) != 0 {
			t.Fatalf("exec-a sees another's houses: %+v", page)
		}
		e.do(t, "GET", path, "exec-c", nil).want(t, http.StatusOK, &page)
		if page.Total != 0 {
			t.Fatalf("exec-c sees %+v", page)
		}

		bad := func(i int, k string, v any) map[string]any {
			list := make([]map[string]any, len(houses))
			for j, h := range houses {
				list[j] = map[string]any{}
				for kk, vv := range h {
					list[j][kk] = vv
				}
			}
			if v == nil {
				delete(list[i], k)
			} else {
				list[i][k] = v
			}
			return map[string]any{"buildings": list}
		}
		for _, c := range []struct {
			name, method, path, login string
			body                      any
			status                    int
			code, field               string
		}{
			{"operator writes", "POST", path, "operator", map[string]any{"buildings": houses}, 403, "forbidden", ""},
			{"executor writes", "POST", path, "exec-a", map[string]any{"buildings": houses}, 403, "forbidden", ""},
			{"no house number", "POST", path, "admin", bad(1, "address", "улица Байкальская"), 422, "invalid", "buildings[1].address"},
			{"no address", "POST", path, "admin", bad(2, "address", nil), 422, "invalid", "buildings[2].address"},
			{"unknown executor", "POST", path, "admin", bad(0, "executor", "uk-z"), 422, "invalid", "buildings[0].executor"},
			{"no executor", "POST", path, "admin", bad(0, "executor", nil), 422, "invalid", "buildings[0].executor"},
			{"unknown territory", "POST", path, "admin", bad(2, "territory", "123"), 422, "invalid", "buildings[2].territory"},
			{"unknown field", "POST", path, "admin", bad(2, "fias", "x"), 422, "invalid", "buildings[2].fias"},
			{"house not an object", "POST", path, "admin", `[1]`, 422, "invalid", "buildings[0]"},
			{"empty list", "POST", path, "admin", `{"buildings":[]}`, 422, "invalid", "buildings"},
			{"malformed", "POST", path, "admin", `[{"address":`, 400, "invalid_json", ""},
			{"bad limit", "GET", path + "?limit=0", "admin", nil, 422, "invalid", "limit"},
			{"bad offset", "GET", path + "?offset=-1", "admin", nil, 422, "invalid", "offset"},
			{"unknown territory filter", "GET", path + "?territory=1", "admin", nil, 422, "invalid", "territory"},
			{"unknown executor filter", "GET", path + "?executor=nobody", "admin", nil, 422, "invalid", "executor"},
			{"unknown parameter", "GET", path + "?page=2", "admin", nil, 422, "invalid", "page"},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.do(t, c.method, c.path, c.login, c.body).wantErr(t, c.status, c.code, c.field)
				var page BuildingPage
				e.do(t, "GET", path, "admin", nil).want(t, http.StatusOK, &page)
				if page.Total != 3 {
					t.Fatalf("a refused request changed the registry: %+v", page)
				}
			})
		}
	})
}
