package web

import (
	"net/http"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// moderatorRoles review answers.
var moderatorRoles = []model.Role{model.RoleModerator, model.RoleAdmin}

// ModerationPageSize bounds the answers on each list of the moderation page.
const ModerationPageSize = 30

// modItem is an answer with its incident, as the moderator sees it.
type modItem struct {
	A        model.Answer
	Inc      model.Incident
	Category string
	Due      string
	Overdue  bool
	Grades   gradeView
	Graded   bool
}

// moderationView is the moderation page's data.
type moderationView struct {
	Tab               string // "review" or "published"
	Items             []modItem
	Published, Failed []modItem
	Notice            string
}

// moderation lists the answers waiting for review, earliest deadline first; tab=published shows what was
// published recently and the publications that failed.
func (s *Server) moderation(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v := moderationView{Tab: "review", Notice: deskNotices[r.URL.Query().Get("done")]}
	load := func(state model.AnswerState) ([]modItem, error) {
		answers, err := s.st.AnswersInState(ctx, state, ModerationPageSize)
		if err != nil {
			return nil, err
		}
		refs, err := s.svc.Refs(ctx)
		if err != nil {
			return nil, err
		}
		now, lang := s.now(), stateOf(r).lang
		ids := make([]int64, len(answers))
		for i, an := range answers {
			ids[i] = an.IncidentID
		}
		incs, err := s.st.IncidentsByIDs(ctx, ids, now)
		if err != nil {
			return nil, err
		}
		var out []modItem
		for _, an := range answers {
			inc, ok := incs[an.IncidentID]
			if !ok {
				continue // merged away or deleted meanwhile
			}
			it := modItem{A: an, Inc: inc}
			if c, ok := refs.CategoryByID(inc.CategoryID); ok {
				it.Category = c.Name
			}
			if inc.DueAt != nil {
				it.Due, it.Overdue = countdown(inc.DueAt.Sub(now), lang)
			}
			it.Grades, it.Graded = storedGrades(an.Grades)
			out = append(out, it)
		}
		return out, nil
	}
	var err error
	if r.URL.Query().Get("tab") == "published" {
		v.Tab = "published"
		if v.Published, err = load(model.AnswerPublished); err == nil {
			v.Failed, err = load(model.AnswerPublishFailed)
		}
	} else {
		v.Items, err = load(model.AnswerOnReview)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "moderation.html", "moderation.title", v)
}

// moderationAct approves an answer, returns it with a comment (required), or publishes it again.
func (s *Server) moderationAct(w http.ResponseWriter, r *http.Request) {
	a, _ := ActorFrom(r.Context())
	id := atoi64(r.PathValue("id"))
	var act model.AnswerAction
	var args workflow.AnswerArgs
	back := "/moderation"
	switch r.PostFormValue("action") {
	case "approve":
		act = model.AnsApprove
	case "return":
		act = model.AnsReturn
		args.Comment = strings.TrimSpace(r.PostFormValue("comment"))
		if args.Comment == "" {
			s.fail(w, r, model.Invalid("comment", "a comment is required to return an answer"))
			return
		}
	case "publish":
		act = model.AnsPublish
		back = "/moderation?tab=published"
	default:
		s.fail(w, r, model.Invalid("action", "must be approve, return or publish"))
		return
	}
	if id == 0 {
		s.fail(w, r, model.ErrNotFound)
		return
	}
	if _, err := s.svc.AnswerAct(r.Context(), a, id, act, args); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, withDone(back, string(act)), http.StatusSeeOther)
}
