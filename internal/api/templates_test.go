package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

func TestTemplates(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		path := "/api/v1/templates"
		heating := map[string]any{"category": "zhkh.heating", "kind": "interim", "title": "Отопление: выезд бригады",
			"text": "{name}, здравствуйте! По обращению № {number} о доме по адресу {address}: {date+2} слесари {executor} проверят стояк " +
				"отопления и спустят воздух из батарей. Если до {date} батареи останутся холодными, позвоните мастеру: 8 (3952) 00-12-34."}
		var tmpl store.Template
		r := e.do(t, "POST", path, "moderator", heating)
		r.want(t, http.StatusCreated, &tmpl)
		if tmpl.ID == 0 || tmpl.Kind != "interim" || tmpl.Category != "zhkh.heating" || r.header.Get("Location") != fmt.Sprintf("%s/%d", path, tmpl.ID) {
			t.Fatalf("created: %+v %v", tmpl, r.header)
		}
		var general, roads store.Template
		e.do(t, "POST", path, "admin", map[string]any{"kind": "interim", "title": "Общий", "text": "Обращение {number} принято, ответим до {date}."}).want(t, http.StatusCreated, &general)
		e.do(t, "POST", path, "admin", map[string]any{"category": "roads", "kind": "final", "title": "Яма заделана", "text": "Яму заделали."}).want(t, http.StatusCreated, &roads)

		var list struct{ Items []store.Template }
		e.do(t, "GET", path, "exec-a", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 3 {
			t.Fatalf("all templates: %+v", list.Items)
		}
		e.do(t, "GET", path+"?category=zhkh.heating", "exec-a", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 2 {
			t.Fatalf("for zhkh.heating (its own and the general one): %+v", list.Items)
		}
		e.do(t, "GET", path+"?category=roads.potholes", "supervisor", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 2 {
			t.Fatalf("for roads.potholes (its topic's and the general one): %+v", list.Items)
		}

		// Rendered for an incident: the placeholders filled in from it, and graded.
		e.seq++
		m := msg("tmpl-1", "Холодные батареи в квартире уже неделю", "zhkh.heating", terIrkutsk)
		m["author"], m["address"] = "Мария Ивановна", "ул. Ленина, 5"
		id := e.ingest(t, m).Results[0].IncidentID
		e.mustAct(t, "operator", id, "assign", map[string]any{"executor": "uk-a"}, model.StatusAssigned)
		inc := e.incident(t, id)
		var out RenderedTemplate
		e.do(t, "GET", fmt.Sprintf("%s/%d/render?incident=%d", path, tmpl.ID, id), "exec-a", nil).want(t, http.StatusOK, &out)
		for _, want := range []string{"Мария Ивановна, здравствуйте", "№ " + inc.Number, "по адресу ул. Ленина, 5", "УК «Северная»"} {
			if !strings.Contains(out.Text, want) {
				t.Fatalf("rendered text lacks %q: %s", want, out.Text)
			}
		}
		if strings.ContainsAny(out.Text, "{}") || len(regexp.MustCompile(`\d\d\.\d\d\.20\d\d`).FindAllString(out.Text, -1)) != 2 {
			t.Fatalf("placeholders left or dates missing: %s", out.Text)
		}
		if out.Kind != model.AnswerInterim || out.TemplateID != tmpl.ID || out.IncidentID != id || out.Grades.Formal || out.Grades.Informative == 0 || out.Grades.Plain == 0 {
			t.Fatalf("render: %+v", out)
		}
		// The grades are those of the same text written by hand.
		if g := e.grade(t, "exec-a", id, "interim", out.Text); g.Informative != out.Grades.Informative || g.Plain != out.Grades.Plain {
			t.Fatalf("render grades %d/%d, preview %d/%d", out.Grades.Plain, out.Grades.Informative, g.Plain, g.Informative)
		}
		// By number too; without a name the resident is greeted politely.
		var byNumber RenderedTemplate
		e.do(t, "GET", fmt.Sprintf("%s/%d/render?incident=%s", path, general.ID, inc.Number), "operator", nil).want(t, http.StatusOK, &byNumber)
		if !strings.HasPrefix(byNumber.Text, "Обращение "+inc.Number+" принято") {
			t.Fatalf("general template: %s", byNumber.Text)
		}
		plain := e.newIncident(t, "Течёт крыша над подъездом", "zhkh", terIrkutsk)
		e.do(t, "GET", fmt.Sprintf("%s/%d/render?incident=%d", path, tmpl.ID, plain.ID), "moderator", nil).want(t, http.StatusOK, &out)
		if !strings.HasPrefix(out.Text, "Уважаемый житель, здравствуйте") || !strings.Contains(out.Text, "указанному адресу") {
			t.Fatalf("no name, no address: %s", out.Text)
		}

		render := func(tid int64, q string) string { return fmt.Sprintf("%s/%d/render%s", path, tid, q) }
		before := e.snapshot(t, id)
		for _, c := range []struct {
			name, method, path, login string
			body                      any
			status                    int
			code, field               string
		}{
			{"operator writes", "POST", path, "operator", heating, 403, "forbidden", ""},
			{"executor writes", "POST", path, "exec-a", heating, 403, "forbidden", ""},
			{"supervisor writes", "POST", path, "supervisor", heating, 403, "forbidden", ""},
			{"unknown placeholder", "POST", path, "admin", map[string]any{"kind": "interim", "title": "x", "text": "Уважаемый {fio}!"}, 422, "invalid", "text"},
			{"bad date placeholder", "POST", path, "admin", map[string]any{"kind": "interim", "title": "x", "text": "до {date+week}"}, 422, "invalid", "text"},
			{"no text", "POST", path, "admin", map[string]any{"kind": "interim", "title": "x", "text": "  "}, 422, "invalid", "text"},
			{"text too long", "POST", path, "admin", map[string]any{"kind": "interim", "title": "x", "text": strings.Repeat("я", 10001)}, 422, "invalid", "text"},
			{"no title", "POST", path, "admin", map[string]any{"kind": "interim", "text": "Текст"}, 422, "invalid", "title"},
			{"title too long", "POST", path, "admin", map[string]any{"kind": "interim", "title": strings.Repeat("т", 201), "text": "Текст"}, 422, "invalid", "title"},
			{"bad kind", "POST", path, "admin", map[string]any{"kind": "draft", "title": "x", "text": "Текст"}, 422, "invalid", "kind"},
			{"unknown category", "POST", path, "admin", map[string]any{"category": "zhkh.gas", "kind": "final", "title": "x", "text": "Текст"}, 422, "invalid", "category"},
			{"unknown field", "POST", path, "admin", map[string]any{"kind": "final", "title": "x", "text": "Текст", "lang": "ru"}, 422, "invalid", "lang"},
			{"malformed", "POST", path, "admin", `{"kind":`, 400, "invalid_json", ""},
			{"list: unknown category", "GET", path + "?category=nope", "admin", nil, 422, "invalid", "category"},
			{"list: unknown parameter", "GET", path + "?kind=final", "admin", nil, 422, "invalid", "kind"},
			{"render: no incident", "GET", render(tmpl.ID, ""), "exec-a", nil, 422, "invalid", "incident"},
			{"render: unknown parameter", "GET", render(tmpl.ID, fmt.Sprintf("?incident=%d&x=1", id)), "exec-a", nil, 422, "invalid", "x"},
			{"render: another's incident", "GET", render(tmpl.ID, fmt.Sprintf("?incident=%d", id)), "exec-b", nil, 404, "not_found", ""},
			{"render: no such incident", "GET", render(tmpl.ID, "?incident=999999"), "operator", nil, 404, "not_found", ""},
			{"render: no such template", "GET", render(999999, fmt.Sprintf("?incident=%d", id)), "operator", nil, 404, "not_found", ""},
			{"render: garbage template id", "GET", path + "/abc/render?incident=1", "operator", nil, 404, "not_found", ""},
			{"delete: operator", "DELETE", fmt.Sprintf("%s/%d", path, tmpl.ID), "operator", nil, 403, "forbidden", ""},
			{"delete: executor", "DELETE", fmt.Sprintf("%s/%d", path, tmpl.ID), "exec-a", nil, 403, "forbidden", ""},
			{"delete: no such template", "DELETE", path + "/999999", "admin", nil, 404, "not_found", ""},
			{"delete: garbage id", "DELETE", path + "/x", "admin", nil, 404, "not_found", ""},
			{"GET one template", "GET", fmt.Sprintf("%s/%d", path, tmpl.ID), "admin", nil, 405, "method_not_allowed", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.do(t, c.method, c.path, c.login, c.body).wantErr(t, c.status, c.code, c.field)
			})
		}
		e.unchanged(t, before, id)
		e.do(t, "GET", path, "admin", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 3 {
			t.Fatalf("refused requests changed the templates: %+v", list.Items)
		}
		if r := e.do(t, "DELETE", fmt.Sprintf("%s/%d", path, roads.ID), "moderator", nil); r.status != http.StatusNoContent || len(r.body) != 0 {
			t.Fatalf("delete: %s", r)
		}
		e.do(t, "DELETE", fmt.Sprintf("%s/%d", path, roads.ID), "admin", nil).wantErr(t, 404, "not_found", "")
		e.do(t, "GET", path, "admin", nil).want(t, http.StatusOK, &list)
		if len(list.Items) != 2 {
			t.Fatalf("after delete: %+v", list.Items)
		}
	})
}
