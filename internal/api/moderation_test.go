package api

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/quality"
	"github.com/otklik/otklik/internal/store"
)

// Answers written for these tests: a formal reply (a promise to forward, nothing concrete) and concrete ones
// (what will be done, where, by whom, by when, how to reach them).
const (
	formalText = "Ваше обращение рассмотрено. Информация будет направлена в компетентную организацию для рассмотрения в установленном порядке."
	vagueText  = "Спасибо за обращение. Мы разберёмся с отоплением."
	goodText   = "Здравствуйте! Завтра, 11 ноября, с 9:00 до 12:00 слесари управляющей компании проверят стояк отопления " +
		"в вашем подъезде и спустят воздух из батарей. Если к вечеру батареи останутся холодными, позвоните мастеру участка " +
		"по телефону 8 (3952) 00-12-34."
)

// inWork opens an incident, assigns it to the executor and has the executor accept it.
func (e *env) inWork(t *testing.T, text, category, territory, executor, login string) model.Incident {
	t.Helper()
	inc := e.newIncident(t, text, category, territory)
	e.mustAct(t, "operator", inc.ID, "assign", map[string]any{"executor": executor}, model.StatusAssigned)
	return e.mustAct(t, login, inc.ID, "accept", nil, model.StatusInWork)
}

func (e *env) grade(t *testing.T, login string, id int64, kind, text string) quality.Grades {
	t.Helper()
	var g quality.Grades
	e.do(t, "POST", "/api/v1/answers/grade", login, map[string]any{"incident_id": id, "kind": kind, "text": text}).want(t, http.StatusOK, &g)
	return g
}

func TestGradePreview(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		inc := e.inWork(t, "Третий день холодные батареи в квартире, когда дадут отопление?", "zhkh.heating", terIrkutsk, "uk-a", "exec-a")
		formal := e.grade(t, "exec-a", inc.ID, "interim", formalText)
		vague := e.grade(t, "exec-a", inc.ID, "interim", vagueText)
		good := e.grade(t, "exec-a", inc.ID, "interim", goodText)
		t.Logf("informative: formal %d, vague %d, good %d", formal.Informative, vague.Informative, good.Informative)
		if !formal.Formal || len(formal.FormalReasons) == 0 {
			t.Fatalf("a formal reply is not flagged: %+v", formal)
		}
		if good.Formal {
			t.Fatalf("a concrete answer is flagged formal: %+v", good.FormalReasons)
		}
		if !(good.Informative > vague.Informative && good.Informative > formal.Informative) {
			t.Fatalf("informative: formal %d, vague %d, good %d: the concrete answer must be highest", formal.Informative, vague.Informative, good.Informative)
		}
		// Who may preview: the incident's executor, moderators, operators, admins.
		for _, who := range []string{"moderator", "operator", "admin"} {
			if g := e.grade(t, who, inc.ID, "interim", goodText); g.Informative != good.Informative {
				t.Fatalf("%s sees informative %d, the executor %d", who, g.Informative, good.Informative)
			}
		}
		path := "/api/v1/answers/grade"
		body := func(kv ...any) map[string]any {
			m := map[string]any{"incident_id": inc.ID, "kind": "interim", "text": goodText}
			for i := 0; i < len(kv); i += 2 {
				if kv[i+1] == nil {
					delete(m, kv[i].(string))
				} else {
					m[kv[i].(string)] = kv[i+1]
				}
			}
			return m
		}
		e.refused(t, "POST", path, "supervisor", body(), 403, "forbidden", "", inc.ID)
		e.refused(t, "POST", path, "exec-b", body(), 404, "not_found", "", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("incident_id", 999999), 404, "not_found", "", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("incident_id", nil), 422, "invalid", "incident_id", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("kind", "partial"), 422, "invalid", "kind", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("kind", nil), 422, "invalid", "kind", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("text", strings.Repeat("я", 10001)), 422, "invalid", "text", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("attachments", make([]string, 11)), 422, "invalid", "attachments", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("txt", "x"), 422, "invalid", "txt", inc.ID)
		e.refused(t, "POST", path, "exec-a", body("incident_id", "one"), 422, "invalid", "incident_id", inc.ID)
		e.refused(t, "POST", path, "exec-a", `{"incident_id":`, 400, "invalid_json", "", inc.ID)
		e.refused(t, "POST", path, "", body(), 401, "unauthorized", "", inc.ID)
		e.refused(t, "GET", path, "exec-a", nil, 405, "method_not_allowed", "", inc.ID)
		// The literal "grade" does not shadow answer ids, nor the other way round.
		e.refused(t, "GET", "/api/v1/answers/99999", "operator", nil, 404, "not_found", "")
	})
}

func TestRegionSettingsAndAutoApproval(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var reg model.Region
		e.do(t, "GET", "/api/v1/region", "exec-a", nil).want(t, http.StatusOK, &reg)
		if reg.Code != "38" || reg.Settings.AutoApprove != 0 {
			t.Fatalf("region = %+v", reg)
		}
		set := "/api/v1/region/settings"
		for _, c := range []struct {
			login  string
			body   any
			status int
			code   string
			field  string
		}{
			{"operator", map[string]any{"auto_approve": 60}, 403, "forbidden", ""},
			{"moderator", map[string]any{"auto_approve": 60}, 403, "forbidden", ""},
			{"admin", map[string]any{"auto_approve": 101}, 422, "invalid", "auto_approve"},
			{"admin", map[string]any{"auto_approve": -1}, 422, "invalid", "auto_approve"},
			{"admin", map[string]any{"auto_approve": "high"}, 422, "invalid", "auto_approve"},
			{"admin", map[string]any{}, 422, "invalid", "auto_approve"},
			{"admin", map[string]any{"auto_approve": 60, "quorum": 2}, 422, "invalid", "quorum"},
			{"admin", map[string]any{"auto_approve": 60, "deadlines": map[string]any{"warn_percent": 100}}, 422, "invalid", "deadlines.warn_percent"},
			{"admin", map[string]any{"auto_approve": 60, "deadlines": map[string]any{"reception_answer_days": 45}}, 422, "invalid", "deadlines.reception_answer_days"},
			{"admin", map[string]any{"auto_approve": 60, "deadlines": map[string]any{"reaction_hours": "сутки"}}, 422, "invalid", "deadlines.reaction_hours"},
			{"admin", "{", 400, "invalid_json", ""},
		} {
			e.do(t, "PUT", set, c.login, c.body).wantErr(t, c.status, c.code, c.field)
		}
		e.do(t, "GET", "/api/v1/region", "admin", nil).want(t, http.StatusOK, &reg)
		if reg.Settings.AutoApprove != 0 {
			t.Fatalf("a refused change was stored: %+v", reg.Settings)
		}

		// Without auto-approval a good answer waits for the moderator.
		inc := e.inWork(t, "Холодные батареи в подъезде третий день", "zhkh.heating", terIrkutsk, "uk-a", "exec-a")
		answers := fmt.Sprintf("/api/v1/incidents/%d/answers", inc.ID)
		var a model.Answer
		e.do(t, "POST", answers, "exec-a", map[string]any{"kind": "interim", "text": goodText, "submit": true}).want(t, http.StatusCreated, &a)
		if a.State != model.AnswerOnReview || a.Formal == nil || *a.Formal || len(a.Grades) == 0 {
			t.Fatalf("without auto-approval: %+v", a)
		}

		e.do(t, "PUT", set, "admin", map[string]any{"auto_approve": 60}).want(t, http.StatusOK, &reg)
		if reg.Settings.AutoApprove != 60 {
			t.Fatalf("after PUT: %+v", reg.Settings)
		}
		e.do(t, "GET", "/api/v1/region", "supervisor", nil).want(t, http.StatusOK, &reg)
		if reg.Settings.AutoApprove != 60 {
			t.Fatalf("GET after PUT: %+v", reg.Settings)
		}
		// The region's terms: set as a whole, kept by a PUT that leaves them out.
		terms := model.Deadlines{ReactionHours: 12, WarnPercent: 60, ReceptionAnswerDays: 15}
		e.do(t, "PUT", set, "admin", map[string]any{"auto_approve": 60, "deadlines": terms}).want(t, http.StatusOK, &reg)
		e.do(t, "PUT", set, "admin", map[string]any{"auto_approve": 60}).want(t, http.StatusOK, &reg)
		e.do(t, "GET", "/api/v1/region", "operator", nil).want(t, http.StatusOK, &reg)
		if reg.Settings.Deadlines != terms {
			t.Fatalf("terms after PUT: %+v, want %+v", reg.Settings.Deadlines, terms)
		}
		var reset model.Region
		e.do(t, "PUT", set, "admin", map[string]any{"auto_approve": 60, "deadlines": map[string]any{}}).want(t, http.StatusOK, &reset)
		if reset.Settings.Deadlines != (model.Deadlines{}) {
			t.Fatalf("terms reset to the defaults: %+v", reset.Settings.Deadlines)
		}
		inc2 := e.inWork(t, "В квартире не греют батареи, холодно детям", "zhkh.heating", terIrkutsk, "uk-a", "exec-a")
		g := e.grade(t, "exec-a", inc2.ID, "interim", goodText)
		if g.Formal || g.Plain < 60 || g.Informative < 60 {
			t.Fatalf("the good answer does not reach the threshold 60 (plain %d, informative %d, formal %v): fix the test text", g.Plain, g.Informative, g.Formal)
		}
		answers2 := fmt.Sprintf("/api/v1/incidents/%d/answers", inc2.ID)
		e.do(t, "POST", answers2, "exec-a", map[string]any{"kind": "interim", "text": goodText, "submit": true}).want(t, http.StatusCreated, &a)
		if a.State != model.AnswerApproved || a.ReviewerID != 0 {
			t.Fatalf("a good answer under auto_approve=60: %s", a.State)
		}
		// A formal reply still goes to the moderator, whether submitted at once or later.
		e.do(t, "POST", answers2, "exec-a", map[string]any{"kind": "interim", "text": formalText, "submit": true}).want(t, http.StatusCreated, &a)
		if a.State != model.AnswerOnReview || a.Formal == nil || !*a.Formal {
			t.Fatalf("a formal reply under auto_approve=60: %+v", a)
		}
		e.do(t, "POST", answers2, "exec-a", map[string]any{"kind": "interim", "text": formalText}).want(t, http.StatusCreated, &a)
		e.do(t, "POST", answerPath(a.ID, "submit"), "exec-a", nil).want(t, http.StatusOK, &a)
		if a.State != model.AnswerOnReview {
			t.Fatalf("a formal reply submitted later under auto_approve=60: %s", a.State)
		}
		types := e.eventTypes(t, inc2.ID)
		if !strings.Contains(strings.Join(types, " "), "answer.approve") {
			t.Fatalf("no approval event: %v", types)
		}
		var queue struct{ Items []model.Answer }
		e.do(t, "GET", "/api/v1/answers?state=on_review", "moderator", nil).want(t, 200, &queue)
		if len(queue.Items) != 3 {
			t.Fatalf("moderation queue holds %d answers, want 3 (one before auto-approval, two formal)", len(queue.Items))
		}
		// Turning it off again.
		var off model.Region
		e.do(t, "PUT", set, "admin", map[string]any{"auto_approve": 0}).want(t, http.StatusOK, &off)
		if off.Code != "38" || off.Settings.AutoApprove != 0 {
			t.Fatalf("off: %+v", off)
		}
	})
}
