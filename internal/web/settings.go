package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/model"
)

// settingsPages are the region's settings, kept by its administrators.
var settingsPages = []Page{
	{Method: "GET", Path: "/settings", Roles: []model.Role{model.RoleAdmin}, Nav: "nav.settings", Handle: (*Server).settingsForm},
	{Method: "POST", Path: "/settings", Roles: []model.Role{model.RoleAdmin}, MaxBody: 16 << 10, Handle: (*Server).saveSettings},
}

// settingsField is one number of the settings form.
type settingsField struct {
	Name     string // form and JSON name: "reaction_hours"
	Label    string // message key
	Hint     string // message key of the unit and the default
	Min, Max int
	Default  int // shown as the placeholder; an empty field takes it
	dst      func(*model.RegionSettings) *int
}

// settingsFields lists the form's numbers in the order shown.
var settingsFields = []settingsField{
	{Name: "auto_approve", Label: "settings.auto_approve", Hint: "settings.auto_approve_hint", Min: 0, Max: 100,
		dst: func(s *model.RegionSettings) *int { return &s.AutoApprove }},
	{Name: "reaction_hours", Label: "settings.reaction_hours", Hint: "settings.hours_hint", Min: 1, Max: model.MaxReactionHours,
		Default: model.DefaultReactionHours, dst: func(s *model.RegionSettings) *int { return &s.Deadlines.ReactionHours }},
	{Name: "urgent_reaction_hours", Label: "settings.urgent_reaction_hours", Hint: "settings.hours_hint", Min: 1, Max: model.MaxReactionHours,
		Default: model.DefaultUrgentReactionHours, dst: func(s *model.RegionSettings) *int { return &s.Deadlines.UrgentReactionHours }},
	{Name: "resolution_working_days", Label: "settings.resolution_working_days", Hint: "settings.working_days_hint", Min: 1,
		Max: model.MaxResolutionDays, Default: model.DefaultResolutionWorkingDays,
		dst: func(s *model.RegionSettings) *int { return &s.Deadlines.ResolutionWorkingDays }},
	{Name: "warn_percent", Label: "settings.warn_percent", Hint: "settings.percent_hint", Min: model.MinWarnPercent,
		Max: model.MaxWarnPercent, Default: model.DefaultWarnPercent, dst: func(s *model.RegionSettings) *int { return &s.Deadlines.WarnPercent }},
	{Name: "reception_answer_days", Label: "settings.reception_answer_days", Hint: "settings.days_hint", Min: 1,
		Max: model.MaxReceptionDays, Default: model.DefaultReceptionAnswerDays,
		dst: func(s *model.RegionSettings) *int { return &s.Deadlines.ReceptionAnswerDays }},
	{Name: "reception_extension_days", Label: "settings.reception_extension_days", Hint: "settings.days_hint", Min: 1,
		Max: model.MaxReceptionDays, Default: model.DefaultReceptionExtensionDays,
		dst: func(s *model.RegionSettings) *int { return &s.Deadlines.ReceptionExtensionDays }},
}

// settingsInput is one field as the form shows it.
type settingsInput struct {
	settingsField
	Value string // as typed, or the stored number; empty for a default
	Error string // message key
	Args  []any  // of Error

	// In the visitor's language (settingsView.localise).
	LabelText, HintText, ErrorText string
}

// settingsView is the settings page's data.
type settingsView struct {
	Region  model.Region
	Fields  []settingsInput
	Invalid bool
	Saved   bool
}

// localise puts the fields' words in the visitor's language.
func (v *settingsView) localise(s *Server, r *http.Request) {
	lang := stateOf(r).lang
	for i := range v.Fields {
		f := &v.Fields[i]
		f.LabelText, f.HintText = s.msgs.text(lang, f.Label), s.msgs.text(lang, f.Hint)
		if f.Default != 0 {
			f.HintText += " " + s.msgs.text(lang, "settings.default", f.Default)
		}
		if f.Error != "" {
			f.ErrorText = s.msgs.text(lang, f.Error, f.Args...)
		}
	}
}

// Field returns the named input (for the template's grouping).
func (v settingsView) Field(name string) settingsInput {
	for _, f := range v.Fields {
		if f.Name == name {
			return f
		}
	}
	return settingsInput{}
}

// settingsForm shows the region's auto-approval threshold and terms, and its calendar.
func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) {
	reg, _, err := s.region(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := settingsView{Region: reg, Saved: r.URL.Query().Get("saved") == "1"}
	for _, f := range settingsFields {
		in := settingsInput{settingsField: f}
		if n := *f.dst(&reg.Settings); n != 0 || f.Default == 0 {
			in.Value = strconv.Itoa(n)
		}
		v.Fields = append(v.Fields, in)
	}
	v.localise(s, r)
	s.render(w, r, http.StatusOK, "settings.html", "settings.title", v)
}

// saveSettings stores the form's settings, or shows it again with what was typed and each field's error.
func (s *Server) saveSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	reg, _, err := s.region(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var set model.RegionSettings
	v := settingsView{Region: reg}
	for _, f := range settingsFields {
		in := settingsInput{settingsField: f, Value: strings.TrimSpace(r.PostFormValue(f.Name))}
		switch n, err := strconv.Atoi(in.Value); {
		case in.Value == "" && f.Default != 0:
		case in.Value == "":
			in.Error = "settings.err.required"
		case err != nil:
			in.Error = "settings.err.number"
		case n < f.Min || n > f.Max:
			in.Error, in.Args = "settings.err.range", []any{f.Min, f.Max}
		default:
			*f.dst(&set) = n
		}
		v.Invalid = v.Invalid || in.Error != ""
		v.Fields = append(v.Fields, in)
	}
	if !v.Invalid {
		// The rules between fields (an urgent term no longer than the ordinary one).
		var fe *model.FieldError
		if err := set.Deadlines.Validate(); errors.As(err, &fe) {
			name := strings.TrimPrefix(fe.Field, "deadlines.")
			for i, f := range v.Fields {
				switch {
				case f.Name != name:
				case name == "urgent_reaction_hours":
					v.Fields[i].Error = "settings.err.urgent"
				default:
					v.Fields[i].Error, v.Fields[i].Args = "settings.err.range", []any{f.Min, f.Max}
				}
			}
			v.Invalid = true
		}
	}
	if v.Invalid {
		v.localise(s, r)
		s.render(w, r, http.StatusUnprocessableEntity, "settings.html", "settings.title", v)
		return
	}
	reg.Settings = set
	if _, err := s.st.PutRegion(ctx, reg); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	s.log.Info("web: region settings changed", "user", userOf(r).Login, "auto_approve", set.AutoApprove, "deadlines", set.Deadlines)
	http.Redirect(w, r, "/settings?saved=1", http.StatusSeeOther)
}
