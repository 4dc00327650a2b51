package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// categoryPages are the administrators' pages of the category tree and its terms.
var categoryPages = []Page{
	{Method: "GET", Path: "/categories", Roles: []model.Role{model.RoleAdmin}, Handle: (*Server).categoriesPage},
	{Method: "GET", Path: "/categories/{code}", Roles: []model.Role{model.RoleAdmin}, Handle: (*Server).categoryPage},
	{Method: "POST", Path: "/categories", Roles: []model.Role{model.RoleAdmin}, MaxBody: 16 << 10, Handle: (*Server).saveCategory},
}

// categoryErrors are the message keys of the fields the reference check may name.
var categoryErrors = map[string]string{
	"code": "categories.err.code", "parent": "categories.err.parent", "name": "categories.err.name",
	"reaction_hours": "categories.err.hours", "urgent_reaction_hours": "categories.err.hours",
	"resolution_working_days": "categories.err.days", "default_priority": "categories.err.priority",
}

// categoryTopic is a topic with its subtopics, for the list.
type categoryTopic struct {
	Topic model.Category
	Subs  []model.Category
}

// categoryView is the data of the category list and of one category's form.
type categoryView struct {
	Topics     []categoryTopic
	Notice     string
	New        bool
	C          model.Category
	Form       map[string]string // the numbers as typed
	Errors     map[string]string // field → message key
	Priorities []model.Priority
	TermFields []termField
}

// termField is one of a category's own terms in the form.
type termField struct{ Name, Label string }

// categoryTermFields are the form's terms, in order.
var categoryTermFields = []termField{{"reaction_hours", "categories.f.reaction_hours"},
	{"urgent_reaction_hours", "categories.f.urgent_reaction_hours"}, {"resolution_working_days", "categories.f.resolution_working_days"}}

func topicsOf(cats []model.Category) []categoryTopic {
	idx := map[string]int{}
	var out []categoryTopic
	for _, c := range cats {
		if c.ParentCode == "" {
			idx[c.Code] = len(out)
			out = append(out, categoryTopic{Topic: c})
		}
	}
	for _, c := range cats {
		if i, ok := idx[c.ParentCode]; ok {
			out[i].Subs = append(out[i].Subs, c)
		}
	}
	return out
}

// categoriesPage lists the category tree with each category's own terms.
func (s *Server) categoriesPage(w http.ResponseWriter, r *http.Request) {
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := categoryView{Topics: topicsOf(refs.Categories), Notice: map[string]string{"saved": "categories.saved"}[r.URL.Query().Get("done")]}
	s.render(w, r, http.StatusOK, "categories.html", "categories.title", v)
}

func (s *Server) categoryForm(r *http.Request, v categoryView) (categoryView, error) {
	refs, err := s.svc.Refs(r.Context())
	if err != nil {
		return v, err
	}
	v.Topics = topicsOf(refs.Categories)
	v.Priorities = []model.Priority{model.PriorityNormal, model.PriorityHigh, model.PriorityUrgent}
	v.TermFields = categoryTermFields
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	if v.Form == nil {
		v.Form = map[string]string{}
		for k, n := range map[string]int{"reaction_hours": v.C.ReactionHours, "urgent_reaction_hours": v.C.UrgentReactionHours,
			"resolution_working_days": v.C.ResolutionWorkingDays} {
			if n != 0 {
				v.Form[k] = strconv.Itoa(n)
			}
		}
	}
	return v, nil
}

// categoryPage shows one category's form ("new" for an empty one; ?parent=CODE for a new subtopic).
func (s *Server) categoryPage(w http.ResponseWriter, r *http.Request) {
	code := r.PathValue("code")
	v := categoryView{New: code == "new", C: model.Category{DefaultPriority: model.PriorityNormal}}
	if v.New {
		v.C.ParentCode = r.URL.Query().Get("parent")
		if v.C.ParentCode != "" {
			v.C.Code = v.C.ParentCode + "."
		}
	} else {
		refs, err := s.svc.Refs(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		c, ok := refs.CategoryByCode(code)
		if !ok {
			s.renderError(w, r, http.StatusNotFound, "error.not_found")
			return
		}
		v.C = c
	}
	v, err := s.categoryForm(r, v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "category.html", "categories.title", v)
}

// saveCategory adds or replaces a category through the reference check: a subtopic's code is its topic's code, a
// dot and its own part; empty terms take the region's.
func (s *Server) saveCategory(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	f := r.PostForm
	c := model.Category{Code: strings.TrimSpace(f.Get("code")), Name: strings.TrimSpace(f.Get("name")), NameEn: strings.TrimSpace(f.Get("name_en")),
		DefaultPriority: model.Priority(f.Get("default_priority")), RequiresProof: f.Get("requires_proof") == "1", TOTK: strings.TrimSpace(f.Get("totk"))}
	if top, _, isSub := strings.Cut(c.Code, "."); isSub {
		c.ParentCode = top
	}
	isNew := f.Get("new") == "1"
	errs := map[string]string{}
	form := map[string]string{}
	for _, n := range []struct {
		name string
		dst  *int
	}{{"reaction_hours", &c.ReactionHours}, {"urgent_reaction_hours", &c.UrgentReactionHours}, {"resolution_working_days", &c.ResolutionWorkingDays}} {
		form[n.name] = strings.TrimSpace(f.Get(n.name))
		if form[n.name] == "" {
			continue
		}
		v, err := strconv.Atoi(form[n.name])
		if err != nil {
			errs[n.name] = "categories.err.number"
			continue
		}
		*n.dst = v
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if _, exists := refs.CategoryByCode(c.Code); isNew && exists {
		errs["code"] = "categories.err.code_taken"
	}
	if len(errs) == 0 {
		_, err := s.svc.ImportReference(ctx, workflow.Reference{Categories: []model.Category{c}})
		var fe *model.FieldError
		switch {
		case errors.As(err, &fe):
			field := strings.TrimPrefix(fe.Field, "categories[0].")
			key, ok := categoryErrors[field]
			if !ok {
				key = "categories.err.invalid"
			}
			errs[field] = key
		case err != nil:
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		v, err := s.categoryForm(r, categoryView{New: isNew, C: c, Form: form, Errors: errs})
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, http.StatusUnprocessableEntity, "category.html", "categories.title", v)
		return
	}
	s.log.Info("web: category saved", "by", userOf(r).Login, "code", c.Code, "new", isNew)
	http.Redirect(w, r, "/categories?done=saved#category-"+url.PathEscape(c.Code), http.StatusSeeOther)
}
