package web

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/sla"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// settingsPages are the region's settings, kept by its administrators.
var settingsPages = []Page{
	{Method: "GET", Path: "/settings", Roles: []model.Role{model.RoleAdmin}, Nav: "nav.settings", Handle: (*Server).settingsForm},
	{Method: "POST", Path: "/settings", Roles: []model.Role{model.RoleAdmin}, MaxBody: 16 << 10, Handle: (*Server).saveSettings},
	{Method: "POST", Path: "/settings/calendar", Roles: []model.Role{model.RoleAdmin}, MaxBody: 256 << 10, Handle: (*Server).saveCalendar},
	{Method: "POST", Path: "/settings/tokens", Roles: []model.Role{model.RoleAdmin}, MaxBody: 16 << 10, Handle: (*Server).createToken},
	{Method: "POST", Path: "/settings/tokens/{id}/revoke", Roles: []model.Role{model.RoleAdmin}, MaxBody: 4 << 10, Handle: (*Server).revokeToken},
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
	Saved   string // "settings" or "calendar" after a save

	Cal        calendarForm
	CalInvalid bool
	CalErrors  map[string]string // form field → message in the visitor's language
	Weekdays   []weekdayOption

	Tokens     []store.TokenInfo
	Users      []model.User // who may be given a token (enabled users)
	NewToken   string       // a token just created, shown this once
	TokenLabel string       // as typed
	TokenUser  string       // as chosen
	TokenError string       // message key
	Revoked    bool
}

// weekdayOption is a weekday's checkbox: its code and its label's message key.
type weekdayOption struct{ Code, Label string }

// weekdayOptions are the weekdays in the form's order (Monday first, as in Russia).
var weekdayOptions = []weekdayOption{{"mon", "settings.weekday.mon"}, {"tue", "settings.weekday.tue"},
	{"wed", "settings.weekday.wed"}, {"thu", "settings.weekday.thu"}, {"fri", "settings.weekday.fri"},
	{"sat", "settings.weekday.sat"}, {"sun", "settings.weekday.sun"}}

// calendarForm is the calendar as the form shows it.
type calendarForm struct {
	Mode, Start, End, LunchStart, LunchEnd, Production string
	Weekdays                                           map[string]bool
	Holidays, WorkingDays, ShortDays                   string // one date per line
}

// maxFormDates bounds each date list of the calendar form.
const maxFormDates = 1000

func calendarFormOf(c model.Calendar) calendarForm {
	f := calendarForm{Mode: c.Mode, Start: c.Start, End: c.End, LunchStart: c.LunchStart, LunchEnd: c.LunchEnd,
		Production: c.Production, Weekdays: map[string]bool{}, Holidays: strings.Join(c.Holidays, "\n"),
		WorkingDays: strings.Join(c.WorkingDays, "\n"), ShortDays: strings.Join(c.ShortDays, "\n")}
	if f.Mode == "" {
		f.Mode = "calendar"
	}
	if f.Production == "" {
		f.Production = "ru"
	}
	for _, d := range c.Weekdays {
		f.Weekdays[strings.ToLower(strings.TrimSpace(d))] = true
	}
	if len(c.Weekdays) == 0 {
		for _, d := range weekdayOptions[:5] { // Monday to Friday, the calendar's default
			f.Weekdays[d.Code] = true
		}
	}
	return f
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
	v := settingsView{Region: reg, Saved: r.URL.Query().Get("saved"), Revoked: r.URL.Query().Get("revoked") == "1"}
	s.renderSettings(w, r, http.StatusOK, v)
}

// renderSettings fills what v leaves empty from the stored region (the terms, the calendar), adds the token list
// and the users, and renders the page.
func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, v settingsView) {
	ctx := r.Context()
	if v.Fields == nil {
		for _, f := range settingsFields {
			in := settingsInput{settingsField: f}
			if n := *f.dst(&v.Region.Settings); n != 0 || f.Default == 0 {
				in.Value = strconv.Itoa(n)
			}
			v.Fields = append(v.Fields, in)
		}
	}
	if v.Cal.Weekdays == nil {
		v.Cal = calendarFormOf(v.Region.Calendar)
	}
	v.Weekdays = weekdayOptions
	var err error
	if v.Tokens, err = s.st.Tokens(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	users, err := s.st.Users(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, u := range users {
		if !u.Disabled {
			v.Users = append(v.Users, u)
		}
	}
	v.localise(s, r)
	s.render(w, r, status, "settings.html", "settings.title", v)
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
		s.renderSettings(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err := s.st.SetRegionSettings(ctx, reg.Code, set); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	s.log.Info("web: region settings changed", "user", userOf(r).Login, "auto_approve", set.AutoApprove, "deadlines", set.Deadlines)
	http.Redirect(w, r, "/settings?saved=settings", http.StatusSeeOther)
}

// saveCalendar stores the region's working calendar from the form, or shows the form again with what was typed
// and each field's error. The time zone is the region's own and is not changed here.
func (s *Server) saveCalendar(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	reg, _, err := s.region(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	lang := stateOf(r).lang
	errs := map[string]string{}
	bad := func(field, key string, args ...any) {
		if _, ok := errs[field]; !ok {
			errs[field] = s.msgs.text(lang, key, args...)
		}
	}
	f := calendarForm{Mode: r.PostFormValue("mode"), Production: r.PostFormValue("production_calendar"), Weekdays: map[string]bool{},
		Holidays: r.PostFormValue("holidays"), WorkingDays: r.PostFormValue("working_days"), ShortDays: r.PostFormValue("short_days")}
	var cal model.Calendar
	switch f.Mode {
	case "calendar", "working":
		cal.Mode = f.Mode
	default:
		bad("mode", "settings.err.mode")
	}
	switch f.Production {
	case "ru", "none":
		cal.Production = f.Production
	default:
		bad("production_calendar", "settings.err.production")
	}
	for _, t := range []struct {
		name      string
		form, dst *string
	}{{"start", &f.Start, &cal.Start}, {"end", &f.End, &cal.End}, {"lunch_start", &f.LunchStart, &cal.LunchStart},
		{"lunch_end", &f.LunchEnd, &cal.LunchEnd}} {
		*t.form = strings.TrimSpace(r.PostFormValue(t.name))
		if *t.form == "" {
			continue
		}
		if _, err := sla.ParseClock(*t.form); err != nil {
			bad(t.name, "settings.err.time")
			continue
		}
		*t.dst = *t.form
	}
	for _, d := range r.PostForm["weekday"] {
		f.Weekdays[d] = true
	}
	for _, d := range weekdayOptions {
		if f.Weekdays[d.Code] {
			cal.Weekdays = append(cal.Weekdays, d.Code)
		}
	}
	if len(cal.Weekdays) == 0 {
		bad("weekdays", "settings.err.weekdays")
	}
	for _, l := range []struct {
		name string
		text string
		dst  *[]string
	}{{"holidays", f.Holidays, &cal.Holidays}, {"working_days", f.WorkingDays, &cal.WorkingDays}, {"short_days", f.ShortDays, &cal.ShortDays}} {
		dates, errKey, arg := parseFormDates(l.text)
		if errKey != "" {
			bad(l.name, errKey, arg)
			continue
		}
		*l.dst = dates
	}
	if len(errs) == 0 {
		next := reg
		next.Calendar = cal
		var fe *model.FieldError
		if err := workflow.CheckCalendar(next); errors.As(err, &fe) {
			field, _, _ := strings.Cut(fe.Field, "[")
			switch field {
			case "end":
				bad("end", "settings.err.end")
			case "lunch_start", "lunch_end":
				bad("lunch_end", "settings.err.lunch")
			case "working_days":
				bad("working_days", "settings.err.both")
			default:
				bad(field, "settings.err.invalid")
			}
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(errs) > 0 {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, settingsView{Region: reg, Cal: f, CalInvalid: true, CalErrors: errs})
		return
	}
	if err := s.st.SetRegionCalendar(ctx, reg.Code, cal); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	s.log.Info("web: region calendar changed", "user", userOf(r).Login, "mode", cal.Mode, "holidays", len(cal.Holidays))
	http.Redirect(w, r, "/settings?saved=calendar", http.StatusSeeOther)
}

// parseFormDates reads dates separated by white space, commas or semicolons, each as 2026-12-31 or 31.12.2026,
// and returns them as YYYY-MM-DD, sorted and without repeats; or the message key of the first problem and its
// argument.
func parseFormDates(text string) ([]string, string, any) {
	parts := strings.FieldsFunc(text, func(r rune) bool { return unicode.IsSpace(r) || r == ',' || r == ';' })
	if len(parts) > maxFormDates {
		return nil, "settings.err.dates_many", maxFormDates
	}
	seen := map[string]bool{}
	var out []string
	for _, p := range parts {
		t, err := time.Parse(time.DateOnly, p)
		if err != nil {
			if t, err = time.Parse("02.01.2006", p); err != nil {
				return nil, "settings.err.date", p
			}
		}
		d := t.Format(time.DateOnly)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out, "", nil
}

// MaxTokenLabel bounds an API token's label.
const MaxTokenLabel = 100

// createToken mints an API token for a user (an integrator's system account, an operator's script) and shows it
// once: only its hash is stored.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	reg, _, err := s.region(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := settingsView{Region: reg, TokenUser: strings.TrimSpace(r.PostFormValue("user")), TokenLabel: strings.TrimSpace(r.PostFormValue("label"))}
	var u model.User
	switch {
	case v.TokenUser == "":
		v.TokenError = "settings.err.token_user"
	case v.TokenLabel == "" || utf8.RuneCountInString(v.TokenLabel) > MaxTokenLabel:
		v.TokenError = "settings.err.token_label"
	default:
		if u, _, err = s.st.UserByLogin(ctx, v.TokenUser); err != nil || u.Disabled {
			v.TokenError = "settings.err.token_user"
		}
	}
	if v.TokenError != "" {
		s.renderSettings(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	tok, hash, err := auth.NewToken()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.st.CreateToken(ctx, u.ID, hash, v.TokenLabel); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: API token created", "by", userOf(r).Login, "user", u.Login, "label", v.TokenLabel)
	s.renderSettings(w, r, http.StatusOK, settingsView{Region: reg, NewToken: tok})
}

// revokeToken deletes an API token; requests bearing it are refused from now on.
func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := s.st.RevokeToken(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: API token revoked", "by", userOf(r).Login, "token", id)
	http.Redirect(w, r, "/settings?revoked=1#tokens", http.StatusSeeOther)
}
