package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// answerActions are the answer actions a caller may request (publication failures are the outbox's to record).
var answerActions = []model.AnswerAction{model.AnsEdit, model.AnsSubmit, model.AnsApprove, model.AnsReturn, model.AnsPublish}

var answerStates = []model.AnswerState{model.AnswerDraft, model.AnswerOnReview, model.AnswerReturned, model.AnswerApproved,
	model.AnswerPublished, model.AnswerPublishFailed}

// dueDate parses the optional "will be fixed by" date of an answer.
func (s *server) dueDate(ctx context.Context, v string) (*time.Time, error) {
	if v == "" {
		return nil, nil
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return nil, err
	}
	t, err := parseTime("due_date", v, s.location(ctx, refs), false)
	if err != nil {
		return nil, err
	}
	if len(v) == len("2006-01-02") {
		t = t.Add(24*time.Hour - time.Second) // a date: by the end of that day
	}
	return &t, nil
}

// listAnswers serves GET /api/v1/answers: answers in one state (on_review by default: the moderation queue),
// oldest first, those of incidents the caller may see.
func (s *server) listAnswers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	if err := checkParams(q, "state", "limit"); err != nil {
		s.fail(w, r, err)
		return
	}
	state := model.AnswerOnReview
	if v := q.Get("state"); v != "" {
		state = model.AnswerState(v)
		if !validState(state) {
			s.fail(w, r, model.Invalid("state", fmt.Sprintf("unknown answer state %q; one of %s", v, joinCodes(answerStates))))
			return
		}
	}
	limit, err := parseLimit(q, 100, MaxListLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Ask for more than the limit when the caller sees only part of the answers, then filter by visibility.
	fetch := limit
	if a.Role == model.RoleExecutor || a.Role == model.RoleSupervisor {
		fetch = MaxListLimit * 4
	}
	list, err := s.svc.Store().AnswersInState(ctx, state, fetch)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := make([]model.Answer, 0, min(limit, len(list)))
	seen := map[int64]bool{}
	for _, ans := range list {
		if len(out) == limit {
			break
		}
		ok, known := seen[ans.IncidentID]
		if !known {
			inc, err := s.svc.Store().Incident(ctx, ans.IncidentID)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			ok = model.CanView(a, inc)
			seen[ans.IncidentID] = ok
		}
		if ok {
			out = append(out, ans)
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out})
}

func validState(s model.AnswerState) bool {
	for _, x := range answerStates {
		if s == x {
			return true
		}
	}
	return false
}

// answerRef loads an answer the actor may see (the answer of an incident it may not see is not found).
func (s *server) answerRef(ctx context.Context, a model.Actor, ref string) (model.Answer, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return model.Answer{}, notFound(fmt.Sprintf("answer %q not found", ref))
	}
	ans, err := s.svc.Store().Answer(ctx, id)
	if err != nil {
		return ans, err
	}
	inc, err := s.svc.Store().Incident(ctx, ans.IncidentID)
	if err != nil {
		return ans, err
	}
	if !model.CanView(a, inc) {
		return model.Answer{}, notFound(fmt.Sprintf("answer %d not found", id))
	}
	return ans, nil
}

// getAnswer serves GET /api/v1/answers/{id}.
func (s *server) getAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	ans, err := s.answerRef(ctx, actorFrom(ctx), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, ans)
}

// AnswerActionRequest is the body of an answer action (workflow.AnswerArgs with the due date as text).
type AnswerActionRequest struct {
	Text        string   `json:"text,omitempty"`
	DueDate     string   `json:"due_date,omitempty"`
	Attachments []string `json:"attachments,omitempty"` // edit: replaces the proof
	Comment     string   `json:"comment,omitempty"`
	ExternalID  string   `json:"external_id,omitempty"`
}

// answerAction serves POST /api/v1/answers/{id}/actions/{action}.
func (s *server) answerAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	act := model.AnswerAction(r.PathValue("action"))
	known := false
	for _, x := range answerActions {
		known = known || x == act
	}
	if !known {
		names := make([]string, len(answerActions))
		for i, x := range answerActions {
			names[i] = string(x)
		}
		s.fail(w, r, model.Invalid("action", fmt.Sprintf("unknown answer action %q; one of %s", act, strings.Join(names, ", "))))
		return
	}
	var req AnswerActionRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	ans, err := s.answerRef(ctx, a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	args := workflow.AnswerArgs{Text: req.Text, Attachments: req.Attachments, Comment: req.Comment, ExternalID: req.ExternalID}
	if args.DueDate, err = s.dueDate(ctx, req.DueDate); err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.AnswerAct(ctx, a, ans.ID, act, args)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
