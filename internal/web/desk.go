package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// executorRoles may work at the desk.
var executorRoles = []model.Role{model.RoleExecutor}

// deskPages are the executor desk, the answer editor and the live grading of a draft.
var deskPages = []Page{
	{Method: "GET", Path: "/desk", Roles: executorRoles, Nav: "nav.desk", Handle: (*Server).desk},
	{Method: "POST", Path: "/desk/incidents/{number}/act", Roles: executorRoles, Handle: (*Server).deskAct},
	{Method: "GET", Path: "/desk/incidents/{number}", Roles: executorRoles, Handle: (*Server).answerEditor},
	{Method: "POST", Path: "/desk/incidents/{number}/answer", Roles: executorRoles, MaxBody: answerBody, Handle: (*Server).answerSave},
	{Method: "POST", Path: "/desk/grade", Roles: executorRoles, MaxBody: 64 << 10, Handle: (*Server).deskGrade},
	{Method: "GET", Path: "/files/answers/{name}", Roles: staff, Handle: (*Server).answerPhoto},
	{Method: "GET", Path: "/moderation", Roles: moderatorRoles, Nav: "nav.moderation", Handle: (*Server).moderation},
	{Method: "POST", Path: "/moderation/answers/{id}", Roles: moderatorRoles, Handle: (*Server).moderationAct},
}

// DeskPageSize is the number of incidents on one page of the desk.
const DeskPageSize = 50

// declineIncompetent is the standard reason for declining an incident.
const declineIncompetent = "не наша компетенция"

// deskRow is one incident of the desk.
type deskRow struct {
	Inc                   model.Incident
	Category              string
	Territory             string
	Due                   string
	Overdue               bool
	CanAccept, CanDecline bool
}

// deskView is the desk's data.
type deskView struct {
	Tab         string // "due" or "other"
	Rows        []deskRow
	NextCursor  string
	Notice      string // message key of the last action's outcome
	Error       string // message key of an error
	Incompetent string
}

// deskNotices are the outcomes a redirect may name (?done=…).
var deskNotices = map[string]string{
	"accept": "desk.done.accept", "decline": "desk.done.decline", "save": "desk.done.save", "submit": "desk.done.submit",
	"approve": "desk.done.approve", "return": "desk.done.return", "publish": "desk.done.publish",
}

// desk lists the incidents of the executor's organisation: those with a running deadline, earliest first, or
// (tab=other) the rest, newest first.
func (s *Server) desk(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, _ := ActorFrom(ctx)
	q := r.URL.Query()
	v := deskView{Tab: "due", Notice: deskNotices[q.Get("done")], Incompetent: declineIncompetent}
	f := store.IncidentFilter{ExecutorID: a.ExecutorID, Sort: store.SortDue, Limit: DeskPageSize, Cursor: q.Get("cursor"), Now: s.now()}
	if q.Get("tab") == "other" {
		v.Tab = "other"
		f.Sort = store.SortCreated
	}
	if a.ExecutorID == 0 {
		s.render(w, r, http.StatusOK, "desk.html", "desk.title", v)
		return
	}
	page, err := s.st.ListIncidents(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now, lang := s.now(), stateOf(r).lang
	for _, inc := range page.Items {
		if v.Tab == "other" && inc.DueAt != nil {
			continue // listed on the first tab
		}
		row := deskRow{Inc: inc,
			CanAccept:  inc.Status == model.StatusAssigned,
			CanDecline: inc.Status == model.StatusAssigned || inc.Status == model.StatusInWork}
		if c, ok := refs.CategoryByID(inc.CategoryID); ok {
			row.Category = c.Name
		}
		if t, ok := refs.TerritoryByID(inc.TerritoryID); ok {
			row.Territory = t.Name
		}
		if inc.DueAt != nil {
			row.Due, row.Overdue = countdown(inc.DueAt.Sub(now), lang)
		}
		v.Rows = append(v.Rows, row)
	}
	v.NextCursor = page.NextCursor
	s.render(w, r, http.StatusOK, "desk.html", "desk.title", v)
}

// ownIncident loads the incident named in the path if it is the executor's (else ErrNotFound).
func (s *Server) ownIncident(r *http.Request) (model.Actor, model.Incident, error) {
	a, _ := ActorFrom(r.Context())
	inc, err := s.st.IncidentByNumber(r.Context(), r.PathValue("number"))
	if err != nil {
		return a, inc, err
	}
	if a.Role != model.RoleExecutor || a.ExecutorID == 0 || inc.ExecutorID != a.ExecutorID {
		return a, model.Incident{}, model.ErrNotFound
	}
	return a, inc, nil
}

// deskAct accepts or declines an incident. Declining needs a reason: the standard one or the executor's words.
func (s *Server) deskAct(w http.ResponseWriter, r *http.Request) {
	a, inc, err := s.ownIncident(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	back := safeBack(r.PostFormValue("back"), "/desk")
	var args model.ActionArgs
	var act model.Action
	switch r.PostFormValue("action") {
	case "accept":
		act = model.ActAccept
	case "decline":
		act = model.ActDecline
		args.Reason = strings.TrimSpace(r.PostFormValue("reason_text"))
		if args.Reason == "" && r.PostFormValue("reason") == "incompetent" {
			args.Reason = declineIncompetent
		}
		if args.Reason == "" {
			s.fail(w, r, model.Invalid("reason", "a reason is required to decline"))
			return
		}
	default:
		s.fail(w, r, model.Invalid("action", "must be accept or decline"))
		return
	}
	if _, err := s.svc.Act(r.Context(), a, inc.ID, act, args); err != nil {
		s.fail(w, r, err)
		return
	}
	if act == model.ActDecline {
		back = "/desk" // the incident is no longer ours
	}
	http.Redirect(w, r, withDone(back, string(act)), http.StatusSeeOther)
}

// withDone adds ?done=what to a local path.
func withDone(path, what string) string {
	u, err := url.Parse(path)
	if err != nil {
		return path
	}
	q := u.Query()
	q.Set("done", what)
	u.RawQuery = q.Encode()
	return u.String()
}

// atoi64 parses a positive id; 0 when it is not one.
func atoi64(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0
	}
	return n
}

// isFieldError reports whether err is the visitor's mistake the editor can show beside the form.
func isFieldError(err error) bool {
	var fe *model.FieldError
	return errors.As(err, &fe) || errors.Is(err, model.ErrInvalid) || errors.Is(err, model.ErrConflict)
}
