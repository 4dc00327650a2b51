package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// operatorRoles may triage.
var operatorRoles = []model.Role{model.RoleOperator, model.RoleAdmin}

// readerRoles may search all incidents.
var readerRoles = []model.Role{model.RoleOperator, model.RoleAdmin, model.RoleModerator, model.RoleSupervisor}

// actorRoles may post incident actions (the workflow checks which action each may take).
var actorRoles = []model.Role{model.RoleOperator, model.RoleAdmin, model.RoleExecutor}

// operatorPages are the operator console, the incident search and the incident card.
var operatorPages = []Page{
	{Method: "GET", Path: "/operator", Roles: operatorRoles, Nav: "nav.operator", Handle: (*Server).operatorQueue},
	{Method: "GET", Path: "/operator/events/{after}", Roles: operatorRoles, Handle: (*Server).operatorEvents},
	{Method: "POST", Path: "/operator/bulk", Roles: operatorRoles, Handle: (*Server).operatorBulk},
	{Method: "GET", Path: "/incidents", Roles: readerRoles, Nav: "nav.incidents", Handle: (*Server).incidentList},
	{Method: "GET", Path: "/incidents/{number}", Roles: staff, Handle: (*Server).incidentCard},
	{Method: "POST", Path: "/incidents/{number}/act", Roles: actorRoles, Handle: (*Server).incidentAct},
}

// QueuePageSize is the number of incidents on one page of the triage queue.
const QueuePageSize = 20

// mergeWindow is how far apart in time two incidents may be to be suggested for merging.
const mergeWindow = 72 * time.Hour

// mergeScan bounds the open incidents looked at for merge suggestions on one page.
const mergeScan = 300

// analysis is what the ingest pipeline found in the first message, as its "created" event records it.
type analysis struct {
	Kind            string       `json:"kind"`
	KindP           float64      `json:"kind_p"`
	Topic           string       `json:"topic"`
	TopicP          float64      `json:"topic_p"`
	Topics          []prediction `json:"topics"`
	Territory       string       `json:"territory"`
	TerritoryID     string       `json:"territory_id"`
	TerritoryP      float64      `json:"territory_p"`
	Address         string       `json:"address"`
	Priority        string       `json:"priority"`
	PriorityReasons []string     `json:"priority_reasons"`
}

type prediction struct {
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

// named returns the analysis with the topics' codes replaced by the categories' names.
func (a *analysis) named(refs *store.Refs) *analysis {
	if a == nil {
		return nil
	}
	out := *a
	name := func(code string) string {
		if c, ok := refs.CategoryByCode(code); ok {
			return c.Name
		}
		return code
	}
	out.Topic = name(a.Topic)
	out.Topics = make([]prediction, len(a.Topics))
	for i, p := range a.Topics {
		out.Topics[i] = prediction{Label: name(p.Label), P: p.P}
	}
	return &out
}

// predictions are the classifier's topics by code, as the routing history reads them (nil without analysis).
func (a *analysis) predictions() []nlp.Prediction {
	if a == nil {
		return nil
	}
	out := make([]nlp.Prediction, len(a.Topics))
	for i, p := range a.Topics {
		out[i] = nlp.Prediction{Label: p.Label, P: p.P}
	}
	return out
}

// createdData is the JSON data of a "created" event.
type createdData struct {
	Analysis *analysis         `json:"analysis"`
	Routing  *routing.Decision `json:"routing"`
}

// queueItem is one incident of the triage queue with everything the operator decides on.
type queueItem struct {
	Inc        model.Incident
	Msg        store.FirstMessage
	Analysis   *analysis
	Routed     *routing.Decision // the decision recorded when the incident was created
	Suggestion routing.Decision  // where the router would send it now
	Suggested  *model.Executor
	History    *model.Executor // the executor the routing history names when the decision goes elsewhere
	HistoryP   float64
	Category   string // category name
	Territory  string // territory name
	Candidates []store.MergeCandidate
}

// refChoice is an option of a select.
type refChoice struct {
	ID   int64
	Name string
}

// queueView is the data of the triage queue.
type queueView struct {
	Items      []queueItem
	NextCursor string
	After      int64 // the highest incident id shown: the live stream sends newer ones
	Executors  []refChoice
	Categories []refChoice
	Flash      flash
}

// operatorQueue shows the incidents waiting for triage, newest first.
func (s *Server) operatorQueue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, err := s.st.ListIncidents(ctx, store.IncidentFilter{Statuses: []model.Status{model.StatusNew}, Limit: QueuePageSize,
		Cursor: r.URL.Query().Get("cursor"), Now: s.now()})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, err := s.queueData(ctx, page.Items)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.NextCursor = page.NextCursor
	v.Flash = s.takeFlash(w, r)
	s.render(w, r, http.StatusOK, "operator.html", "operator.title", v)
}

// queueData loads what the queue shows of the incidents in a fixed number of queries: the first messages, the
// created events and the open incidents near them in time (for merge suggestions).
func (s *Server) queueData(ctx context.Context, incs []model.Incident) (*queueView, error) {
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return nil, err
	}
	v := &queueView{Executors: executorChoices(refs), Categories: categoryChoices(refs)}
	if len(incs) == 0 {
		return v, nil
	}
	ids := make([]int64, len(incs))
	for i, inc := range incs {
		ids[i] = inc.ID
		v.After = max(v.After, inc.ID)
	}
	msgs, err := s.st.FirstMessages(ctx, ids)
	if err != nil {
		return nil, err
	}
	created, err := s.createdEvents(ctx, ids)
	if err != nil {
		return nil, err
	}
	cands, err := s.nearbyOpen(ctx, incs)
	if err != nil {
		return nil, err
	}
	for _, inc := range incs {
		it := queueItem{Inc: inc, Msg: msgs[inc.ID]}
		var topics []nlp.Prediction
		if c, ok := created[inc.ID]; ok {
			it.Analysis, it.Routed, topics = c.Analysis.named(refs), c.Routing, c.Analysis.predictions()
		}
		if d, err := s.svc.Suggest(ctx, inc, topics); err == nil {
			it.Suggestion = d
			if ex, ok := refs.ExecutorByCode(d.Executor); ok && !slices.Contains(inc.ExcludedExecutor, ex.ID) {
				it.Suggested = &ex
			}
			if h := d.History; h != nil {
				if ex, ok := refs.ExecutorByCode(h.Executor); ok {
					it.History, it.HistoryP = &ex, h.P
				}
			}
		}
		if c, ok := refs.CategoryByID(inc.CategoryID); ok {
			it.Category = c.Name
		}
		if t, ok := refs.TerritoryByID(inc.TerritoryID); ok {
			it.Territory = t.Name
		}
		for _, c := range cands {
			if c.ID == inc.ID || len(it.Candidates) >= 5 {
				continue
			}
			near := c.CreatedAt.Sub(inc.CreatedAt).Abs() <= mergeWindow
			same := inc.CategoryID != 0 && c.CategoryID == inc.CategoryID || inc.TerritoryID != 0 && c.TerritoryID == inc.TerritoryID
			if near && same {
				it.Candidates = append(it.Candidates, c)
			}
		}
		v.Items = append(v.Items, it)
	}
	return v, nil
}

// nearbyOpen lists open incidents created within the merge window of any of incs (one query, newest first).
func (s *Server) nearbyOpen(ctx context.Context, incs []model.Incident) ([]store.MergeCandidate, error) {
	from, to := incs[0].CreatedAt, incs[0].CreatedAt
	for _, inc := range incs {
		from, to = minTime(from, inc.CreatedAt), maxTime(to, inc.CreatedAt)
	}
	page, err := s.st.ListIncidents(ctx, store.IncidentFilter{
		Statuses: []model.Status{model.StatusNew, model.StatusAssigned, model.StatusInWork, model.StatusInterim},
		From:     from.Add(-mergeWindow), To: to.Add(mergeWindow + time.Millisecond), Limit: mergeScan, Now: s.now()})
	if err != nil {
		return nil, err
	}
	out := make([]store.MergeCandidate, 0, len(page.Items))
	for _, c := range page.Items {
		out = append(out, store.MergeCandidate{ID: c.ID, Number: c.Number, CategoryID: c.CategoryID, TerritoryID: c.TerritoryID,
			Address: c.Address, Summary: c.Summary, CreatedAt: c.CreatedAt})
	}
	return out, nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// createdEvents decodes each incident's "created" event (the analysis and the routing decision recorded when it
// was opened), in one query.
func (s *Server) createdEvents(ctx context.Context, ids []int64) (map[int64]createdData, error) {
	raw, err := s.st.CreatedEventData(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]createdData, len(raw))
	for id, data := range raw {
		var c createdData
		if json.Unmarshal([]byte(data), &c) == nil {
			out[id] = c
		}
	}
	return out, nil
}

func executorChoices(refs *store.Refs) []refChoice {
	out := make([]refChoice, 0, len(refs.Executors))
	for _, e := range refs.Executors {
		name := e.ShortName
		if name == "" {
			name = e.Name
		}
		out = append(out, refChoice{ID: e.ID, Name: name})
	}
	slices.SortFunc(out, func(a, b refChoice) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func categoryChoices(refs *store.Refs) []refChoice {
	out := make([]refChoice, 0, len(refs.Categories))
	for _, c := range refs.Categories {
		name := c.Name
		if c.ParentCode != "" {
			if p, ok := refs.CategoryByCode(c.ParentCode); ok {
				name = p.Name + " → " + c.Name
			}
		}
		out = append(out, refChoice{ID: c.ID, Name: name})
	}
	return out
}

// opKey names the operator message of one value of a kind: opKey("priority", "high").
func opKey(kind, value string) string { return "operator." + kind + "." + value }

// OpT is the operator message of one value of a kind: {{$.OpT "priority" .Inc.Priority}}.
func (v *View) OpT(kind string, value any) string { return v.T(opKey(kind, fmt.Sprint(value))) }

// StatusOf is a status recorded as text (an event's from and to) in words.
func (v *View) StatusOf(s string) string { return v.StatusText(model.Status(s)) }

// Percent formats a probability as whole percent.
func (v *View) Percent(p float64) string { return strconv.Itoa(int(p*100+0.5)) + " %" }

// flash is a one-time message shown after a redirect.
type flash struct {
	Error bool
	Key   string // message key
	Arg   string
}

const flashCookie = "otklik_flash"

// setFlash keeps a message for the next page the visitor opens.
func (s *Server) setFlash(w http.ResponseWriter, f flash) {
	kind := "ok"
	if f.Error {
		kind = "err"
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(kind + "|" + f.Key + "|" + f.Arg), Path: "/",
		MaxAge: 60, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

// takeFlash reads and clears the message left by the last action. Only known operator messages are shown.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return flash{}
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
	raw, err := url.QueryUnescape(c.Value)
	if err != nil {
		return flash{}
	}
	parts := strings.SplitN(raw, "|", 3)
	if len(parts) != 3 || !strings.HasPrefix(parts[1], "operator.") {
		return flash{}
	}
	if _, ok := s.msgs[parts[1]]; !ok {
		return flash{}
	}
	return flash{Error: parts[0] == "err", Key: parts[1], Arg: parts[2]}
}

// errorFlash turns a workflow error into a message for the visitor; ok is false for errors that are not the
// visitor's (the caller reports them with s.fail).
func errorFlash(err error) (flash, bool) {
	var fe *model.FieldError
	switch {
	case errors.As(err, &fe):
		return flash{Error: true, Key: opKey("err.field", fe.Field)}, true
	case errors.Is(err, model.ErrConflict):
		return flash{Error: true, Key: "operator.err.conflict"}, true
	case errors.Is(err, model.ErrForbidden):
		return flash{Error: true, Key: "operator.err.forbidden"}, true
	case errors.Is(err, model.ErrInvalid):
		return flash{Error: true, Key: "operator.err.invalid"}, true
	}
	return flash{}, false
}

// safeBack returns a local path to go back to, or def.
func safeBack(back, def string) string {
	if back == "" || !strings.HasPrefix(back, "/") || strings.HasPrefix(back, "//") || strings.ContainsAny(back, "\\\r\n") {
		return def
	}
	return back
}

// actionArgs reads an action's arguments from a form.
func actionArgs(r *http.Request) model.ActionArgs {
	id := func(k string) int64 { n, _ := strconv.ParseInt(r.PostFormValue(k), 10, 64); return n }
	return model.ActionArgs{ExecutorID: id("executor_id"), Reason: strings.TrimSpace(r.PostFormValue("reason")),
		TargetID: id("target_id"), CategoryID: id("category_id"), Priority: model.Priority(r.PostFormValue("priority"))}
}

// incidentAct performs one action on one incident and goes back where the form came from.
func (s *Server) incidentAct(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, _ := ActorFrom(ctx)
	number := r.PathValue("number")
	back := safeBack(r.PostFormValue("back"), "/incidents/"+url.PathEscape(number))
	inc, err := s.st.IncidentByNumber(ctx, number)
	if err == nil && !model.CanView(a, inc) {
		err = model.ErrNotFound
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	act := model.Action(r.PostFormValue("action"))
	if !slices.Contains(model.IncidentActions, act) {
		s.setFlash(w, flash{Error: true, Key: "operator.err.field.action"})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if _, err := s.svc.Act(ctx, a, inc.ID, act, actionArgs(r)); err != nil {
		f, ok := errorFlash(err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		f.Arg = inc.Number
		s.setFlash(w, f)
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	s.setFlash(w, flash{Key: opKey("flash", string(act)), Arg: inc.Number})
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// operatorBulk rejects several incidents with one reason, or assigns them to one executor.
func (s *Server) operatorBulk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, _ := ActorFrom(ctx)
	back := safeBack(r.PostFormValue("back"), "/operator")
	act := model.Action(r.PostFormValue("action"))
	if act != model.ActReject && act != model.ActAssign {
		s.setFlash(w, flash{Error: true, Key: "operator.err.field.action"})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	var ids []int64
	for _, v := range r.PostForm["id"] {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil && id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		s.setFlash(w, flash{Error: true, Key: "operator.err.none_selected"})
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	args := actionArgs(r)
	done, failed := 0, 0
	var firstErr flash
	for _, id := range ids {
		if _, err := s.svc.Act(ctx, a, id, act, args); err != nil {
			f, ok := errorFlash(err)
			if !ok && !errors.Is(err, model.ErrNotFound) {
				s.fail(w, r, err)
				return
			}
			if failed == 0 {
				firstErr = f
			}
			failed++
			continue
		}
		done++
	}
	if failed > 0 {
		if firstErr.Key == "" {
			firstErr = flash{Error: true, Key: "operator.err.not_found"}
		}
		firstErr.Key = "operator.bulk.failed"
		firstErr.Arg = fmt.Sprintf("%d/%d", failed, len(ids))
		s.setFlash(w, firstErr)
	} else {
		s.setFlash(w, flash{Key: opKey("bulk", string(act)), Arg: strconv.Itoa(done)})
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}
