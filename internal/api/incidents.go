package api

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

var listParams = []string{"status", "category", "territory", "executor", "overdue", "from", "to", "q", "sort", "limit", "cursor"}

// listIncidents serves GET /api/v1/incidents.
func (s *server) listIncidents(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	if err := checkParams(q, listParams...); err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.IncidentFilter{Now: s.svc.Now()}
	for _, v := range listValues(q, "status") {
		st := model.Status(v)
		if !st.Valid() {
			s.fail(w, r, model.Invalid("status", fmt.Sprintf("unknown status %q; one of %s", v, joinCodes(model.Statuses))))
			return
		}
		if !slices.Contains(f.Statuses, st) {
			f.Statuses = append(f.Statuses, st)
		}
	}
	if f.CategoryIDs, f.TopicIDs, err = categoryIDs(refs, listValues(q, "category")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.TerritoryID, err = territoryID(refs, "territory", q.Get("territory")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.ExecutorID, err = executorID(refs, "executor", q.Get("executor")); err != nil {
		s.fail(w, r, err)
		return
	}
	if v := q.Get("overdue"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.fail(w, r, model.Invalid("overdue", fmt.Sprintf("must be true or false; got %q", v)))
			return
		}
		f.Overdue = b
	}
	if f.From, f.To, err = parsePeriod(q, s.location(ctx, refs)); err != nil {
		s.fail(w, r, err)
		return
	}
	f.Query = q.Get("q")
	f.Sort = q.Get("sort")
	if !store.ValidSort(f.Sort) {
		s.fail(w, r, model.Invalid("sort", fmt.Sprintf("must be created, created_asc or due; got %q", f.Sort)))
		return
	}
	if f.Limit, err = parseLimit(q, 50, MaxListLimit); err != nil {
		s.fail(w, r, err)
		return
	}
	f.Cursor = q.Get("cursor")
	ex, ter := scope(a)
	if !force(&f.ExecutorID, ex) || !force(&f.TerritoryID, ter) {
		writeJSON(w, http.StatusOK, store.IncidentPage{Items: []model.Incident{}})
		return
	}
	page, err := s.svc.Store().ListIncidents(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if page.Items == nil {
		page.Items = []model.Incident{}
	}
	writeJSON(w, http.StatusOK, page)
}

// incidentRef resolves the {id} of a path: a numeric id or a number such as "38-2026-000123". An incident the
// actor may not see is not found.
func (s *server) incidentRef(ctx context.Context, a model.Actor, ref string) (model.Incident, error) {
	var inc model.Incident
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil && id > 0 {
		inc, err = s.svc.Store().Incident(ctx, id)
	} else if strings.Count(ref, "-") == 2 && len(ref) <= 40 {
		inc, err = s.svc.Store().IncidentByNumber(ctx, ref)
	} else {
		return inc, notFound(fmt.Sprintf("incident %q not found: use its id or its number (38-2026-000123)", ref))
	}
	if isNotFound(err) || (err == nil && !model.CanView(a, inc)) {
		return model.Incident{}, notFound(fmt.Sprintf("incident %s not found", ref))
	}
	return inc, err
}

// IncidentDetail is one incident with everything attached to it.
type IncidentDetail struct {
	Incident model.Incident  `json:"incident"`
	Messages []model.Message `json:"messages"`
	Answers  []model.Answer  `json:"answers"`
	Events   []model.Event   `json:"events"`
}

// getIncident serves GET /api/v1/incidents/{id}.
func (s *server) getIncident(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	inc, err := s.incidentRef(ctx, actorFrom(ctx), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := IncidentDetail{Incident: inc}
	st := s.svc.Store()
	if d.Messages, err = st.Messages(ctx, inc.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Answers, err = st.Answers(ctx, inc.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	if d.Events, err = st.Events(ctx, inc.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	d.Messages, d.Answers, d.Events = nonNil(d.Messages), nonNil(d.Answers), nonNil(d.Events)
	writeJSON(w, http.StatusOK, d)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// ActionRequest is the body of an incident action: the ids of model.ActionArgs, or codes and numbers that the
// API resolves to them (executor code, category code, target incident number).
type ActionRequest struct {
	ExecutorID int64          `json:"executor_id,omitempty"` // assign
	Reason     string         `json:"reason,omitempty"`      // reject, decline (required); reopen
	TargetID   int64          `json:"target_id,omitempty"`   // merge: the surviving incident
	CategoryID int64          `json:"category_id,omitempty"` // set_category
	Priority   model.Priority `json:"priority,omitempty"`    // set_priority
	Executor   string         `json:"executor,omitempty"`    // assign: executor code, instead of executor_id
	Category   string         `json:"category,omitempty"`    // set_category: category code, instead of category_id
	Target     string         `json:"target,omitempty"`      // merge: the surviving incident's number (or id), instead of target_id
}

// incidentAction serves POST /api/v1/incidents/{id}/actions/{action}.
func (s *server) incidentAction(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	act := model.Action(r.PathValue("action"))
	if !slices.Contains(model.IncidentActions, act) {
		s.fail(w, r, model.Invalid("action", fmt.Sprintf("unknown incident action %q; one of %s", act, joinCodes(model.IncidentActions))))
		return
	}
	var req ActionRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.incidentRef(ctx, a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	args, err := s.resolveArgs(ctx, a, req)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Act(ctx, a, inc.ID, act, args)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// resolveArgs turns the codes of an action request into ids.
func (s *server) resolveArgs(ctx context.Context, a model.Actor, req ActionRequest) (model.ActionArgs, error) {
	args := model.ActionArgs{ExecutorID: req.ExecutorID, Reason: req.Reason, TargetID: req.TargetID,
		CategoryID: req.CategoryID, Priority: req.Priority}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return args, err
	}
	if req.Executor != "" {
		id, err := executorID(refs, "executor", req.Executor)
		if err != nil {
			return args, err
		}
		if args.ExecutorID != 0 && args.ExecutorID != id {
			return args, model.Invalid("executor", "executor and executor_id name different executors")
		}
		args.ExecutorID = id
	}
	if req.Category != "" {
		c, ok := refs.CategoryByCode(req.Category)
		if !ok {
			return args, model.Invalid("category", fmt.Sprintf("unknown category %q", req.Category))
		}
		if args.CategoryID != 0 && args.CategoryID != c.ID {
			return args, model.Invalid("category", "category and category_id name different categories")
		}
		args.CategoryID = c.ID
	}
	if req.Target != "" {
		t, err := s.incidentRef(ctx, a, req.Target)
		if isNotFound(err) || (err != nil && isAPINotFound(err)) {
			return args, model.Invalid("target", fmt.Sprintf("no incident %q", req.Target))
		}
		if err != nil {
			return args, err
		}
		if args.TargetID != 0 && args.TargetID != t.ID {
			return args, model.Invalid("target", "target and target_id name different incidents")
		}
		args.TargetID = t.ID
	}
	return args, nil
}

func isAPINotFound(err error) bool {
	ae, ok := err.(*apiError)
	return ok && ae.code == "not_found"
}

// AnswerRequest is the body of a new answer (workflow.AnswerInput with the due date as text: RFC 3339, or a date
// meaning the end of that day in the region's time zone).
type AnswerRequest struct {
	Kind        model.AnswerKind `json:"kind"`
	Text        string           `json:"text"`
	DueDate     string           `json:"due_date,omitempty"`
	Attachments []string         `json:"attachments,omitempty"` // proof: photo references
	Submit      bool             `json:"submit,omitempty"`
}

// createAnswer serves POST /api/v1/incidents/{id}/answers.
func (s *server) createAnswer(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	var req AnswerRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.incidentRef(ctx, a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in := workflow.AnswerInput{Kind: req.Kind, Text: req.Text, Attachments: req.Attachments, Submit: req.Submit}
	if in.DueDate, err = s.dueDate(ctx, req.DueDate); err != nil {
		s.fail(w, r, err)
		return
	}
	ans, err := s.svc.CreateAnswer(ctx, a, inc.ID, in)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/answers/"+strconv.FormatInt(ans.ID, 10))
	writeJSON(w, http.StatusCreated, ans)
}
