package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	"github.com/otklik/otklik/internal/chart"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/rating"
	"github.com/otklik/otklik/internal/store"
)

// dashboardPages is the supervisor dashboard.
var dashboardPages = []Page{
	{Method: "GET", Path: "/dashboard", Roles: []model.Role{model.RoleSupervisor, model.RoleAdmin, model.RoleOperator, model.RoleModerator},
		Nav: "nav.dashboard", Handle: (*Server).dashboard},
}

// growingShown is how many growing problems the dashboard lists.
const growingShown = 10

// maxCustomDays bounds a custom period.
const maxCustomDays = 400

// dashFigure is one key figure, already formatted.
type dashFigure struct {
	Label string // message key
	Value string
	Hint  string // message key of an explanation, may be empty
}

// dashRow is one row of a breakdown table, formatted.
type dashRow struct {
	Name                                                 string
	Received, Answered, InWork, Overdue, Reaction, Grade string
}

// dashBreakdown is a breakdown: a chart and its table.
type dashBreakdown struct {
	Title string // message key
	Chart template.HTML
	Rows  []dashRow
}

// dashRank is one line of a ranking, formatted.
type dashRank struct {
	Rank                                                 string
	Name                                                 string
	Score                                                string
	Received, OnTime, Reaction, Grade, Formal, Satisfied string
	Note                                                 string
}

// dashRanking is one ranking table.
type dashRanking struct {
	Title string // message key
	Of    string // "executors" or "territories"
	CSV   string // the download link of the same period and territory
	Rows  []dashRank
}

// ranked is the rows a ranking ranks.
type ranked struct {
	key, of string
	rows    []store.BreakdownRow
}

// rankedOf picks the rows of the executors' and the territories' rankings from a dashboard: those with an
// executor or a territory (incidents without one are counted, not ranked).
func rankedOf(d store.Dashboard) []ranked {
	var execRows, terrRows []store.BreakdownRow
	for _, row := range d.ByExecutor {
		if row.ID != 0 {
			execRows = append(execRows, row)
		}
	}
	for _, row := range d.ByTerritory {
		if row.ID != 0 {
			terrRows = append(terrRows, row)
		}
	}
	return []ranked{{"dash.rating.executors", "executors", execRows}, {"dash.rating.territories", "territories", terrRows}}
}

// dashGrowing is one growing problem, formatted.
type dashGrowing struct {
	Category, Territory      string
	ThisWeek, LastWeek, Diff string
}

// dashTerritory is an option of the territory chooser.
type dashTerritory struct {
	ID       int64
	Name     string
	Selected bool
}

// dashboardView is the dashboard's data.
type dashboardView struct {
	Period         string // week, month, quarter, year, custom
	FromISO, ToISO string // the chooser's date fields (to inclusive)
	From, To       string // the period in words
	Territory      string // the chosen territory's name, "" for the whole region
	Bound          bool   // the user is bound to a territory and cannot choose another
	Territories    []dashTerritory
	Figures        []dashFigure
	Trend          template.HTML
	TrendRows      []dashDay
	Breakdowns     []dashBreakdown
	Growing        []dashGrowing
	Rankings       []dashRanking
	Formula        string
	MinIncidents   int
}

// dashDay is one row of the trend's table.
type dashDay struct {
	Day                string
	Received, Answered string
}

// dashPeriod resolves the period chooser: [from, to) in loc, to exclusive.
func dashPeriod(q map[string][]string, now time.Time, loc *time.Location) (kind string, from, to time.Time, err error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	n := now.In(loc)
	today := time.Date(n.Year(), n.Month(), n.Day(), 0, 0, 0, 0, loc)
	tomorrow := today.AddDate(0, 0, 1)
	kind = get("period")
	switch kind {
	case "", "week":
		kind = "week"
		wd := (int(today.Weekday()) + 6) % 7 // Monday 0
		return kind, today.AddDate(0, 0, -wd), tomorrow, nil
	case "month":
		return kind, time.Date(n.Year(), n.Month(), 1, 0, 0, 0, 0, loc), tomorrow, nil
	case "quarter":
		m := time.Month((int(n.Month())-1)/3*3 + 1)
		return kind, time.Date(n.Year(), m, 1, 0, 0, 0, 0, loc), tomorrow, nil
	case "year":
		return kind, time.Date(n.Year(), 1, 1, 0, 0, 0, 0, loc), tomorrow, nil
	case "custom":
		f, err1 := time.ParseInLocation("2006-01-02", get("from"), loc)
		t, err2 := time.ParseInLocation("2006-01-02", get("to"), loc)
		if err1 != nil || err2 != nil {
			return kind, time.Time{}, time.Time{}, fmt.Errorf("web: dashboard: %w: dates must be YYYY-MM-DD", model.ErrInvalid)
		}
		t = t.AddDate(0, 0, 1)
		if !f.Before(t) || t.Sub(f) > maxCustomDays*24*time.Hour {
			return kind, time.Time{}, time.Time{}, fmt.Errorf("web: dashboard: %w: the period must run forward and span at most %d days", model.ErrInvalid, maxCustomDays)
		}
		return kind, f, t, nil
	}
	return kind, time.Time{}, time.Time{}, fmt.Errorf("web: dashboard: %w: unknown period %q", model.ErrInvalid, kind)
}

// num formats a count the Russian way.
func num(n int) string { return chart.Number(float64(n)) }

// optNum formats an optional value, "—" when absent.
func optNum(v *float64, scale float64, unit string) string {
	if v == nil {
		return "—"
	}
	return chart.Number(*v*scale) + unit
}

// hoursOf formats optional seconds as hours.
func hoursOf(secs *float64) string {
	if secs == nil {
		return "—"
	}
	return chart.Number(*secs/3600) + " ч"
}

// reactionOf is a group's median time to first reaction in hours, "≈" before it when it was placed from the
// fine counts rather than read (a long period at a large volume).
func reactionOf(f store.Figures) string {
	if f.MedianReactionApprox && f.MedianReactionSecs != nil {
		return "≈ " + hoursOf(f.MedianReactionSecs)
	}
	return hoursOf(f.MedianReactionSecs)
}

func durHours(d *time.Duration) string {
	if d == nil {
		return "—"
	}
	return chart.Number(d.Hours()) + " ч"
}

// dashScope is what a dashboard request asks for: the period [From, To) in the region's zone and the territory
// (0: the whole region), after the user's own binding.
type dashScope struct {
	Kind      string
	From, To  time.Time
	Territory int64
	Loc       *time.Location
}

// dashScopeOf resolves the period and territory of a dashboard request and fills v's chooser; a supervisor bound
// to a territory sees only it, whatever the query says.
func (s *Server) dashScopeOf(r *http.Request, refs *store.Refs, v *dashboardView) (dashScope, error) {
	u := userOf(r)
	_, loc, err := s.region(r.Context())
	if err != nil {
		return dashScope{}, err
	}
	q := r.URL.Query()
	kind, from, to, err := dashPeriod(q, s.now(), loc)
	if err != nil {
		return dashScope{}, err
	}
	v.Period, v.FromISO, v.ToISO = kind, from.Format("2006-01-02"), to.AddDate(0, 0, -1).Format("2006-01-02")
	v.From, v.To = from.Format("02.01.2006"), to.AddDate(0, 0, -1).Format("02.01.2006")
	var terr int64
	if u != nil && u.Role == model.RoleSupervisor && u.TerritoryID != 0 {
		terr, v.Bound = u.TerritoryID, true
	} else if t := q.Get("territory"); t != "" && t != "0" {
		id, err := strconv.ParseInt(t, 10, 64)
		if err != nil || id < 0 {
			return dashScope{}, fmt.Errorf("web: dashboard: %w: bad territory", model.ErrInvalid)
		}
		terr = id
	}
	found := terr == 0
	for _, t := range refs.Territories {
		if t.ID == terr {
			found, v.Territory = true, t.Name
		}
		if !v.Bound || t.ID == terr {
			v.Territories = append(v.Territories, dashTerritory{ID: t.ID, Name: t.Name, Selected: t.ID == terr})
		}
	}
	if !found {
		return dashScope{}, fmt.Errorf("web: dashboard: %w: territory %d", model.ErrNotFound, terr)
	}
	return dashScope{Kind: kind, From: from, To: to, Territory: terr, Loc: loc}, nil
}

// dashboard shows the figures, trends, breakdowns, growing problems and rankings for a period and territory.
func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	now := s.now()
	var v dashboardView
	sc, err := s.dashScopeOf(r, refs, &v)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := sc.Loc
	d, err := s.st.Dashboard(ctx, store.DashboardFilter{From: sc.From, To: sc.To, TerritoryID: sc.Territory, Now: now, Location: loc}, growingShown)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := d.Summary
	// The hint explains «≈» when any median on the page carries it.
	reactionHint, approx := "dash.reaction.hint", f.MedianReactionApprox
	for _, rows := range [][]store.BreakdownRow{d.ByTopic, d.ByTerritory, d.ByExecutor} {
		for _, row := range rows {
			approx = approx || row.MedianReactionApprox
		}
	}
	if approx {
		reactionHint = "dash.reaction.approx"
	}
	v.Figures = []dashFigure{
		{"dash.received", num(f.Received), ""},
		{"dash.answered", num(f.Answered), ""},
		{"dash.in_work", num(f.InWork), ""},
		{"dash.overdue", num(f.Overdue), ""},
		{"dash.reaction", reactionOf(f), reactionHint},
		{"dash.plain", optNum(f.MeanPlain, 1, ""), "dash.grade.hint"},
		{"dash.informative", optNum(f.MeanInformative, 1, ""), "dash.grade.hint"},
		{"dash.formal", optNum(f.FormalReturnedShare(), 100, " %"), "dash.formal.hint"},
		{"dash.score", optNum(f.MeanScore, 1, ""), "dash.score.hint"},
		{"dash.solved", optNum(f.SolvedShare(), 100, " %"), ""},
	}

	labels := make([]string, len(d.Days))
	rec := make([]float64, len(d.Days))
	ans := make([]float64, len(d.Days))
	for i, day := range d.Days {
		labels[i] = day.Day.In(loc).Format("02.01")
		rec[i], ans[i] = float64(day.Received), float64(day.Answered)
		v.TrendRows = append(v.TrendRows, dashDay{Day: day.Day.In(loc).Format("02.01.2006"), Received: num(day.Received), Answered: num(day.Answered)})
	}
	if len(d.Days) > 0 {
		v.Trend = chart.Line([]chart.Series{{Name: "Поступило", Values: rec}, {Name: "Дан ответ", Values: ans}},
			chart.LineOptions{ID: "trend", Title: "Поступило и отвечено по дням", Labels: labels})
	}

	for _, b := range []struct {
		key, id string
		rows    []store.BreakdownRow
	}{{"dash.by_topic", "topic", d.ByTopic}, {"dash.by_territory", "territory", d.ByTerritory}, {"dash.by_executor", "executor", d.ByExecutor}} {
		bd := dashBreakdown{Title: b.key}
		bars := make([]chart.Bar, 0, len(b.rows))
		for _, row := range b.rows {
			name := row.Name
			if name == "" {
				name = "Не определено"
			}
			bars = append(bars, chart.Bar{Label: name, Value: float64(row.Received)})
			bd.Rows = append(bd.Rows, dashRow{Name: name, Received: num(row.Received), Answered: num(row.Answered),
				InWork: num(row.InWork), Overdue: num(row.Overdue), Reaction: reactionOf(row.Figures),
				Grade: optNum(row.MeanGrade(), 1, "")})
		}
		if len(bars) > 0 {
			bd.Chart = chart.Bars(bars, chart.BarsOptions{ID: "by-" + b.id, Title: "Поступило: " + s.msgs.text("ru", b.key)})
		}
		v.Breakdowns = append(v.Breakdowns, bd)
	}

	for _, g := range d.Growing {
		v.Growing = append(v.Growing, dashGrowing{Category: g.CategoryName, Territory: g.TerritoryName,
			ThisWeek: num(g.ThisWeek), LastWeek: num(g.LastWeek), Diff: "+" + num(g.Growth())})
	}

	cfg := rating.DefaultConfig()
	v.Formula, v.MinIncidents = cfg.Formula(), cfg.MinIncidents
	for _, rk := range rankedOf(d) {
		ranks, err := rankRows(rk.rows, cfg)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		q := r.URL.Query()
		q.Set("of", rk.of)
		v.Rankings = append(v.Rankings, dashRanking{Title: rk.key, Of: rk.of, CSV: "/dashboard/rating.csv?" + q.Encode(), Rows: ranks})
	}
	s.render(w, r, http.StatusOK, "dashboard.html", "dash.title", v)
}

// rankRows ranks breakdown rows and formats the entries.
func rankRows(rows []store.BreakdownRow, cfg rating.Config) ([]dashRank, error) {
	entries, err := rating.Rank(store.RatingInputs(rows), cfg)
	if err != nil {
		return nil, fmt.Errorf("web: dashboard: rank: %w", err)
	}
	out := make([]dashRank, 0, len(entries))
	for _, e := range entries {
		rk := dashRank{Rank: "—", Name: e.Name, Score: optNum(e.Score, 1, ""), Received: num(e.Received),
			OnTime: optNum(e.OnTimeShare, 100, " %"), Reaction: durHours(e.MedianReaction), Grade: optNum(e.MeanGrade, 1, ""),
			Formal: optNum(e.FormalShare, 100, " %"), Satisfied: optNum(e.MeanScore, 1, ""), Note: e.Note}
		if e.Ranked {
			rk.Rank = strconv.Itoa(e.Rank)
		}
		out = append(out, rk)
	}
	return out, nil
}
