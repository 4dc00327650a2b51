package api

import (
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

func TestLifecycle(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		t.Run("assign to answer to reopen", func(t *testing.T) { testFullLifecycle(t, e) })
		t.Run("reject and restore", func(t *testing.T) { testRejectRestore(t, e) })
		t.Run("merge", func(t *testing.T) { testMerge(t, e) })
		t.Run("roles", func(t *testing.T) { testRoles(t, e) })
	})
}

func testFullLifecycle(t *testing.T, e *env) {
	inc := e.newIncident(t, "Третий день нет отопления в квартире на улице Ленина, 5", "zhkh.heating", terIrkutsk)
	id := inc.ID
	if inc.Status != model.StatusNew || inc.Priority != model.PriorityHigh || inc.ReactionDue == nil {
		t.Fatalf("new incident = %+v", inc)
	}
	// Not yet anyone's: executors do not see it.
	e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), "exec-a", nil, 404, "not_found", "", id)

	// assign by code, then reassign by id.
	inc = e.mustAct(t, "operator", id, "assign", map[string]any{"executor": "uk-a"}, model.StatusAssigned)
	if inc.ExecutorCode != "uk-a" {
		t.Fatalf("executor %q", inc.ExecutorCode)
	}
	e.refused(t, "POST", actionPath(id, "assign"), "operator", map[string]any{"executor": "uk-a"}, 422, "invalid", "executor_id", id)
	e.refused(t, "POST", actionPath(id, "assign"), "operator", map[string]any{"executor": "no-such"}, 422, "invalid", "executor", id)
	e.refused(t, "POST", actionPath(id, "assign"), "operator", map[string]any{}, 422, "invalid", "executor_id", id)
	inc = e.mustAct(t, "operator", id, "assign", map[string]any{"executor_id": e.exec["adm-b"]}, model.StatusAssigned)
	if inc.ExecutorID != e.exec["adm-b"] {
		t.Fatalf("reassigned to %d", inc.ExecutorID)
	}

	// Another organisation's incident: executor A neither sees nor acts on it (404, not 403: nothing leaks).
	e.refused(t, "POST", actionPath(id, "accept"), "exec-a", nil, 404, "not_found", "", id)
	e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), "exec-a", nil, 404, "not_found", "", id)
	e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%s", inc.Number), "exec-a", nil, 404, "not_found", "", id)

	// decline needs a reason; the decliner is then excluded.
	e.refused(t, "POST", actionPath(id, "decline"), "exec-b", nil, 422, "invalid", "reason", id)
	e.refused(t, "POST", actionPath(id, "decline"), "exec-b", map[string]any{"reason": "   "}, 422, "invalid", "reason", id)
	inc = e.mustAct(t, "exec-b", id, "decline", map[string]any{"reason": "Не наша компетенция: дом обслуживает УК"}, model.StatusNew)
	if inc.ExecutorID != 0 || !slices.Contains(inc.ExcludedExecutor, e.exec["adm-b"]) {
		t.Fatalf("after decline = %+v", inc)
	}
	e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), "exec-b", nil, 404, "not_found", "", id)
	e.refused(t, "POST", actionPath(id, "assign"), "operator", map[string]any{"executor": "adm-b"}, 422, "invalid", "executor_id", id)
	e.mustAct(t, "operator", id, "assign", map[string]any{"executor": "uk-a"}, model.StatusAssigned)

	// accept: only the assigned executor, only once.
	for _, who := range []string{"supervisor", "operator", "moderator", "admin"} {
		e.refused(t, "POST", actionPath(id, "accept"), who, nil, 403, "forbidden", "", id)
	}
	e.refused(t, "POST", actionPath(id, "reopen"), "operator", nil, 409, "conflict", "", id)
	e.mustAct(t, "exec-a", id, "accept", nil, model.StatusInWork)
	e.refused(t, "POST", actionPath(id, "accept"), "exec-a", nil, 409, "conflict", "", id)
	e.refused(t, "POST", actionPath(id, "assign"), "operator", map[string]any{"executor": "adm-b"}, 409, "conflict", "", id)
	e.refused(t, "POST", actionPath(id, "reject"), "operator", map[string]any{"reason": "спам"}, 409, "conflict", "", id)

	// set_category by code and set_priority; the urgent priority shortens the reaction clock.
	e.refused(t, "POST", actionPath(id, "set_category"), "operator", map[string]any{"category": "nope"}, 422, "invalid", "category", id)
	e.refused(t, "POST", actionPath(id, "set_category"), "exec-a", map[string]any{"category": "zhkh.water"}, 403, "forbidden", "", id)
	inc = e.mustAct(t, "operator", id, "set_category", map[string]any{"category": "zhkh.water"}, model.StatusInWork)
	if inc.CategoryCode != "zhkh.water" {
		t.Fatalf("category %q", inc.CategoryCode)
	}
	before := *inc.ReactionDue
	e.refused(t, "POST", actionPath(id, "set_priority"), "operator", map[string]any{"priority": "critical"}, 422, "invalid", "priority", id)
	e.refused(t, "POST", actionPath(id, "set_priority"), "operator", map[string]any{}, 422, "invalid", "priority", id)
	inc = e.mustAct(t, "operator", id, "set_priority", map[string]any{"priority": "urgent"}, model.StatusInWork)
	if inc.Priority != model.PriorityUrgent || !inc.ReactionDue.Before(before) {
		t.Fatalf("urgent: priority %s, reaction due %v (was %v)", inc.Priority, inc.ReactionDue, before)
	}

	// An interim answer: create, edit, submit, return, edit, submit, approve, publish.
	answers := fmt.Sprintf("/api/v1/incidents/%d/answers", id)
	e.refused(t, "POST", answers, "exec-a", map[string]any{"kind": "partial", "text": "Текст"}, 422, "invalid", "kind", id)
	e.refused(t, "POST", answers, "exec-a", map[string]any{"kind": "interim", "text": " "}, 422, "invalid", "text", id)
	e.refused(t, "POST", answers, "exec-a", map[string]any{"kind": "interim"}, 422, "invalid", "text", id)
	e.refused(t, "POST", answers, "exec-a", map[string]any{"kind": "interim", "text": "Т", "due_date": "next week"}, 422, "invalid", "due_date", id)
	e.refused(t, "POST", answers, "exec-b", map[string]any{"kind": "interim", "text": "Т"}, 404, "not_found", "", id)
	e.refused(t, "POST", answers, "operator", map[string]any{"kind": "interim", "text": "Т"}, 403, "forbidden", "", id)
	var ans model.Answer
	e.do(t, "POST", answers, "exec-a", map[string]any{"kind": "interim", "text": "Заявка принята, бригада выедет.", "due_date": "2026-11-20"}).want(t, http.StatusCreated, &ans)
	if ans.State != model.AnswerDraft || ans.DueDate == nil || ans.DueDate.In(irkutsk).Format("2006-01-02 15:04") != "2026-11-20 23:59" {
		t.Fatalf("answer = %+v", ans)
	}
	aid := ans.ID
	ansAct := func(login, action string, body any, want model.AnswerState) {
		t.Helper()
		var a model.Answer
		e.do(t, "POST", answerPath(aid, action), login, body).want(t, http.StatusOK, &a)
		if a.State != want {
			t.Fatalf("%s %s: state %s, want %s", login, action, a.State, want)
		}
	}
	e.refused(t, "POST", answerPath(aid, "edit"), "exec-a", map[string]any{"text": ""}, 422, "invalid", "text", id)
	ansAct("exec-a", "edit", map[string]any{"text": "Заявка принята, бригада выедет 12 ноября до 18:00."}, model.AnswerDraft)
	e.refused(t, "POST", answerPath(aid, "approve"), "moderator", nil, 409, "conflict", "", id)
	ansAct("exec-a", "submit", nil, model.AnswerOnReview)
	var queue struct{ Items []model.Answer }
	e.do(t, "GET", "/api/v1/answers?state=on_review", "moderator", nil).want(t, 200, &queue)
	if len(queue.Items) != 1 || queue.Items[0].ID != aid {
		t.Fatalf("moderation queue = %+v", queue.Items)
	}
	e.do(t, "GET", "/api/v1/answers", "exec-b", nil).want(t, 200, &queue)
	if len(queue.Items) != 0 {
		t.Fatalf("executor B sees %+v", queue.Items)
	}
	e.refused(t, "GET", fmt.Sprintf("/api/v1/answers/%d", aid), "exec-b", nil, 404, "not_found", "", id)
	e.refused(t, "POST", answerPath(aid, "edit"), "exec-a", map[string]any{"text": "ещё"}, 409, "conflict", "", id)
	e.refused(t, "POST", answerPath(aid, "approve"), "exec-a", nil, 403, "forbidden", "", id)
	e.refused(t, "POST", answerPath(aid, "approve"), "supervisor", nil, 403, "forbidden", "", id)
	e.refused(t, "POST", answerPath(aid, "publish"), "moderator", nil, 409, "conflict", "", id)
	e.refused(t, "POST", answerPath(aid, "return"), "moderator", nil, 422, "invalid", "comment", id)
	e.refused(t, "POST", answerPath(aid, "publish_failed"), "moderator", nil, 422, "invalid", "action", id)
	ansAct("moderator", "return", map[string]any{"comment": "Укажите точный срок"}, model.AnswerReturned)
	ansAct("exec-a", "edit", map[string]any{"text": "Бригада выедет 12 ноября, тепло дадут до 18:00.", "due_date": "2026-11-12T18:00:00+08:00"}, model.AnswerDraft)
	ansAct("exec-a", "submit", nil, model.AnswerOnReview)
	ansAct("moderator", "approve", nil, model.AnswerApproved)
	e.now = e.now.Add(time.Hour)
	ansAct("moderator", "publish", map[string]any{"external_id": "wall-1_55"}, model.AnswerPublished)
	inc = e.incident(t, id)
	if inc.Status != model.StatusInterim || inc.FirstReactionAt == nil || inc.ResolutionDue == nil || inc.DueAt == nil || !inc.DueAt.Equal(*inc.ResolutionDue) {
		t.Fatalf("after interim = %+v", inc)
	}

	// A final answer submitted at once, approved and published: resolved.
	e.do(t, "POST", answers, "exec-a", map[string]any{"kind": "final", "text": "Отопление восстановлено 12 ноября.", "submit": true}).want(t, http.StatusCreated, &ans)
	if ans.State != model.AnswerOnReview {
		t.Fatalf("submitted at once: %s", ans.State)
	}
	aid = ans.ID
	ansAct("moderator", "approve", nil, model.AnswerApproved)
	ansAct("admin", "publish", nil, model.AnswerPublished)
	inc = e.incident(t, id)
	if inc.Status != model.StatusResolved || inc.ResolvedAt == nil || inc.DueAt != nil {
		t.Fatalf("after final = %+v", inc)
	}
	e.refused(t, "POST", answers, "exec-a", map[string]any{"kind": "final", "text": "ещё"}, 409, "conflict", "", id)

	// reopen: operator only, only when resolved.
	e.refused(t, "POST", actionPath(id, "reopen"), "exec-a", nil, 403, "forbidden", "", id)
	inc = e.mustAct(t, "operator", id, "reopen", map[string]any{"reason": "Житель пишет, что батареи снова холодные"}, model.StatusInWork)
	if inc.ResolvedAt != nil || inc.DueAt == nil {
		t.Fatalf("after reopen = %+v", inc)
	}
	e.refused(t, "POST", actionPath(id, "reopen"), "operator", nil, 409, "conflict", "", id)

	// After a decline the router looks for the next executor and records its decision; here it left the incident
	// in triage ("routed", status new: checked right after the decline above), and the operator assigned it.
	want := []string{"created", "assign", "assign", "decline", "routed", "assign", "accept", "set_category", "set_priority",
		"answer.create", "answer.edit", "answer.submit", "answer.return", "answer.edit", "answer.submit", "answer.approve",
		"publish_interim", "answer.publish", "answer.create", "answer.approve", "publish_final", "answer.publish", "reopen"}
	var d IncidentDetail
	e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%s", inc.Number), "supervisor", nil).want(t, 200, &d)
	got := make([]string, len(d.Events))
	for i, ev := range d.Events {
		got[i] = ev.Type
		if ev.Actor == "" || ev.At.IsZero() {
			t.Fatalf("event %+v lacks actor or time", ev)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events:\n got %v\nwant %v", got, want)
	}
	if len(d.Messages) != 1 || len(d.Answers) != 2 || d.Incident.ID != id {
		t.Fatalf("detail: %d messages, %d answers", len(d.Messages), len(d.Answers))
	}
}

func testRejectRestore(t *testing.T, e *env) {
	inc := e.newIncident(t, "Спасибо за новую детскую площадку!", "", terAngarsk)
	id := inc.ID
	e.refused(t, "POST", actionPath(id, "reject"), "operator", nil, 422, "invalid", "reason", id)
	e.refused(t, "POST", actionPath(id, "reject"), "moderator", map[string]any{"reason": "благодарность"}, 403, "forbidden", "", id)
	e.refused(t, "POST", actionPath(id, "reject"), "sup-angarsk", map[string]any{"reason": "благодарность"}, 403, "forbidden", "", id)
	e.refused(t, "POST", actionPath(id, "reject"), "exec-b", map[string]any{"reason": "благодарность"}, 404, "not_found", "", id)
	e.refused(t, "POST", actionPath(id, "restore"), "operator", nil, 409, "conflict", "", id)
	inc = e.mustAct(t, "operator", id, "reject", map[string]any{"reason": "Благодарность, не обращение"}, model.StatusRejected)
	if inc.RejectReason == "" || inc.DueAt != nil {
		t.Fatalf("rejected = %+v", inc)
	}
	e.refused(t, "POST", actionPath(id, "reject"), "operator", map[string]any{"reason": "ещё раз"}, 409, "conflict", "", id)
	e.refused(t, "POST", actionPath(id, "assign"), "operator", map[string]any{"executor": "adm-b"}, 409, "conflict", "", id)
	inc = e.mustAct(t, "operator", id, "restore", nil, model.StatusNew)
	if inc.RejectReason != "" || inc.DueAt == nil {
		t.Fatalf("restored = %+v", inc)
	}
	if got := e.eventTypes(t, id); !slices.Equal(got, []string{"created", "reject", "restore"}) {
		t.Fatalf("events %v", got)
	}
}

func testMerge(t *testing.T, e *env) {
	a := e.newIncident(t, "Яма на дороге у остановки Школьная", "roads.potholes", terShelek)
	b := e.newIncident(t, "Огромная яма у остановки Школьная, машины бьют колёса", "roads.potholes", terShelek)
	e.refused(t, "POST", actionPath(a.ID, "merge"), "operator", nil, 422, "invalid", "target_id", a.ID, b.ID)
	e.refused(t, "POST", actionPath(a.ID, "merge"), "operator", map[string]any{"target_id": a.ID}, 422, "invalid", "target_id", a.ID, b.ID)
	e.refused(t, "POST", actionPath(a.ID, "merge"), "operator", map[string]any{"target": "38-2026-999999"}, 422, "invalid", "target", a.ID, b.ID)
	e.refused(t, "POST", actionPath(a.ID, "merge"), "operator", map[string]any{"target_id": 999999}, 422, "invalid", "target_id", a.ID, b.ID)
	e.refused(t, "POST", actionPath(a.ID, "merge"), "moderator", map[string]any{"target": b.Number}, 403, "forbidden", "", a.ID, b.ID)
	inc := e.mustAct(t, "operator", a.ID, "merge", map[string]any{"target": b.Number}, model.StatusMerged)
	if inc.MergedInto != b.ID || inc.DueAt != nil {
		t.Fatalf("merged = %+v", inc)
	}
	var d IncidentDetail
	e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", b.ID), "operator", nil).want(t, 200, &d)
	if d.Incident.MessageCount != 2 || len(d.Messages) != 2 {
		t.Fatalf("survivor: %d messages counted, %d listed", d.Incident.MessageCount, len(d.Messages))
	}
	e.refused(t, "POST", actionPath(a.ID, "merge"), "operator", map[string]any{"target_id": b.ID}, 409, "conflict", "", a.ID, b.ID)
	e.refused(t, "POST", actionPath(b.ID, "merge"), "operator", map[string]any{"target_id": a.ID}, 422, "invalid", "target_id", a.ID, b.ID)
	if got := e.eventTypes(t, a.ID); !slices.Equal(got, []string{"created", "merge"}) {
		t.Fatalf("events of the merged one %v", got)
	}
	if got := e.eventTypes(t, b.ID); !slices.Equal(got, []string{"created", "merged_in"}) {
		t.Fatalf("events of the survivor %v", got)
	}
}

func testRoles(t *testing.T, e *env) {
	inc := e.newIncident(t, "Не вывозят мусор во дворе дома 12", "zhkh", terAngarsk)
	id := inc.ID
	e.mustAct(t, "operator", id, "assign", map[string]any{"executor": "adm-b"}, model.StatusAssigned)
	// The assigned executor may not triage.
	for _, act := range []string{"assign", "reject", "restore", "merge", "reopen", "set_category", "set_priority"} {
		e.refused(t, "POST", actionPath(id, act), "exec-b", map[string]any{"reason": "x"}, 403, "forbidden", "", id)
	}
	// A supervisor reads everything in scope but does nothing.
	for _, sup := range []string{"supervisor", "sup-angarsk"} {
		e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", id), sup, nil).want(t, 200, nil)
		for _, act := range []string{"assign", "accept", "decline", "set_priority"} {
			e.refused(t, "POST", actionPath(id, act), sup, map[string]any{"reason": "x", "executor": "uk-a", "priority": "high"}, 403, "forbidden", "", id)
		}
	}
	// Actions that are not the caller's to request.
	e.refused(t, "POST", actionPath(id, "publish_final"), "admin", nil, 422, "invalid", "action", id)
	e.refused(t, "POST", actionPath(id, "close"), "admin", nil, 422, "invalid", "action", id)
	// An incident outside a supervisor's territory is not found.
	other := e.newIncident(t, "Разбит фонарь у школы", "", terIrkutsk)
	e.refused(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", other.ID), "sup-angarsk", nil, 404, "not_found", "", other.ID)
	e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", other.ID), "supervisor", nil).want(t, 200, nil)
	// Users: admin only.
	e.do(t, "GET", "/api/v1/users", "admin", nil).want(t, 200, nil)
	for _, who := range []string{"operator", "moderator", "exec-a", "supervisor"} {
		e.do(t, "GET", "/api/v1/users", who, nil).wantErr(t, 403, "forbidden", "")
	}
}
