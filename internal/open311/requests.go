package open311

import (
	"crypto/rand"
	"encoding/base32"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// postRequest serves POST requests: the request becomes a message of the source "open311", durable before the
// answer, and its incident's number is the service_request_id.
func (h *Handler) postRequest(w http.ResponseWriter, r *http.Request, f format) {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(MaxBody) // some clients send this; a photo goes by media_url, files are not kept
	} else {
		err = r.ParseForm()
	}
	if err != nil {
		writeError(w, f, http.StatusBadRequest, "the body is not a form of at most 64 KiB (application/x-www-form-urlencoded or multipart/form-data): "+err.Error())
		return
	}
	c, ok := h.begin(w, r, f, r.PostForm, true)
	if !ok {
		return
	}
	by, refs, region := c.actor, c.refs, c.region
	in, cat, err := parseRequest(r.PostForm, refs)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	now := h.svc.Now()
	res, err := h.sink.Submit(ctx, []model.Message{in.message(cat, "o311-"+randomID(), now, by)})
	if err != nil {
		h.fail(w, r, f, fmt.Errorf("open311: post request: %w", err))
		return
	}
	if len(res) != 1 || res[0].IncidentID == 0 {
		h.fail(w, r, f, fmt.Errorf("open311: post request: the pipeline returned no incident"))
		return
	}
	inc, err := h.svc.Store().Incident(ctx, res[0].IncidentID)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	cal, err := h.svc.Calendar(ctx, region.ID)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	notice := "Обращение зарегистрировано под номером " + inc.Number + "."
	if inc.ReactionDue != nil && inc.FirstReactionAt == nil && inc.Status.Open() {
		notice += " Первый ответ — не позднее " + inc.ReactionDue.In(cal.Location).Format("02.01.2006 15:04") + " (" + cal.Location.String() + ")."
	}
	h.log.Info("open311: request", "number", inc.Number, "service", cat.Code, "integrator", by.Login)
	out := []postedRequest{{ID: inc.Number, Notice: notice, AccountID: in.AccountID}}
	write(w, f, http.StatusCreated, out, postedXML{Requests: out})
}

// randomID is a unique external id for a posted request.
func randomID() string {
	b := make([]byte, 15)
	_, _ = rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// storePage is the largest page store.ListIncidents returns.
const storePage = 500

// openStatuses and closedStatuses are Otklik's statuses behind Open311's two.
var (
	openStatuses   = []model.Status{model.StatusNew, model.StatusAssigned, model.StatusInWork, model.StatusInterim}
	closedStatuses = []model.Status{model.StatusResolved, model.StatusRejected, model.StatusMerged}
)

// listRequests serves GET requests: the requests posted through Open311 (with an api_key: every incident its user
// may see), newest first, filtered by ids, services, dates (the last 90 days by default) and status.
func (h *Handler) listRequests(w http.ResponseWriter, r *http.Request, f format) {
	ctx := r.Context()
	q := r.URL.Query()
	c, ok := h.begin(w, r, f, q, false)
	if !ok {
		return
	}
	a, signed, refs := c.actor, c.signed, c.refs
	now := h.svc.Now()
	if ids := splitList(q.Get("service_request_id")); len(ids) > 0 {
		if len(ids) > MaxResults {
			writeError(w, f, http.StatusBadRequest, fmt.Sprintf("service_request_id: at most %d ids", MaxResults))
			return
		}
		found, err := h.svc.Store().IncidentsByNumbers(ctx, ids, now)
		if err != nil {
			h.fail(w, r, f, err)
			return
		}
		var incs []model.Incident
		for _, id := range ids {
			if inc, ok := found[id]; ok && visible(a, signed, inc) {
				incs = append(incs, inc)
				delete(found, id) // an id named twice is listed once
			}
		}
		h.writeRequests(w, r, f, refs, incs, now)
		return
	}
	filter := store.IncidentFilter{Sort: store.SortCreated, Now: now}
	if !signed {
		filter.Source = model.Open311Source
	} else if a.Role == model.RoleExecutor {
		filter.ExecutorID = a.ExecutorID
	}
	for _, code := range splitList(q.Get("service_code")) {
		c, ok := refs.CategoryByCode(code)
		if !ok || c.ParentCode == "" {
			writeError(w, f, http.StatusBadRequest, fmt.Sprintf("service_code: no service %q", code))
			return
		}
		filter.CategoryIDs = append(filter.CategoryIDs, c.ID)
	}
	for _, s := range splitList(q.Get("status")) {
		switch strings.ToLower(s) {
		case "open":
			filter.Statuses = append(filter.Statuses, openStatuses...)
		case "closed":
			filter.Statuses = append(filter.Statuses, closedStatuses...)
		default:
			writeError(w, f, http.StatusBadRequest, fmt.Sprintf("status: %q is neither open nor closed", s))
			return
		}
	}
	var from, to time.Time
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"start_date", &from}, {"end_date", &to}} {
		s := strings.TrimSpace(q.Get(p.name))
		if s == "" {
			continue
		}
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			writeError(w, f, http.StatusBadRequest, fmt.Sprintf("%s: %q is not a W3C date-time such as 2026-11-20T09:15:00+08:00", p.name, s))
			return
		}
		*p.dst = t
	}
	switch {
	case from.IsZero() && to.IsZero():
		to = now
		from = to.Add(-DefaultWindow)
	case from.IsZero():
		from = to.Add(-DefaultWindow)
	case to.IsZero():
		to = from.Add(DefaultWindow)
	}
	if !to.After(from) {
		writeError(w, f, http.StatusBadRequest, "end_date: must be after start_date")
		return
	}
	if to.Sub(from) > DefaultWindow {
		writeError(w, f, http.StatusBadRequest, "end_date: at most 90 days after start_date")
		return
	}
	filter.From, filter.To = from, to.Add(time.Millisecond) // end_date is inclusive
	// The store's pages hold at most storePage incidents: follow them to MaxResults.
	var incs []model.Incident
	for read := 0; read < MaxResults; {
		filter.Limit = min(storePage, MaxResults-read)
		page, err := h.svc.Store().ListIncidents(ctx, filter)
		if err != nil {
			h.fail(w, r, f, err)
			return
		}
		read += len(page.Items)
		for _, inc := range page.Items {
			if visible(a, signed, inc) {
				incs = append(incs, inc)
			}
		}
		if page.NextCursor == "" {
			break
		}
		filter.Cursor = page.NextCursor
	}
	h.writeRequests(w, r, f, refs, incs, now)
}

// request serves GET requests/{id}: one request, by its incident's number.
func (h *Handler) request(w http.ResponseWriter, r *http.Request) {
	id, f, ok := resource(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	q := r.URL.Query()
	c, ok := h.begin(w, r, f, q, false)
	if !ok {
		return
	}
	a, signed, refs := c.actor, c.signed, c.refs
	inc, err := h.svc.Store().IncidentByNumber(ctx, id)
	if err != nil && !errors.Is(err, model.ErrNotFound) {
		h.fail(w, r, f, err)
		return
	}
	if err != nil || !visible(a, signed, inc) {
		writeError(w, f, http.StatusNotFound, fmt.Sprintf("service_request_id: no request %q", id))
		return
	}
	h.writeRequests(w, r, f, refs, []model.Incident{inc}, h.svc.Now())
}

// visible reports whether the caller may read the incident: anyone a request posted through Open311, a signed
// caller whatever its role lets it see.
func visible(a model.Actor, signed bool, inc model.Incident) bool {
	if signed {
		return model.CanView(a, inc)
	}
	return inc.Source == model.Open311Source
}

// writeRequests answers a list of incidents as requests, reading the survivors of merged ones and the latest
// published answers in one query each.
func (h *Handler) writeRequests(w http.ResponseWriter, r *http.Request, f format, refs *store.Refs, incs []model.Incident, now time.Time) {
	ctx := r.Context()
	var survivorIDs, ids []int64
	for _, inc := range incs {
		ids = append(ids, inc.ID)
		if inc.Status == model.StatusMerged && inc.MergedInto != 0 {
			survivorIDs = append(survivorIDs, inc.MergedInto)
		}
	}
	survivors, err := h.svc.Store().IncidentsByIDs(ctx, survivorIDs, now)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	for _, s := range survivors {
		ids = append(ids, s.ID)
	}
	answers, err := h.svc.Store().LatestPublishedAnswers(ctx, ids)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	cal, err := h.svc.Calendar(ctx, refs.Regions[0].ID)
	if err != nil {
		h.fail(w, r, f, err)
		return
	}
	out := make([]serviceRequest, 0, len(incs))
	for _, inc := range incs {
		// A merged request reads as the incident it was merged into: that one is being answered.
		shown := inc
		notes := ""
		if s, ok := survivors[inc.MergedInto]; ok && inc.Status == model.StatusMerged {
			shown, notes = s, "Объединено с обращением "+s.Number+" о той же проблеме."
		}
		sr := serviceRequest{ID: inc.Number, Status: "open", Description: inc.Summary, Address: inc.Address,
			Requested: stamp(inc.CreatedAt, cal.Location), Updated: stamp(shown.UpdatedAt, cal.Location)}
		if c, ok := refs.CategoryByID(inc.CategoryID); ok {
			sr.ServiceCode, sr.ServiceName = c.Code, c.Name
		}
		if ex, ok := refs.ExecutorByID(shown.ExecutorID); ok {
			sr.Agency = ex.Name
		}
		if !shown.Status.Open() {
			sr.Status = "closed"
		} else if shown.DueAt != nil {
			sr.Expected = stamp(*shown.DueAt, cal.Location)
		}
		switch {
		case shown.Status == model.StatusRejected:
			notes = strings.TrimSpace(notes + " Не принято к рассмотрению: " + shown.RejectReason)
		default:
			if a, ok := answers[shown.ID]; ok {
				notes = strings.TrimSpace(notes + " " + a.Text)
			}
		}
		sr.StatusNotes = notes
		if shown.Status == model.StatusInterim {
			sr.Notice = "Дан промежуточный ответ, проблема решается."
		}
		out = append(out, sr)
	}
	write(w, f, http.StatusOK, out, requestsXML{Requests: out})
}

func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.RFC3339)
}

// splitList splits a comma-delimited parameter, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
