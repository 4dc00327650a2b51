package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// executorPages are the administrators' pages of the organisations that answer.
var executorPages = []Page{
	{Method: "GET", Path: "/executors", Roles: []model.Role{model.RoleAdmin}, Handle: (*Server).executorsPage},
	{Method: "GET", Path: "/executors/{code}", Roles: []model.Role{model.RoleAdmin}, Handle: (*Server).executorPage},
	{Method: "POST", Path: "/executors", Roles: []model.Role{model.RoleAdmin}, MaxBody: 64 << 10, Handle: (*Server).saveExecutor},
}

// executorKindKeys are the message keys of the executor kinds, in model.ExecutorKinds' order.
var executorKindKeys = map[string]string{
	"oiv": "executors.kind.oiv", "omsu": "executors.kind.omsu", "uk": "executors.kind.uk", "school": "executors.kind.school",
	"kindergarten": "executors.kind.kindergarten", "hospital": "executors.kind.hospital", "culture": "executors.kind.culture",
	"utility": "executors.kind.utility", "regional_operator": "executors.kind.regional_operator", "other": "executors.kind.other",
}

// executorErrors are the message keys of the fields the reference check may name.
var executorErrors = map[string]string{
	"code": "executors.err.code", "name": "executors.err.name", "kind": "executors.err.kind", "email": "executors.err.email",
	"territories": "executors.err.territories", "categories": "executors.err.categories",
}

// executorRow is a line of the executors' list.
type executorRow struct {
	E           model.Executor
	KindKey     string
	Territories []string // names; empty: the whole region
	Staff       int
}

// topicOptions is a topic and its subtopics as checkboxes.
type topicOptions struct {
	Topic model.Category
	Subs  []model.Category
}

// executorView is the data of the executors' list and of one executor's form.
type executorView struct {
	Rows        []executorRow
	New         bool // the form adds an executor
	E           model.Executor
	Kinds       []kindOption
	Territories []model.Territory
	Topics      []topicOptions
	Errors      map[string]string // field → message key
	Notice      string
	Checked     map[string]bool // territory OKTMO and category codes chosen
}

type kindOption struct{ Code, Key string }

func (s *Server) executorView(r *http.Request, v executorView) (executorView, error) {
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		return v, err
	}
	for _, k := range model.ExecutorKinds {
		v.Kinds = append(v.Kinds, kindOption{k, executorKindKeys[k]})
	}
	v.Territories = refs.Territories
	idx := map[string]int{}
	for _, c := range refs.Categories {
		if c.ParentCode == "" {
			idx[c.Code] = len(v.Topics)
			v.Topics = append(v.Topics, topicOptions{Topic: c})
		}
	}
	for _, c := range refs.Categories {
		if i, ok := idx[c.ParentCode]; ok {
			v.Topics[i].Subs = append(v.Topics[i].Subs, c)
		}
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	v.Checked = map[string]bool{}
	for _, t := range v.E.Territories {
		v.Checked["t:"+t] = true
	}
	for _, c := range v.E.Categories {
		v.Checked["c:"+c] = true
	}
	return v, nil
}

// executorsPage lists the executors with their kind, territories, whether they are connected and how many staff
// accounts they have.
func (s *Server) executorsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.st.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	staff := map[int64]int{}
	for _, u := range users {
		if u.Role == model.RoleExecutor && !u.Disabled {
			staff[u.ExecutorID]++
		}
	}
	v := executorView{Notice: map[string]string{"saved": "executors.saved"}[r.URL.Query().Get("done")]}
	for _, e := range refs.Executors {
		row := executorRow{E: e, KindKey: executorKindKeys[e.Kind], Staff: staff[e.ID]}
		for _, t := range e.Territories {
			if ter, ok := refs.TerritoryByOKTMO(t); ok {
				row.Territories = append(row.Territories, ter.Name)
			}
		}
		v.Rows = append(v.Rows, row)
	}
	s.render(w, r, http.StatusOK, "executors.html", "executors.title", v)
}

// executorPage shows one executor's form ("new" for an empty one).
func (s *Server) executorPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	v := executorView{New: code == "new", E: model.Executor{Kind: "uk"}}
	if !v.New {
		refs, err := s.svc.Refs(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		e, ok := refs.ExecutorByCode(code)
		if !ok {
			s.renderError(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		v.E = e
	}
	v, err := s.executorView(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "executor.html", "executors.title", v)
}

// saveExecutor adds or replaces an executor through the reference import, so the same checks apply as to a
// document loaded by the CLI or the API.
func (s *Server) saveExecutor(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	e := model.Executor{Code: strings.TrimSpace(f.Get("code")), Name: strings.TrimSpace(f.Get("name")), ShortName: strings.TrimSpace(f.Get("short_name")),
		Kind: f.Get("kind"), Connected: f.Get("connected") == "1", Email: strings.TrimSpace(f.Get("email")),
		Phone: strings.TrimSpace(f.Get("phone")), Address: strings.TrimSpace(f.Get("address")),
		Territories: f["territory"], Categories: f["category"]}
	isNew := f.Get("new") == "1"
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	errs := map[string]string{}
	if _, exists := refs.ExecutorByCode(e.Code); isNew && exists {
		errs["code"] = "executors.err.code_taken"
	}
	if len(errs) == 0 {
		_, err := s.svc.ImportReference(ctx, workflow.Reference{Executors: []model.Executor{e}})
		var fe *model.FieldError
		switch {
		case errors.As(err, &fe):
			field, _, _ := strings.Cut(strings.TrimPrefix(fe.Field, "executors[0]."), "[")
			key, ok := executorErrors[field]
			if !ok {
				key = "executors.err.invalid"
			}
			errs[field] = key
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		v, err := s.executorView(r, executorView{New: isNew, E: e, Errors: errs})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "executor.html", "executors.title", v)
		return
	}
	s.log.Info("web: executor saved", "by", userOf(r).Login, "code", e.Code, "new", isNew)
	http.Redirect(w, r, "/executors?done=saved#executor-"+url.PathEscape(e.Code), http.StatusSeeOther)
}
