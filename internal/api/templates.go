package api

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/quality"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// MaxTemplateTitle bounds a template's title (in characters).
const MaxTemplateTitle = 200

// TemplateRequest is the body of POST /api/v1/templates.
type TemplateRequest struct {
	Category string           `json:"category,omitempty"` // topic or subtopic code; empty: any category
	Kind     model.AnswerKind `json:"kind"`
	Title    string           `json:"title"`
	Text     string           `json:"text"`
}

// RenderedTemplate is a template filled in for one incident, graded like any answer.
type RenderedTemplate struct {
	TemplateID int64            `json:"template_id"`
	IncidentID int64            `json:"incident_id"`
	Kind       model.AnswerKind `json:"kind"`
	Text       string           `json:"text"`
	Grades     quality.Grades   `json:"grades"`
}

// placeholder finds {…} in a template; placeholderOK lists what workflow.RenderTemplate fills in.
var (
	placeholder   = regexp.MustCompile(`\{[^{}]*\}`)
	placeholderOK = regexp.MustCompile(`^\{(name|address|number|executor|date|date\+[0-9]{1,3})\}$`)
)

// mayEditTemplates: the centre writes templates (admins and moderators).
func mayEditTemplates(a model.Actor) bool {
	return a.Role == model.RoleAdmin || a.Role == model.RoleModerator
}

// listTemplates serves GET /api/v1/templates[?category=CODE]: every template, or those for a category (its
// own, its topic's and the general ones). Any signed-in user may read them.
func (s *server) listTemplates(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	if err := checkParams(q, "category"); err != nil {
		s.fail(w, r, err)
		return
	}
	cat := q.Get("category")
	if cat != "" {
		refs, err := s.svc.Refs(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if _, ok := refs.CategoryByCode(cat); !ok {
			s.fail(w, r, model.Invalid("category", fmt.Sprintf("unknown category %q", cat)))
			return
		}
	}
	list, err := s.svc.Store().Templates(ctx, cat)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

// createTemplate serves POST /api/v1/templates (admins and moderators).
func (s *server) createTemplate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !mayEditTemplates(actorFrom(ctx)) {
		s.fail(w, r, forbidden("only admins and moderators write templates"))
		return
	}
	var req TemplateRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	t := store.Template{Category: strings.TrimSpace(req.Category), Kind: string(req.Kind), Title: strings.TrimSpace(req.Title), Text: req.Text}
	if t.Category != "" {
		refs, err := s.svc.Refs(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if _, ok := refs.CategoryByCode(t.Category); !ok {
			s.fail(w, r, model.Invalid("category", fmt.Sprintf("unknown category %q", t.Category)))
			return
		}
	}
	if err := validateTemplate(req.Kind, t); err != nil {
		s.fail(w, r, err)
		return
	}
	t.CreatedAt = s.svc.Now()
	id, err := s.svc.Store().CreateTemplate(ctx, t)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out, err := s.svc.Store().Template(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/templates/"+strconv.FormatInt(id, 10))
	writeJSON(w, http.StatusCreated, out)
}

func validateTemplate(kind model.AnswerKind, t store.Template) error {
	if !kind.Valid() {
		return model.Invalid("kind", fmt.Sprintf("must be interim or final; got %q", kind))
	}
	if t.Title == "" {
		return model.Invalid("title", "required")
	}
	if utf8.RuneCountInString(t.Title) > MaxTemplateTitle {
		return model.Invalid("title", fmt.Sprintf("longer than %d characters", MaxTemplateTitle))
	}
	if isBlank(t.Text) {
		return model.Invalid("text", "required")
	}
	if len(t.Text) > workflow.MaxAnswerLen {
		return model.Invalid("text", fmt.Sprintf("longer than %d bytes", workflow.MaxAnswerLen))
	}
	for _, p := range placeholder.FindAllString(t.Text, -1) {
		if !placeholderOK.MatchString(p) {
			return model.Invalid("text", fmt.Sprintf("unknown placeholder %s; known: {name}, {address}, {number}, {executor}, {date}, {date+N}", p))
		}
	}
	return nil
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// templateID parses the {id} of a template path (anything but a positive number is not found).
func templateID(ref string) (int64, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil || id <= 0 {
		return 0, notFound(fmt.Sprintf("template %q not found", ref))
	}
	return id, nil
}

// deleteTemplate serves DELETE /api/v1/templates/{id} (admins and moderators).
func (s *server) deleteTemplate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !mayEditTemplates(actorFrom(ctx)) {
		s.fail(w, r, forbidden("only admins and moderators delete templates"))
		return
	}
	id, err := templateID(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.svc.Store().DeleteTemplate(ctx, id); err != nil {
		s.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// renderTemplate serves GET /api/v1/templates/{id}/render?incident=ID: the template filled in from the
// incident (which the caller must be able to see) and graded as an answer to it.
func (s *server) renderTemplate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	if err := checkParams(q, "incident"); err != nil {
		s.fail(w, r, err)
		return
	}
	id, err := templateID(r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ref := q.Get("incident")
	if ref == "" {
		s.fail(w, r, model.Invalid("incident", "required: the id or number of the incident to fill the template from"))
		return
	}
	t, err := s.svc.Store().Template(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.incidentRef(ctx, a, ref)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	text, err := s.svc.RenderTemplate(ctx, a, t.ID, inc.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	kind := model.AnswerKind(t.Kind)
	if !kind.Valid() {
		kind = model.AnswerInterim
	}
	g, err := s.svc.Grade(ctx, a, workflow.GradeInput{IncidentID: inc.ID, Kind: kind, Text: text})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, RenderedTemplate{TemplateID: t.ID, IncidentID: inc.ID, Kind: kind, Text: text, Grades: g})
}
