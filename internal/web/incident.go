package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/store"
)

// ListPageSize is the number of incidents on one page of the search.
const ListPageSize = 50

// listForm is the search form as the visitor filled it.
type listForm struct {
	Status, Sort, Query, From, To string
	Category, Territory, Executor int64
	Overdue                       bool
}

// listRow is one incident of the search.
type listRow struct {
	Inc                           model.Incident
	Category, Territory, Executor string
}

// listView is the data of the incident search.
type listView struct {
	Form        listForm
	Rows        []listRow
	NextURL     string
	Statuses    []model.Status
	Categories  []refChoice
	Territories []refChoice
	Executors   []refChoice
	Error       string // message key of a filter error
}

var allStatuses = []model.Status{model.StatusNew, model.StatusAssigned, model.StatusInWork, model.StatusInterim,
	model.StatusResolved, model.StatusRejected, model.StatusMerged}

// incidentList searches all incidents (a supervisor bound to a territory: that territory's) in one store query.
func (s *Server) incidentList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, _ := ActorFrom(ctx)
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, loc, _ := s.region(ctx)
	q := r.URL.Query()
	id := func(k string) int64 { n, _ := strconv.ParseInt(q.Get(k), 10, 64); return n }
	f := listForm{Status: q.Get("status"), Sort: q.Get("sort"), Query: strings.TrimSpace(q.Get("q")), From: q.Get("from"), To: q.Get("to"),
		Category: id("category"), Territory: id("territory"), Executor: id("executor"), Overdue: q.Get("overdue") == "1"}
	v := listView{Form: f, Statuses: allStatuses, Categories: categoryChoices(refs), Executors: executorChoices(refs)}
	for _, t := range refs.Territories {
		v.Territories = append(v.Territories, refChoice{ID: t.ID, Name: t.Name})
	}
	filter := store.IncidentFilter{TerritoryID: f.Territory, ExecutorID: f.Executor, Overdue: f.Overdue, Query: f.Query,
		Sort: f.Sort, Limit: ListPageSize, Cursor: q.Get("cursor"), Now: s.now()}
	if a.Role == model.RoleSupervisor && a.TerritoryID != 0 {
		filter.TerritoryID = a.TerritoryID
	}
	if f.Status != "" {
		if !slices.Contains(allStatuses, model.Status(f.Status)) {
			v.Error = "operator.incidents.err.status"
		}
		filter.Statuses = []model.Status{model.Status(f.Status)}
	}
	if !store.ValidSort(f.Sort) {
		v.Error, filter.Sort = "operator.incidents.err.sort", ""
	}
	if f.Category != 0 {
		if c, ok := refs.CategoryByID(f.Category); ok && c.ParentCode == "" {
			filter.TopicIDs = []int64{f.Category}
		} else {
			filter.CategoryIDs = []int64{f.Category}
		}
	}
	day := func(sv string) (time.Time, bool) {
		if sv == "" {
			return time.Time{}, true
		}
		t, err := time.ParseInLocation("2006-01-02", sv, loc)
		return t, err == nil
	}
	var ok1, ok2 bool
	filter.From, ok1 = day(f.From)
	filter.To, ok2 = day(f.To)
	if !filter.To.IsZero() {
		filter.To = filter.To.AddDate(0, 0, 1) // the "to" day is included
	}
	if !ok1 || !ok2 {
		v.Error = "operator.incidents.err.date"
	}
	if v.Error != "" {
		s.render(w, r, http.StatusBadRequest, "operator_incidents.html", "operator.incidents.title", v)
		return
	}
	page, err := s.st.ListIncidents(ctx, filter)
	if errors.Is(err, model.ErrInvalid) {
		v.Error = "operator.incidents.err.cursor"
		s.render(w, r, http.StatusBadRequest, "operator_incidents.html", "operator.incidents.title", v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, inc := range page.Items {
		row := listRow{Inc: inc}
		if c, ok := refs.CategoryByID(inc.CategoryID); ok {
			row.Category = c.Name
		}
		if t, ok := refs.TerritoryByID(inc.TerritoryID); ok {
			row.Territory = t.Name
		}
		if e, ok := refs.ExecutorByID(inc.ExecutorID); ok {
			row.Executor = e.Name
		}
		v.Rows = append(v.Rows, row)
	}
	if page.NextCursor != "" {
		nq := url.Values{}
		for k, vs := range q {
			if k != "cursor" {
				nq[k] = vs
			}
		}
		nq.Set("cursor", page.NextCursor)
		v.NextURL = "/incidents?" + nq.Encode()
	}
	s.render(w, r, http.StatusOK, "operator_incidents.html", "operator.incidents.title", v)
}

// cardMessage is a message of the thread.
type cardMessage struct {
	M model.Message
}

// cardAnswer is an answer with its grades.
type cardAnswer struct {
	A      model.Answer
	Author string
	Grades []gradeLine
}

// gradeLine is one automatic grade of an answer.
type gradeLine struct {
	Name  string
	Value string
}

// cardEvent is one entry of the history, in words.
type cardEvent struct {
	E      model.Event
	Key    string // message key of the event's kind
	Detail string // reason, executor, category… as recorded
	ShowTo bool   // the status it moved to says more than the event's name
}

// cardView is the data of the incident card.
type cardView struct {
	Inc                           model.Incident
	Category, Territory, Executor string
	Messages                      []cardMessage
	Answers                       []cardAnswer
	Events                        []cardEvent
	Created                       createdData
	Due                           string // "осталось 3 ч 20 мин" / "просрочено на …"
	Overdue                       bool
	Flash                         flash
	// What the viewer may do.
	CanOperate, CanAccept, CanDecline, CanAnswer bool
	CanRestore, CanReopen                        bool
	CanExtend                                    bool       // a reception appeal's legal term, not yet extended
	LegalLastDay                                 *time.Time // the last day of the legal term (59-ФЗ)
	Suggested                                    *model.Executor
	SuggestReason                                string
	History                                      *model.Executor // the routing history's executor when the suggestion goes elsewhere
	HistoryP                                     float64
	Executors, Categories                        []refChoice
	Candidates                                   []store.MergeCandidate
	Priorities                                   []model.Priority
	Back                                         string
}

// incidentCard shows one incident to whoever may see it (others: 404).
func (s *Server) incidentCard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, _ := ActorFrom(ctx)
	inc, err := s.st.IncidentByNumber(ctx, r.PathValue("number"))
	if err == nil && !model.CanView(a, inc) {
		err = model.ErrNotFound
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := cardView{Inc: inc, Back: "/incidents/" + url.PathEscape(inc.Number), Priorities: []model.Priority{model.PriorityNormal, model.PriorityHigh, model.PriorityUrgent}}
	if c, ok := refs.CategoryByID(inc.CategoryID); ok {
		v.Category = c.Name
	}
	if t, ok := refs.TerritoryByID(inc.TerritoryID); ok {
		v.Territory = t.Name
	}
	if e, ok := refs.ExecutorByID(inc.ExecutorID); ok {
		v.Executor = e.Name
	}
	msgs, err := s.st.Messages(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, m := range msgs {
		v.Messages = append(v.Messages, cardMessage{M: m})
	}
	answers, err := s.st.Answers(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	events, err := s.st.Events(ctx, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	names := map[int64]string{}
	if len(answers) > 0 {
		users, err := s.st.Users(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, u := range users {
			names[u.ID] = u.Name
		}
	}
	for _, an := range answers {
		v.Answers = append(v.Answers, cardAnswer{A: an, Author: names[an.AuthorID], Grades: gradeLines(an.Grades)})
	}
	var topics []nlp.Prediction // the classifier's, for the routing history when the incident has no category
	for _, e := range events {
		if e.Type == "created" && len(e.Data) > 0 {
			if json.Unmarshal(e.Data, &v.Created) == nil {
				topics = v.Created.Analysis.predictions()
				v.Created.Analysis = v.Created.Analysis.named(refs)
			}
		}
		v.Events = append(v.Events, s.eventInWords(e, refs))
	}
	now := s.now()
	if inc.DueAt != nil {
		v.Due, v.Overdue = countdown(inc.DueAt.Sub(now), stateOf(r).lang)
	}
	v.CanOperate = (a.Role == model.RoleOperator || a.Role == model.RoleAdmin) && inc.Status.Open()
	staffRole := a.Role == model.RoleOperator || a.Role == model.RoleAdmin
	v.CanRestore = staffRole && inc.Status == model.StatusRejected
	v.CanReopen = staffRole && inc.Status == model.StatusResolved
	if inc.LegalDue != nil {
		d := inc.LegalDue.Add(-time.Nanosecond)
		v.LegalLastDay = &d
		v.CanExtend = staffRole && inc.Status.Open() && inc.LegalExtendedAt == nil
	}
	own := a.Role == model.RoleExecutor && a.ExecutorID != 0 && a.ExecutorID == inc.ExecutorID
	v.CanAccept = own && inc.Status == model.StatusAssigned
	v.CanDecline = own && (inc.Status == model.StatusAssigned || inc.Status == model.StatusInWork)
	v.CanAnswer = own && (inc.Status == model.StatusInWork || inc.Status == model.StatusInterim)
	if v.CanOperate {
		v.Executors, v.Categories = executorChoices(refs), categoryChoices(refs)
		if d, err := s.svc.Suggest(ctx, inc, topics); err == nil {
			if ex, ok := refs.ExecutorByCode(d.Executor); ok && !slices.Contains(inc.ExcludedExecutor, ex.ID) {
				v.Suggested, v.SuggestReason = &ex, d.Reason
			}
			if h := d.History; h != nil {
				if ex, ok := refs.ExecutorByCode(h.Executor); ok {
					v.History, v.HistoryP = &ex, h.P
				}
			}
		}
		if cands, err := s.nearbyOpen(ctx, []model.Incident{inc}); err == nil {
			for _, c := range cands {
				if c.ID != inc.ID && (inc.CategoryID != 0 && c.CategoryID == inc.CategoryID || inc.TerritoryID != 0 && c.TerritoryID == inc.TerritoryID) && len(v.Candidates) < 10 {
					v.Candidates = append(v.Candidates, c)
				}
			}
		}
	}
	v.Flash = s.takeFlash(w, r)
	s.render(w, r, http.StatusOK, "incident.html", "operator.incident.title", v)
}

// countdown words the time left until a deadline: "осталось 3 ч 20 мин", or how long ago it passed
// ("просрочено на 1 ч 30 мин"); in English when lang is "en".
func countdown(left time.Duration, lang string) (string, bool) {
	units := [3]string{" д", " ч", " мин"}
	if lang == "en" {
		units = [3]string{" d", " h", " min"}
	}
	over := left < 0
	d := left.Abs().Round(time.Minute)
	days, hours, mins := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour), int(d%time.Hour/time.Minute)
	var parts []string
	if days > 0 {
		parts = append(parts, strconv.Itoa(days)+units[0])
	}
	if hours > 0 {
		parts = append(parts, strconv.Itoa(hours)+units[1])
	}
	if days == 0 && (mins > 0 || hours == 0) {
		parts = append(parts, strconv.Itoa(mins)+units[2])
	}
	if lang == "en" {
		if over {
			return "overdue by " + strings.Join(parts, " "), true
		}
		return strings.Join(parts, " ") + " left", false
	}
	if over {
		return "просрочено на " + strings.Join(parts, " "), true
	}
	return "осталось " + strings.Join(parts, " "), false
}

// gradeLines reads an answer's stored grades (package quality's JSON) as name/value pairs of its numbers.
func gradeLines(raw json.RawMessage) []gradeLine {
	if len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []gradeLine
	for k, val := range m {
		switch x := val.(type) {
		case float64:
			out = append(out, gradeLine{Name: k, Value: strconv.FormatFloat(x, 'f', -1, 64)})
		case bool:
			out = append(out, gradeLine{Name: k, Value: strconv.FormatBool(x)})
		}
	}
	slices.SortFunc(out, func(a, b gradeLine) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// knownEvents are the event kinds the history words; others are shown by their type.
var knownEvents = []string{"created", "routed", "assign", "reject", "restore", "accept", "decline", "merge", "merged_in",
	"reopen", "set_category", "set_priority", "extend", "publish_interim", "publish_final", "message.joined", "sla.warning", "sla.breach",
	"rated", "answer.create", "answer.edit", "answer.submit", "answer.approve", "answer.return", "answer.publish",
	"answer.publish_failed"}

// eventInWords describes an event of the history.
func (s *Server) eventInWords(e model.Event, refs *store.Refs) cardEvent {
	ce := cardEvent{E: e, Key: "operator.event.other"}
	ce.ShowTo = e.To != "" && e.From != e.To && !slices.Contains([]string{"assign", "reject", "merge", "accept"}, e.Type)
	if slices.Contains(knownEvents, e.Type) {
		ce.Key = opKey("event", strings.ReplaceAll(e.Type, ".", "_"))
	}
	var d map[string]any
	_ = json.Unmarshal(e.Data, &d)
	var parts []string
	str := func(k string) string { x, _ := d[k].(string); return x }
	if ex := str("executor"); ex != "" {
		if x, ok := refs.ExecutorByCode(ex); ok {
			ex = x.Name
		}
		parts = append(parts, ex)
	}
	if e.Type == "set_category" {
		from, to := str("from"), str("to")
		if c, ok := refs.CategoryByCode(from); ok {
			from = c.Name
		}
		if c, ok := refs.CategoryByCode(to); ok {
			to = c.Name
		}
		parts = append(parts, from+" → "+to)
	}
	if e.Type == "set_priority" {
		parts = append(parts, str("from")+" → "+str("to"))
	}
	if n := str("number"); n != "" {
		parts = append(parts, n)
	}
	for _, k := range []string{"reason", "comment"} {
		if x := str(k); x != "" {
			parts = append(parts, "«"+x+"»")
		}
	}
	if ce.Key == "operator.event.other" {
		parts = append([]string{e.Type}, parts...)
	}
	ce.Detail = strings.Join(parts, "; ")
	return ce
}
