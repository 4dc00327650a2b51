package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/rating"
)

// The supervisor dashboard and the ratings aggregate the incidents received in a period. Every figure here is
// computed over the incidents created in [From, To) (optionally in one territory), rejected and merged ones left
// out: they are not appeals of their own. Each call runs a fixed number of queries whatever the row count, and
// every query reads the covering indexes of migration 0009 rather than the incident rows.

// DashboardFilter selects the incidents a dashboard describes.
type DashboardFilter struct {
	From, To    time.Time      // the period: incidents created in [From, To); both required
	TerritoryID int64          // 0: the whole region
	Now         time.Time      // the clock overdue-ness is judged against; zero: time.Now()
	Location    *time.Location // the region's time zone, for day boundaries; nil: UTC
}

func (f *DashboardFilter) check() error {
	if f.From.IsZero() || f.To.IsZero() || !f.From.Before(f.To) {
		return fmt.Errorf("store: dashboard: the period must have From before To")
	}
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	if f.Location == nil {
		f.Location = time.UTC
	}
	return nil
}

// Figures are the aggregates of one group of incidents: the whole period (the summary) or one row of a
// breakdown. Counts are of incidents unless named otherwise. Shares and means are nil when their denominator
// is zero, so a page can show "—" instead of a misleading 0.
type Figures struct {
	Received int `json:"received"` // incidents received (created) in the period, rejected and merged ones excluded
	// Answered incidents have had a first reaction: an interim or final answer published.
	Answered int `json:"answered"`
	// AnsweredOnTime is the answered incidents whose first reaction came by the reaction deadline.
	AnsweredOnTime int `json:"answered_on_time"`
	// AwaitingOverdue is the open incidents with no reaction yet whose reaction deadline has passed.
	AwaitingOverdue int `json:"awaiting_overdue"`
	InWork          int `json:"in_work"`  // open: new, assigned, in work or with an interim answer
	Overdue         int `json:"overdue"`  // open with their running deadline (reaction or resolution) passed
	Resolved        int `json:"resolved"` // a final answer published
	// ConnectedAnswered is the answered incidents whose executor is connected to Otklik (answers in the system).
	ConnectedAnswered int `json:"connected_answered"`
	// MedianReactionSecs is the median time from receipt to first reaction over the answered incidents.
	MedianReactionSecs *float64 `json:"median_reaction_seconds,omitempty"`
	// MedianReactionApprox is set when the median was placed within a sixteenth of its histogram bucket from
	// the fine counts rather than read (a long period at a large volume; see store/fine.go).
	MedianReactionApprox bool `json:"median_reaction_approximate,omitempty"`

	Graded          int      `json:"graded"`                     // published answers with automatic grades
	MeanPlain       *float64 `json:"mean_plain,omitempty"`       // mean plainness grade (0–100) of published answers
	MeanInformative *float64 `json:"mean_informative,omitempty"` // mean informativeness grade (0–100) of published answers
	Submitted       int      `json:"submitted"`                  // answers submitted for review
	Formal          int      `json:"formal"`                     // answers the grader flags as formal replies (отписки)
	FormalReturned  int      `json:"formal_returned"`            // of those, answers a moderator returned for rework

	Rated      int      `json:"rated"`                // answers a resident scored (1–5)
	MeanScore  *float64 `json:"mean_score,omitempty"` // the residents' mean score
	SolvedSaid int      `json:"solved_said"`          // residents who said whether the problem was solved
	Solved     int      `json:"solved"`               // of those, who said it was
}

// MeanGrade is the mean of the plainness and informativeness means (nil without graded answers).
func (f Figures) MeanGrade() *float64 {
	if f.MeanPlain == nil || f.MeanInformative == nil {
		return nil
	}
	v := (*f.MeanPlain + *f.MeanInformative) / 2
	return &v
}

// OnTimeShare is AnsweredOnTime ÷ (Answered + AwaitingOverdue): of the incidents whose reaction deadline has a
// verdict, the share answered in time (nil when none has one yet).
func (f Figures) OnTimeShare() *float64 { return share(f.AnsweredOnTime, f.Answered+f.AwaitingOverdue) }

// FormalReturnedShare is FormalReturned ÷ Formal: how many formal replies the moderators caught.
func (f Figures) FormalReturnedShare() *float64 { return share(f.FormalReturned, f.Formal) }

// SolvedShare is Solved ÷ SolvedSaid.
func (f Figures) SolvedShare() *float64 { return share(f.Solved, f.SolvedSaid) }

// ConnectedShare is ConnectedAnswered ÷ Answered.
func (f Figures) ConnectedShare() *float64 { return share(f.ConnectedAnswered, f.Answered) }

func share(n, d int) *float64 {
	if d <= 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

// BreakdownBy names what a breakdown groups incidents by.
type BreakdownBy string

// Breakdowns.
const (
	ByTopic     BreakdownBy = "topic"     // the category's topic (ЖКХ, дороги…); Code "" for uncategorised incidents
	ByTerritory BreakdownBy = "territory" // the municipality; ID 0 for incidents without one
	ByExecutor  BreakdownBy = "executor"  // the executor (for answers and ratings: the one who wrote the answer); ID 0: none yet
)

// BreakdownRow is the figures of one group.
type BreakdownRow struct {
	ID        int64  `json:"id,omitempty"` // territory or executor id; the topic category's id (0 when unknown)
	Code      string `json:"code"`         // OKTMO, executor code or topic code
	Name      string `json:"name"`
	Connected bool   `json:"connected,omitempty"` // ByExecutor: the executor answers in Otklik
	Figures
}

// DayCount is one day of the trend: incidents received that day and first reactions given that day.
type DayCount struct {
	Day      time.Time `json:"day"` // midnight in the filter's Location
	Received int       `json:"received"`
	Answered int       `json:"answered"`
}

// GrowingProblem is a subtopic in a territory whose count grew this week over the week before.
type GrowingProblem struct {
	CategoryID    int64  `json:"category_id"`
	CategoryCode  string `json:"category_code"`
	CategoryName  string `json:"category_name"`
	TerritoryID   int64  `json:"territory_id"`
	TerritoryName string `json:"territory_name"`
	ThisWeek      int    `json:"this_week"` // received in the 7 days before Now
	LastWeek      int    `json:"last_week"` // received in the 7 days before those
}

// Growth is ThisWeek − LastWeek.
func (g GrowingProblem) Growth() int { return g.ThisWeek - g.LastWeek }

// Dashboard is everything the supervisor dashboard shows for one filter.
type Dashboard struct {
	Summary     Figures          `json:"summary"`
	Days        []DayCount       `json:"days"`
	ByTopic     []BreakdownRow   `json:"by_topic"`
	ByTerritory []BreakdownRow   `json:"by_territory"`
	ByExecutor  []BreakdownRow   `json:"by_executor"`
	Growing     []GrowingProblem `json:"growing"`
}

// DashboardQueries is the most statements Dashboard sends, whatever the number of rows: a read-only
// transaction, the rollup's state, the names, the pending incidents, the rollup's sums, the deadlines still
// ahead, the reaction times around the medians (or the fine counts, see fine.go), the days and the growing
// problems. (Counting from the incidents directly, when the period does not fall on the rollup's days, takes one
// more; medians placed from the fine counts take one more when their bins are read, and one more when some
// group's lie beyond ten days and are read from their bucket.) A fold
// of pending incidents, when more than foldThreshold wait, comes on top.
const DashboardQueries = 9

// Dashboard computes the whole dashboard: the summary, the daily trend, the three breakdowns and the problems
// growing in the week before f.Now (at most growingLimit of them) in DashboardQueries statements. The summary
// and the breakdowns are read from the dashboard rollup (see rollup.go), in one snapshot.
func (s *Store) Dashboard(ctx context.Context, f DashboardFilter, growingLimit int) (Dashboard, error) {
	if err := f.check(); err != nil {
		return Dashboard{}, err
	}
	if growingLimit <= 0 {
		growingLimit = 10
	}
	return s.readDashboard(ctx, f, []BreakdownBy{"", ByTopic, ByTerritory, ByExecutor}, true, growingLimit)
}

// DashboardSummary computes the figures of the whole period.
func (s *Store) DashboardSummary(ctx context.Context, f DashboardFilter) (Figures, error) {
	if err := f.check(); err != nil {
		return Figures{}, err
	}
	d, err := s.readDashboard(ctx, f, []BreakdownBy{""}, false, 0)
	return d.Summary, err
}

// DashboardBreakdown computes the figures per topic, territory or executor, the largest groups first (by
// incidents received, then by name). A group appears when the period has an incident of it or, by executor,
// an answer or rating of an answer its executor wrote to one.
func (s *Store) DashboardBreakdown(ctx context.Context, f DashboardFilter, by BreakdownBy) ([]BreakdownRow, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	if by != ByTopic && by != ByTerritory && by != ByExecutor {
		return nil, fmt.Errorf("store: dashboard breakdown: unknown grouping %q", by)
	}
	d, err := s.readDashboard(ctx, f, []BreakdownBy{by}, false, 0)
	switch by {
	case ByTopic:
		return d.ByTopic, err
	case ByTerritory:
		return d.ByTerritory, err
	}
	return d.ByExecutor, err
}

// DashboardDays counts, for every day of the period in the filter's time zone, the incidents received and the
// first reactions given. Every day of the period is present, zeros included. Day boundaries use the zone's
// offset at the start of the period (exact for zones without daylight saving time, such as Russia's).
func (s *Store) DashboardDays(ctx context.Context, f DashboardFilter) ([]DayCount, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	d, err := s.readDashboard(ctx, f, nil, true, 0)
	return d.Days, err
}

// GrowingProblems lists the subtopic × territory pairs whose count of incidents received this week — the seven
// days of the region's calendar (loc; nil: UTC) ending with today — most exceeds the count of the seven
// days before (only pairs that grew), at most limit of them (one query). Ties go to the larger count this week,
// then to the category and territory codes.
func (s *Store) GrowingProblems(ctx context.Context, now time.Time, loc *time.Location, territoryID int64, limit int) ([]GrowingProblem, error) {
	return s.growingProblems(ctx, s.db, nil, now, loc, territoryID, limit)
}

// readDashboard computes the parts of the dashboard asked for: the figures of dims ("" the summary), the days,
// the growing problems (growing > 0). It reads the rollup in one snapshot when the period falls on its days, the
// incidents directly otherwise.
func (s *Store) readDashboard(ctx context.Context, f DashboardFilter, dims []BreakdownBy, days bool, growing int) (Dashboard, error) {
	var d Dashboard
	ran, err := s.withRollup(ctx, f.From, f.To, f.Location, func(r *rollupRead) error {
		var err error
		d, err = s.buildDashboard(ctx, r.tx, r, f, dims, days, growing)
		return err
	})
	if err != nil || ran {
		return d, err
	}
	return s.buildDashboard(ctx, s.db, nil, f, dims, days, growing)
}

// buildDashboard computes readDashboard's parts through q: from the rollup r, or from the incidents (r nil).
func (s *Store) buildDashboard(ctx context.Context, q queryer, r *rollupRead, f DashboardFilter, dims []BreakdownBy, days bool, growing int) (Dashboard, error) {
	var d Dashboard
	topic, names, err := s.dashNames(ctx, q, dims)
	if err != nil {
		return d, err
	}
	var pend []*incFacts
	if r != nil {
		if pend, err = s.pendingFacts(ctx, r, f); err != nil {
			return d, err
		}
	}
	if len(dims) > 0 {
		var groups map[BreakdownBy]map[string]*Figures
		if r != nil {
			groups, err = s.rollupFigures(ctx, r, f, dims, topic, pend)
		} else {
			groups, err = s.aggregate(ctx, q, f, dims, topic)
		}
		if err != nil {
			return d, err
		}
		if g, ok := groups[""]["0"]; ok {
			d.Summary = *g
		}
		for _, by := range dims {
			rows := breakdownRows(by, groups[by], names[by])
			switch by {
			case ByTopic:
				d.ByTopic = rows
			case ByTerritory:
				d.ByTerritory = rows
			case ByExecutor:
				d.ByExecutor = rows
			}
		}
	}
	if days {
		if r != nil {
			d.Days, err = s.rollupDays(ctx, r, f, pend)
		} else {
			d.Days, err = s.daysRaw(ctx, q, f)
		}
		if err != nil {
			return d, err
		}
	}
	if growing > 0 {
		if d.Growing, err = s.growingProblems(ctx, q, r, f.Now, f.Location, f.TerritoryID, growing); err != nil {
			return d, err
		}
	}
	return d, nil
}

// breakdownRows names and orders the groups of one breakdown.
func breakdownRows(by BreakdownBy, groups map[string]*Figures, names map[string]groupName) []BreakdownRow {
	out := make([]BreakdownRow, 0, len(groups))
	for key, g := range groups {
		r := BreakdownRow{Figures: *g}
		if n, ok := names[key]; ok {
			r.ID, r.Code, r.Name, r.Connected = n.id, n.code, n.name, n.connected
		} else if by == ByTopic {
			r.Code = key
		} else {
			r.ID, _ = strconv.ParseInt(key, 10, 64)
		}
		if r.Name == "" && (key == "" || key == "0") {
			r.Name = map[BreakdownBy]string{ByTopic: "Без рубрики", ByTerritory: "Территория не определена", ByExecutor: "Исполнитель не назначен"}[by]
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Received != out[j].Received {
			return out[i].Received > out[j].Received
		}
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Code < out[j].Code
	})
	return out
}

// periodCond is the WHERE clause selecting the period's incidents (alias i) and its arguments.
func periodCond(f DashboardFilter) (string, []any) {
	cond := `i.created_at >= ? AND i.created_at < ? AND i.status NOT IN ('rejected', 'merged')`
	args := []any{ms(f.From), ms(f.To)}
	if f.TerritoryID != 0 {
		cond += ` AND i.territory_id = ?`
		args = append(args, f.TerritoryID)
	}
	return cond, args
}

// periodIncidents is the FROM item of the period's incidents. On SQLite it names the covering index: with the
// statistics of a large table the planner would otherwise pick a skip-scan of (status, created_at) and read every
// incident row; PostgreSQL chooses well by itself.
func (s *Store) periodIncidents(f DashboardFilter, index string) string {
	if s.d.name != "sqlite" {
		return `incidents i`
	}
	if index == "" {
		index = "incidents_dash"
		if f.TerritoryID != 0 {
			index = "incidents_dash_territory"
		}
	}
	return `incidents i INDEXED BY ` + index
}

// groupKey is the SQL of the composite group key of dims: territory id, executor id and category id as text,
// joined by "|" (the category's topic is found here, which spares a join per row), and whether it groups at all.
// answers: the executor is the answer's (alias a), not the incident's.
func groupKey(dims []BreakdownBy, answers bool) (key string, grouped bool) {
	var parts []string
	if slices.Contains(dims, ByTerritory) {
		parts = append(parts, `CAST(COALESCE(i.territory_id, 0) AS TEXT)`)
	}
	if slices.Contains(dims, ByExecutor) {
		if answers {
			parts = append(parts, `CAST(COALESCE(a.executor_id, 0) AS TEXT)`)
		} else {
			parts = append(parts, `CAST(COALESCE(i.executor_id, 0) AS TEXT)`)
		}
	}
	if slices.Contains(dims, ByTopic) {
		parts = append(parts, `CAST(COALESCE(i.category_id, 0) AS TEXT)`)
	}
	if len(parts) == 0 {
		return `'0'`, false
	}
	return strings.Join(parts, ` || '|' || `), true
}

// keySplitter maps a composite key to the group key of each dimension, in the order of dims ("0" for the
// summary, the topic's code for ByTopic).
type keySplitter struct {
	dims  []BreakdownBy
	pos   []int             // per dim: its part of the composite key, -1 for the summary
	topic map[string]string // category id → topic code
	out   []string
}

func newKeySplitter(dims []BreakdownBy, topic map[string]string) *keySplitter {
	ks := &keySplitter{dims: dims, topic: topic, pos: make([]int, len(dims)), out: make([]string, len(dims))}
	n := 0
	for _, b := range []BreakdownBy{ByTerritory, ByExecutor, ByTopic} {
		for i, d := range dims {
			if d == b {
				ks.pos[i] = n
				n++
			}
		}
	}
	for i, d := range dims {
		if d == "" {
			ks.pos[i] = -1
		}
	}
	return ks
}

// split returns the group keys of key; the slice is reused by the next call.
func (ks *keySplitter) split(key string) []string {
	for i, d := range ks.dims {
		p := ks.pos[i]
		if p < 0 {
			ks.out[i] = "0"
			continue
		}
		part := key
		for j := 0; j < p; j++ {
			_, part, _ = strings.Cut(part, "|")
		}
		part, _, _ = strings.Cut(part, "|")
		if d == ByTopic {
			part = ks.topic[part] // "" for an uncategorised incident
		}
		ks.out[i] = part
	}
	return ks.out
}

// acc accumulates one group: the figures' counts plus the sums the means are folded from.
type acc struct {
	Figures
	plainSum, infSum, scoreSum float64
	plainN, infN               int
	reactions                  []int64
}

// aggregate computes Figures for every group of every dimension in dims ("" is the whole period) in four
// queries over the period's incidents — counts, reaction times, answers, ratings — each grouped by all the
// dimensions at once and folded into each.
func (s *Store) aggregate(ctx context.Context, q queryer, f DashboardFilter, dims []BreakdownBy, topic map[string]string) (map[BreakdownBy]map[string]*Figures, error) {
	cond, args := periodCond(f)
	from := s.periodIncidents(f, "")
	now := ms(f.Now)
	accs := map[BreakdownBy]map[string]*acc{}
	for _, d := range dims {
		accs[d] = map[string]*acc{}
	}
	ks := newKeySplitter(dims, topic)
	byDim := make([]map[string]*acc, len(dims))
	for i, d := range dims {
		byDim[i] = accs[d]
	}
	// each calls fn with the accumulator of every dimension the composite key belongs to.
	each := func(key string, fn func(*acc)) {
		for i, k := range ks.split(key) {
			a, ok := byDim[i][k]
			if !ok {
				a = &acc{}
				byDim[i][k] = a
			}
			fn(a)
		}
	}
	key, grouped := groupKey(dims, false)
	groupBy := func(k string) string { // PostgreSQL refuses GROUP BY a constant: the summary is one group anyway
		if !grouped {
			return ""
		}
		return ` GROUP BY ` + k
	}

	// 1. Counts over the incidents.
	qs := `SELECT ` + key + ` AS k, COUNT(*),
		SUM(CASE WHEN i.first_reaction_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.first_reaction_at IS NOT NULL AND (i.reaction_due IS NULL OR i.first_reaction_at <= i.reaction_due) THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.first_reaction_at IS NULL AND i.status IN ('new', 'assigned', 'in_work', 'interim') AND i.reaction_due < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.status IN ('new', 'assigned', 'in_work', 'interim') THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.status IN ('new', 'assigned', 'in_work', 'interim') AND i.due_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.status = 'resolved' THEN 1 ELSE 0 END),
		SUM(CASE WHEN i.first_reaction_at IS NOT NULL AND i.executor_id IN (SELECT id FROM executors WHERE connected = TRUE) THEN 1 ELSE 0 END)
		FROM ` + from + ` WHERE ` + cond + groupBy(key)
	rows, err := q.QueryContext(ctx, s.d.rebind(qs), append([]any{now, now}, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: dashboard counts: %w", err)
	}
	total := 0
	err = scanAll(rows, func(sc func(...any) error) error {
		var k string
		var n int
		var c [7]sql.NullInt64
		if err := sc(&k, &n, &c[0], &c[1], &c[2], &c[3], &c[4], &c[5], &c[6]); err != nil {
			return err
		}
		if n == 0 {
			return nil // the summary of an empty period
		}
		total += n
		each(k, func(g *acc) {
			g.Received += n
			g.Answered += int(c[0].Int64)
			g.AnsweredOnTime += int(c[1].Int64)
			g.AwaitingOverdue += int(c[2].Int64)
			g.InWork += int(c[3].Int64)
			g.Overdue += int(c[4].Int64)
			g.Resolved += int(c[5].Int64)
			g.ConnectedAnswered += int(c[6].Int64)
		})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: dashboard counts: %w", err)
	}
	if total > 0 { // without incidents there are no reactions, answers or ratings of them either
		if err := s.aggregateDetails(ctx, q, dims, cond, args, from, each); err != nil {
			return nil, err
		}
	}

	out := map[BreakdownBy]map[string]*Figures{}
	for d, m := range accs {
		out[d] = map[string]*Figures{}
		for k, a := range m {
			fg := a.Figures
			if a.plainN > 0 {
				v := a.plainSum / float64(a.plainN)
				fg.MeanPlain = &v
			}
			if a.infN > 0 {
				v := a.infSum / float64(a.infN)
				fg.MeanInformative = &v
			}
			if fg.Rated > 0 {
				v := a.scoreSum / float64(fg.Rated)
				fg.MeanScore = &v
			}
			if n := len(a.reactions); n > 0 {
				slices.Sort(a.reactions)
				v := float64(a.reactions[(n-1)/2]+a.reactions[n/2]) / 2 / 1000 // the mean of the middle two when even
				fg.MedianReactionSecs = &v
			}
			out[d][k] = &fg
		}
	}
	return out, nil
}

// aggregateDetails runs the three queries after the counts: reaction times, answers and ratings.
func (s *Store) aggregateDetails(ctx context.Context, db queryer, dims []BreakdownBy, cond string, args []any, from string, each func(string, func(*acc))) error {
	key, grouped := groupKey(dims, false)
	akey, _ := groupKey(dims, true)
	groupBy := func(k string) string {
		if !grouped {
			return ""
		}
		return ` GROUP BY ` + k
	}

	// 2. Reaction times, streamed (two values a row) and sorted here per group for the medians: exact, foldable
	// across dimensions, and several times faster than SQLite's window functions.
	rows, err := db.QueryContext(ctx, s.d.rebind(`SELECT `+key+` AS k, i.first_reaction_at - i.created_at
		FROM `+from+` WHERE `+cond+` AND i.first_reaction_at IS NOT NULL`), args...)
	if err != nil {
		return fmt.Errorf("store: dashboard reaction times: %w", err)
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		var k string
		var d int64
		if err := sc(&k, &d); err != nil {
			return err
		}
		each(k, func(g *acc) { g.reactions = append(g.reactions, d) })
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: dashboard reaction times: %w", err)
	}

	// 3. Answers of the period's incidents: grades of the published ones, formal replies and their returns.
	q := `SELECT ` + akey + ` AS k,
		SUM(CASE WHEN a.state = 'published' AND a.grade_plain IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.state = 'published' THEN a.grade_plain END),
		SUM(CASE WHEN a.state = 'published' AND a.grade_informative IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.state = 'published' THEN a.grade_informative END),
		SUM(CASE WHEN a.submitted_at IS NOT NULL THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.formal = TRUE THEN 1 ELSE 0 END),
		SUM(CASE WHEN a.formal = TRUE AND a.id IN (SELECT answer_id FROM events WHERE type = 'answer.return' AND answer_id IS NOT NULL) THEN 1 ELSE 0 END)
		FROM ` + from + ` JOIN answers a ON a.incident_id = i.id WHERE ` + cond + groupBy(akey)
	rows, err = db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("store: dashboard answers: %w", err)
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		var k string
		var plainN, infN, submitted, formal, returned sql.NullInt64
		var plain, inf sql.NullFloat64
		if err := sc(&k, &plainN, &plain, &infN, &inf, &submitted, &formal, &returned); err != nil {
			return err
		}
		each(k, func(g *acc) {
			g.Graded += int(plainN.Int64)
			g.plainN, g.plainSum = g.plainN+int(plainN.Int64), g.plainSum+plain.Float64
			g.infN, g.infSum = g.infN+int(infN.Int64), g.infSum+inf.Float64
			g.Submitted += int(submitted.Int64)
			g.Formal += int(formal.Int64)
			g.FormalReturned += int(returned.Int64)
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: dashboard answers: %w", err)
	}

	// 4. Residents' ratings of the answers to the period's incidents.
	rjoin := ""
	if slices.Contains(dims, ByExecutor) {
		rjoin = ` JOIN answers a ON a.id = r.answer_id`
	}
	q = `SELECT ` + akey + ` AS k, COUNT(r.score), SUM(r.score),
		SUM(CASE WHEN r.solved IS NOT NULL THEN 1 ELSE 0 END), SUM(CASE WHEN r.solved = TRUE THEN 1 ELSE 0 END)
		FROM ` + from + ` JOIN ratings r ON r.incident_id = i.id` + rjoin + ` WHERE ` + cond + ` AND r.rated_at IS NOT NULL` + groupBy(akey)
	rows, err = db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return fmt.Errorf("store: dashboard ratings: %w", err)
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		var k string
		var rated int
		var sum sql.NullFloat64
		var said, solved sql.NullInt64
		if err := sc(&k, &rated, &sum, &said, &solved); err != nil {
			return err
		}
		each(k, func(g *acc) {
			g.Rated += rated
			g.scoreSum += sum.Float64
			g.SolvedSaid += int(said.Int64)
			g.Solved += int(solved.Int64)
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: dashboard ratings: %w", err)
	}
	return nil
}

func scanAll(rows *sql.Rows, fn func(scan func(...any) error) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

type groupName struct {
	id        int64
	code      string
	name      string
	connected bool
}

// dashNames loads, in one query over the small reference tables, the topic of every category (category id as
// text to topic code, when dims has ByTopic) and the names of the groups of each breakdown in dims.
func (s *Store) dashNames(ctx context.Context, q queryer, dims []BreakdownBy) (map[string]string, map[BreakdownBy]map[string]groupName, error) {
	var parts []string
	for _, by := range dims {
		switch by {
		case ByTopic:
			parts = append(parts, `SELECT 'c', id, code, parent_code, name, FALSE FROM categories`)
		case ByTerritory:
			parts = append(parts, `SELECT 't', id, oktmo, '', COALESCE(NULLIF(short_name, ''), name), FALSE FROM territories`)
		case ByExecutor:
			parts = append(parts, `SELECT 'e', id, code, '', COALESCE(NULLIF(short_name, ''), name), connected FROM executors`)
		}
	}
	topic := map[string]string{}
	names := map[BreakdownBy]map[string]groupName{ByTopic: {}, ByTerritory: {}, ByExecutor: {}}
	if len(parts) == 0 {
		return topic, names, nil
	}
	rows, err := q.QueryContext(ctx, strings.Join(parts, " UNION ALL "))
	if err != nil {
		return nil, nil, fmt.Errorf("store: dashboard names: %w", err)
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		var kind, parent string
		var n groupName
		if err := sc(&kind, &n.id, &n.code, &parent, &n.name, &n.connected); err != nil {
			return err
		}
		switch kind {
		case "c":
			if parent == "" {
				topic[strconv.FormatInt(n.id, 10)] = n.code
				names[ByTopic][n.code] = n
			} else {
				topic[strconv.FormatInt(n.id, 10)] = parent
			}
		case "t":
			names[ByTerritory][strconv.FormatInt(n.id, 10)] = n
		case "e":
			names[ByExecutor][strconv.FormatInt(n.id, 10)] = n
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("store: dashboard names: %w", err)
	}
	return topic, names, nil
}

// daysRaw counts DashboardDays from the incidents (two queries).
func (s *Store) daysRaw(ctx context.Context, q queryer, f DashboardFilter) ([]DayCount, error) {
	_, off := f.From.In(f.Location).Zone()
	offMS := int64(off) * 1000
	start := f.From.In(f.Location)
	start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, f.Location)
	first := (ms(start) + offMS) / dayMS
	var days []DayCount
	for d := start; d.Before(f.To); d = d.AddDate(0, 0, 1) {
		days = append(days, DayCount{Day: d})
		if len(days) > 3660 {
			return nil, fmt.Errorf("store: dashboard days: period longer than ten years")
		}
	}
	cond, args := periodCond(f)
	rcond := strings.ReplaceAll(cond, "i.created_at", "i.first_reaction_at")
	for _, part := range []struct {
		col, from, cond string
		set             func(*DayCount, int)
	}{
		{"created_at", s.periodIncidents(f, ""), cond, func(d *DayCount, n int) { d.Received = n }},
		{"first_reaction_at", s.periodIncidents(f, "incidents_reaction"), rcond, func(d *DayCount, n int) { d.Answered = n }},
	} {
		qs := fmt.Sprintf(`SELECT (i.%s + %d) / %d AS day, COUNT(*) FROM %s WHERE %s GROUP BY (i.%s + %d) / %d`,
			part.col, offMS, dayMS, part.from, part.cond, part.col, offMS, dayMS)
		rows, err := q.QueryContext(ctx, s.d.rebind(qs), args...)
		if err != nil {
			return nil, fmt.Errorf("store: dashboard days: %w", err)
		}
		err = scanAll(rows, func(sc func(...any) error) error {
			var day int64
			var n int
			if err := sc(&day, &n); err != nil {
				return err
			}
			if i := day - first; i >= 0 && i < int64(len(days)) {
				part.set(&days[i], n)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("store: dashboard days: %w", err)
		}
	}
	return days, nil
}

// growingProblems is GrowingProblems through q: from the rollup's trailing weeks of territory × category (two
// rows a pair: the weeks ending today and a week ago) and the pending incidents when r is set, else from the
// incidents.
func (s *Store) growingProblems(ctx context.Context, db queryer, r *rollupRead, now time.Time, loc *time.Location, territoryID int64, limit int) ([]GrowingProblem, error) {
	if limit <= 0 {
		limit = 10
	}
	if loc == nil {
		loc = time.UTC
	}
	// This week: the seven days up to the end of today; last week: the seven before (in the rollup's zone when read
	// from it, which is the region's).
	t := now.In(loc)
	today := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
	fromMS, midMS, toMS := ms(today.AddDate(0, 0, -13)), ms(today.AddDate(0, 0, -6)), ms(today.AddDate(0, 0, 1))
	if r != nil {
		day := floorDiv(ms(now)+r.off, dayMS)
		fromMS, midMS, toMS = (day-13)*dayMS-r.off, (day-6)*dayMS-r.off, (day+1)*dayMS-r.off
	}
	cond := `i.created_at >= ? AND i.created_at < ? AND i.status NOT IN ('rejected', 'merged')
		AND i.category_id IS NOT NULL AND i.territory_id IS NOT NULL`
	cargs := []any{fromMS, toMS}
	terr := ""
	if territoryID != 0 {
		cond += ` AND i.territory_id = ?`
		cargs = append(cargs, territoryID)
		terr = ` AND territory_id = ?`
	}
	weeks := `SELECT i.category_id, i.territory_id, CASE WHEN i.created_at >= ? THEN 1 ELSE 0 END AS cur,
		CASE WHEN i.created_at < ? THEN 1 ELSE 0 END AS prev FROM %s WHERE %s`
	var inner string
	var args []any
	if r == nil {
		inner = fmt.Sprintf(weeks, s.periodIncidents(DashboardFilter{TerritoryID: territoryID}, ""), cond)
		args = append([]any{midMS, midMS}, cargs...)
	} else {
		// One key range a week (PostgreSQL filtered "bucket IN (…)" over every day of the grain).
		week := `SELECT category_id, territory_id, %[1]s FROM dash_rollup
			WHERE grain = %[2]d AND lvl = 0 AND excl = 0 AND bucket = ?%[3]s UNION ALL `
		col := measureCols[mWeekReceived]
		inner = fmt.Sprintf(week, col+` AS cur, 0 AS prev`, gWeekTerritoryCategory, terr) +
			fmt.Sprintf(week, `0, `+col, gWeekTerritoryCategory, terr) + fmt.Sprintf(weeks, s.pendingFrom(), cond)
		day := floorDiv(ms(now)+r.off, dayMS)
		for _, d := range []int64{day, day - 7} {
			args = append(args, d)
			if territoryID != 0 {
				args = append(args, territoryID)
			}
		}
		args = append(append(args, midMS, midMS), cargs...)
	}
	q := fmt.Sprintf(`SELECT g.category_id, c.code, c.name, g.territory_id, COALESCE(NULLIF(t.short_name, ''), t.name), g.cur, g.prev
		FROM (SELECT category_id, territory_id, CAST(SUM(cur) AS BIGINT) AS cur, CAST(SUM(prev) AS BIGINT) AS prev FROM (%s) w
			GROUP BY category_id, territory_id) g
		JOIN categories c ON c.id = g.category_id JOIN territories t ON t.id = g.territory_id
		WHERE g.cur > g.prev ORDER BY g.cur - g.prev DESC, g.cur DESC, c.code, t.oktmo LIMIT %d`, inner, limit)
	rows, err := db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: growing problems: %w", err)
	}
	var out []GrowingProblem
	err = scanAll(rows, func(sc func(...any) error) error {
		var g GrowingProblem
		if err := sc(&g.CategoryID, &g.CategoryCode, &g.CategoryName, &g.TerritoryID, &g.TerritoryName, &g.ThisWeek, &g.LastWeek); err != nil {
			return err
		}
		out = append(out, g)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: growing problems: %w", err)
	}
	return out, nil
}

// RatingInput converts a breakdown row (ByExecutor or ByTerritory) to the rating's input.
func (r BreakdownRow) RatingInput() rating.Input {
	in := rating.Input{ID: r.ID, Code: r.Code, Name: r.Name, Received: r.Received, Answered: r.Answered,
		AnsweredOnTime: r.AnsweredOnTime, AwaitingOverdue: r.AwaitingOverdue, ConnectedAnswered: r.ConnectedAnswered,
		MeanGrade: r.MeanGrade(), Submitted: r.Submitted, FormalReturned: r.FormalReturned, MeanScore: r.MeanScore, Rated: r.Rated}
	if r.MedianReactionSecs != nil {
		d := time.Duration(*r.MedianReactionSecs * float64(time.Second))
		in.MedianReaction = &d
	}
	return in
}

// RatingInputs converts breakdown rows to the rating's inputs.
func RatingInputs(rows []BreakdownRow) []rating.Input {
	out := make([]rating.Input, len(rows))
	for i, r := range rows {
		out[i] = r.RatingInput()
	}
	return out
}

// pendingFacts reads the facts of the pending incidents (not folded into the rollup yet; a few hundred at most
// when the reader has folded the rest) of the territory, or all; the callers take the period's.
func (s *Store) pendingFacts(ctx context.Context, r *rollupRead, f DashboardFilter) ([]*incFacts, error) {
	cond := `i.status NOT IN ('rejected', 'merged')`
	var args []any
	if f.TerritoryID != 0 {
		cond += ` AND i.territory_id = ?`
		args = append(args, f.TerritoryID)
	}
	m, err := s.readFacts(ctx, r.tx, true, cond, args...)
	if err != nil {
		return nil, err
	}
	out := make([]*incFacts, 0, len(m))
	for _, p := range m {
		out = append(out, p)
	}
	return out, nil
}

// rollupFigures is aggregate's result read from the rollup: the rollup's sums over the period's buckets, plus
// the pending incidents, minus the deadlines still ahead, the medians picked from the reaction times of the
// buckets that hold them.
func (s *Store) rollupFigures(ctx context.Context, r *rollupRead, f DashboardFilter, dims []BreakdownBy, topic map[string]string, pend []*incFacts) (map[BreakdownBy]map[string]*Figures, error) {
	terr := f.TerritoryID
	// The grain each breakdown reads, and which breakdowns a grain feeds.
	grainOf := map[BreakdownBy]grainSel{"": {grain: gRegion}, ByTopic: {grain: gCategory}, ByTerritory: {grain: gTerritory}, ByExecutor: {grain: gExecutor}}
	if terr != 0 {
		grainOf = map[BreakdownBy]grainSel{"": {grain: gTerritory, terr: terr}, ByTopic: {grain: gTerritoryCategory, terr: terr},
			ByTerritory: {grain: gTerritory, terr: terr}, ByExecutor: {grain: gTerritoryExecutor, terr: terr}}
	}
	// The deadlines from the day after now's on are read from the deadline grains (see step 3).
	now := ms(f.Now)
	ahead := floorDiv(now+r.off, dayMS) + 1
	aheadMS := ahead*dayMS - r.off
	// The region's histogram of all time, for the medians' choice of index; then per breakdown its grain.
	sels := []grainSel{{grain: gRegion, allTime: true}}
	feeds := map[int8][]int{} // grain → indexes into dims
	var allTime rvec
	for i, by := range dims {
		g := grainOf[by]
		if _, ok := feeds[g.grain]; !ok {
			due := g
			due.grain, due.from = gDue+g.grain, ahead
			sels = append(sels, g, due)
		}
		feeds[g.grain] = append(feeds[g.grain], i)
		feeds[gDue+g.grain] = append(feeds[gDue+g.grain], i)
	}
	keyOf := func(by BreakdownBy, terr, cat, exec int64) string {
		switch by {
		case ByTopic:
			return topic[strconv.FormatInt(cat, 10)] // "" for an uncategorised incident
		case ByTerritory:
			return strconv.FormatInt(terr, 10)
		case ByExecutor:
			return strconv.FormatInt(exec, 10)
		}
		return "0"
	}
	accs := make([]map[string]*rvec, len(dims))
	for i := range accs {
		accs[i] = map[string]*rvec{}
	}
	add := func(i int, key string, v *rvec, sign int64) {
		a, ok := accs[i][key]
		if !ok {
			a = &rvec{}
			accs[i][key] = a
		}
		a.add(v, sign)
	}
	// 1. The rollup.
	sign := func(grain int8) int64 { // the deadline grains count what is not overdue yet
		if isDue(grain) {
			return -1
		}
		return 1
	}
	// The open incidents due from the day after now's on, by the deadline grain of the first breakdown (every
	// breakdown's groups share out all incidents): what step 3 would visit by deadline.
	var dueAhead, reactAhead int64
	firstDue := gDue + grainOf[dims[0]].grain
	err := s.readRollup(ctx, r, sels, "= 0", func(grain int8, t, c, e int64, v *rvec) {
		if grain == allTimeGrain {
			allTime.add(v, 1)
		}
		if grain == firstDue {
			dueAhead, reactAhead = dueAhead+v[mOpenDue], reactAhead+v[mAwaitingDue]
		}
		for _, i := range feeds[grain] {
			add(i, keyOf(dims[i], t, c, e), v, sign(grain))
		}
	})
	if err != nil {
		return nil, err
	}
	// 2. The pending incidents: those received in the period, and the deadlines ahead of all of them.
	from, to := ms(f.From), ms(f.To)
	for _, p := range pend {
		what := cDeadline
		if p.created >= from && p.created < to {
			what |= cCreated
		}
		contribute(p, r.off, what, 1, func(k rkey, v *rvec) {
			if isDue(k.grain) && k.bucket < ahead {
				return
			}
			for _, i := range feeds[k.grain] {
				add(i, keyOf(dims[i], k.terr, k.cat, k.exec), v, sign(k.grain))
			}
		})
	}
	// 3. The deadlines still ahead. The rollup counts every open incident with a deadline as overdue; the
	// deadline grains took off those of every incident due from the day after now's on. Here the rest: off with
	// those due later today and received in the period, back with those due later but received outside it (few
	// unless the period is short).
	cond, args := periodCond(f)
	open := ` AND i.status IN ('new', 'assigned', 'in_work', 'interim') AND `
	outside := `(i.created_at < ? OR i.created_at >= ?) AND i.status IN ('new', 'assigned', 'in_work', 'interim')`
	oargs := []any{from, to}
	if f.TerritoryID != 0 {
		outside += ` AND i.territory_id = ?`
		oargs = append(oargs, f.TerritoryID)
	}
	dueFrom, reactFrom := `incidents i`, `incidents i`
	dueOutside, reactOutside := dueFrom, reactFrom
	if s.d.name == "sqlite" {
		dueFrom, reactFrom = `incidents i INDEXED BY incidents_due_ahead`, `incidents i INDEXED BY incidents_reaction_ahead`
		dueOutside, reactOutside = dueFrom, reactFrom
		// Those received outside the period are found by deadline (every open incident due from tomorrow on)
		// or by creation (every incident received outside the period), whichever visits fewer: a year's page
		// at a million incidents visited 83,000 deadlines ahead to find none received before the year.
		if f.TerritoryID == 0 {
			var periodN int64
			for _, v := range accs[0] {
				periodN += v.received()
			}
			byCreation, outsideN := `incidents i INDEXED BY incidents_dash`, allTime.received()-periodN
			if outsideN < dueAhead {
				dueOutside = byCreation
			}
			if outsideN < reactAhead {
				reactOutside = byCreation
			}
		}
	}
	// Counted per territory × category × executor. PostgreSQL groups them itself (by hash). SQLite would sort
	// them for a GROUP BY, which took as long as reading them: a week's page at a million incidents reads some
	// 15,000 (the open incidents due after today but received before the week), 39 ms grouped against 23 ms sent
	// as one string of numbers a column (sqlite3 shell) and counted here.
	part := `SELECT %d, %d, COALESCE(i.territory_id, 0), COALESCE(i.category_id, 0), COALESCE(i.executor_id, 0), COUNT(*) FROM %s
		WHERE %s GROUP BY i.territory_id, i.category_id, i.executor_id`
	if s.d.name == "sqlite" {
		part = `SELECT %d, %d, group_concat(COALESCE(i.territory_id, 0), ' '), group_concat(COALESCE(i.category_id, 0), ' '),
			group_concat(COALESCE(i.executor_id, 0), ' ') FROM %s WHERE %s`
	}
	q := strings.Join([]string{
		fmt.Sprintf(part, 0, -1, dueFrom, `i.due_at >= ? AND i.due_at < ?`+open+cond),
		fmt.Sprintf(part, 0, 1, dueOutside, `i.due_at >= ? AND `+outside),
		fmt.Sprintf(part, 1, -1, reactFrom, `i.first_reaction_at IS NULL AND i.reaction_due >= ? AND i.reaction_due < ?`+open+cond),
		fmt.Sprintf(part, 1, 1, reactOutside, `i.first_reaction_at IS NULL AND i.reaction_due >= ? AND `+outside),
	}, ` UNION ALL `)
	var qargs []any
	for range 2 {
		qargs = append(append(qargs, now, aheadMS), args...)
		qargs = append(append(qargs, aheadMS), oargs...)
	}
	rows, err := r.tx.QueryContext(ctx, s.d.rebind(q), qargs...)
	if err != nil {
		return nil, fmt.Errorf("store: dashboard deadlines ahead: %w", err)
	}
	type aheadKey struct{ kind, sign, t, c, e int64 }
	counts := map[aheadKey]int64{}
	err = scanAll(rows, func(sc func(...any) error) error {
		var k aheadKey
		if s.d.name != "sqlite" {
			var n int64
			if err := sc(&k.kind, &k.sign, &k.t, &k.c, &k.e, &n); err != nil {
				return err
			}
			counts[k] += n
			return nil
		}
		var ts, cs, es sql.NullString
		if err := sc(&k.kind, &k.sign, &ts, &cs, &es); err != nil {
			return err
		}
		return unpackColumns([]string{ts.String, cs.String, es.String}, func(n []int64) {
			k.t, k.c, k.e = n[0], n[1], n[2]
			counts[k]++
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: dashboard deadlines ahead: %w", err)
	}
	for k, n := range counts {
		var v rvec
		if k.kind == 0 {
			v[mOpenDue] = n
		} else {
			v[mAwaitingDue] = n
		}
		for i, by := range dims {
			add(i, keyOf(by, k.t, k.c, k.e), &v, k.sign)
		}
	}
	// 4. The medians: find each group's middle reaction times in its histogram, read the period's reaction times
	// in those buckets only, and pick.
	needs := make([]map[string]*medianNeed, len(dims))
	buckets := map[int]bool{}
	for i := range dims {
		needs[i] = map[string]*medianNeed{}
		for key, v := range accs[i] {
			n := v[mAnswered]
			if n <= 0 {
				continue
			}
			need, ok := needMedian(v, (n-1)/2, n/2)
			if !ok {
				return nil, fmt.Errorf("store: dashboard rollup out of step: %d answered, histogram short", n)
			}
			needs[i][key] = need
			buckets[need.bucket[0]], buckets[need.bucket[1]] = true, true
		}
	}
	var periodN int64 // the period's answered incidents: the groups of any breakdown share them out
	for _, v := range accs[0] {
		periodN += v[mAnswered]
	}
	exact, fine := needs, s.fineWorth(r, f, dims, accs, needs, buckets)
	if fine {
		var err error
		if exact, buckets, err = s.placeMedians(ctx, r, f, dims, accs, needs, keyOf, pend); err != nil {
			return nil, err
		}
	}
	if !fine || len(buckets) > 0 {
		if err := s.pickMedians(ctx, r, f, dims, exact, buckets, keyOf, s.reactionTimes(periodN, &allTime, buckets, s.periodIncidents(f, answeredIndex(f)))); err != nil {
			return nil, err
		}
	}
	// 5. The figures.
	out := map[BreakdownBy]map[string]*Figures{}
	for i, by := range dims {
		out[by] = map[string]*Figures{}
		for key, v := range accs[i] {
			if v.received() == 0 && v[mAnswers] == 0 && v[mRatings] == 0 {
				continue // rows left at zero by incidents that moved elsewhere
			}
			fg := figuresOf(v)
			if need, ok := needs[i][key]; ok {
				if !need.found[0] || !need.found[1] {
					return nil, fmt.Errorf("store: dashboard rollup out of step: the middle reaction times of %s %q are not where its histogram has them", dims[i], key)
				}
				m := float64(need.value[0]+need.value[1]) / 2 / 1000
				fg.MedianReactionSecs, fg.MedianReactionApprox = &m, need.approx
			}
			out[by][key] = &fg
		}
	}
	return out, nil
}

// pickMedians reads the reaction times of the period that fall in the histogram buckets holding some group's
// middle values (one query; every one of them, so that the statements do not depend on the rows) and picks
// each group's values at the ranks its median needs.
func (s *Store) pickMedians(ctx context.Context, r *rollupRead, f DashboardFilter, dims []BreakdownBy, needs []map[string]*medianNeed, buckets map[int]bool, keyOf func(BreakdownBy, int64, int64, int64) string, from string) error {
	type pick struct {
		need *medianNeed
		vals [2][]int64 // the reaction times read in need.bucket[0] and need.bucket[1]
	}
	// A year's median buckets hold hundreds of thousands of reaction times at a million incidents: each is
	// matched to its groups through the id its breakdown groups by (keyOf, which makes a string, runs once per
	// distinct id, not once per reaction time).
	picks := make([]map[int64]*pick, len(dims))
	byKey := make([]map[string]*pick, len(dims))
	for i := range dims {
		picks[i], byKey[i] = map[int64]*pick{}, map[string]*pick{}
		for k, n := range needs[i] {
			byKey[i][k] = &pick{need: n}
		}
	}
	take := func(t, c, e, v int64) {
		b := histBucket(v)
		for i, by := range dims {
			id := groupID(by, t, c, e)
			p, ok := picks[i][id]
			if !ok {
				p = byKey[i][keyOf(by, t, c, e)] // nil when the group needs no median
				picks[i][id] = p
			}
			if p == nil {
				continue
			}
			for j := range 2 {
				if p.need.bucket[j] == b {
					p.vals[j] = append(p.vals[j], v)
					break // both ranks in one bucket share its values
				}
			}
		}
	}
	rng, rargs := bucketRanges(`(i.first_reaction_at - i.created_at)`, buckets)
	if err := s.readReactionTimes(ctx, r.tx, f, rng, rargs, from, take); err != nil {
		return fmt.Errorf("store: dashboard reaction times: %w", err)
	}
	for i := range dims {
		for _, p := range byKey[i] {
			n := p.need
			if n.bucket[0] == n.bucket[1] {
				// Both ranks in one bucket (n.within[0] ≤ n.within[1]): after the first selection the values
				// from its position on are the larger ones.
				vals := p.vals[0]
				if w := n.within[0]; w < int64(len(vals)) {
					n.value[0], n.found[0] = nthSmallest(vals, int(w)), true
					if w1 := n.within[1]; w1 < int64(len(vals)) {
						n.value[1], n.found[1] = nthSmallest(vals[w:], int(w1-w)), true
					}
				}
				continue
			}
			for j := range 2 {
				if w := n.within[j]; w < int64(len(p.vals[j])) {
					n.value[j], n.found[j] = nthSmallest(p.vals[j], int(w)), true
				}
			}
		}
	}
	return nil
}

// groupID is the id a breakdown groups an incident of territory t, category c and executor e by (0 for the
// summary).
func groupID(by BreakdownBy, t, c, e int64) int64 {
	switch by {
	case ByTopic:
		return c
	case ByTerritory:
		return t
	case ByExecutor:
		return e
	}
	return 0
}

// nthSmallest returns the k-th smallest (0-based) of a, reordering a so that a[k] holds it, the values before
// it are not larger and those after not smaller (quickselect with a three-way partition, so runs of equal
// reaction times cost one pass): linear on average, where sorting a median bucket of a year's hundreds of
// thousands of reaction times took most of the medians' time.
func nthSmallest(a []int64, k int) int64 {
	lo, hi := 0, len(a) // the k-th is within a[lo:hi]
	for hi-lo > 16 {
		// Median of three as the pivot.
		x, y, z := a[lo], a[lo+(hi-lo)/2], a[hi-1]
		if x > y {
			x, y = y, x
		}
		if y > z {
			y = z
			if x > y {
				y = x
			}
		}
		pivot := y
		// a[lo:lt] < pivot, a[lt:i] == pivot, a[gt:hi] > pivot.
		lt, i, gt := lo, lo, hi
		for i < gt {
			switch v := a[i]; {
			case v < pivot:
				a[lt], a[i] = a[i], a[lt]
				lt++
				i++
			case v > pivot:
				gt--
				a[gt], a[i] = a[i], a[gt]
			default:
				i++
			}
		}
		switch {
		case k < lt:
			hi = lt
		case k >= gt:
			lo = gt
		default:
			return pivot
		}
	}
	slices.Sort(a[lo:hi])
	return a[k]
}

// readReactionTimes calls take with the territory, category, executor and reaction time of every incident of
// the period answered within rng (a condition on (i.first_reaction_at - i.created_at) and its arguments). The database sends them as strings of numbers (string_agg,
// group_concat): tens of thousands of rows (a year's median buckets at a million incidents) cost database/sql
// and the driver about three microseconds each, the string a tenth of that. SQLite sends one string a column:
// concatenating the four numbers of a row first took longer than aggregating them apart (36,000 reaction times:
// 44 ms against 31 ms in the sqlite3 shell, 8 ms of either being the index read), and the aggregates of one
// query step through the same rows in the same order (none of the four is NULL, which group_concat would skip).
func (s *Store) readReactionTimes(ctx context.Context, q queryer, f DashboardFilter, rng string, rargs []any, from string, take func(t, c, e, v int64)) error {
	cond, args := periodCond(f)
	d := `(i.first_reaction_at - i.created_at)`
	where := ` FROM ` + from + ` WHERE ` + cond + ` AND i.first_reaction_at IS NOT NULL AND ` + rng
	args = append(append([]any{}, args...), rargs...)
	if s.d.name == "sqlite" {
		var cols [4]sql.NullString
		err := q.QueryRowContext(ctx, s.d.rebind(`SELECT group_concat(COALESCE(i.territory_id, 0), ' '), group_concat(COALESCE(i.category_id, 0), ' '),
			group_concat(COALESCE(i.executor_id, 0), ' '), group_concat(`+d+`, ' ')`+where), args...).Scan(&cols[0], &cols[1], &cols[2], &cols[3])
		if err != nil {
			return err
		}
		return unpackColumns([]string{cols[0].String, cols[1].String, cols[2].String, cols[3].String}, func(n []int64) { take(n[0], n[1], n[2], n[3]) })
	}
	// On PostgreSQL the snapshot plans this for its actual period and buckets (readerSettings): a generic plan
	// (which the driver's prepared statement gets after five runs) chose by creation time and read a year's
	// answered incidents.
	var packed sql.NullString
	err := q.QueryRowContext(ctx, s.d.rebind(`SELECT string_agg(COALESCE(i.territory_id, 0) || ' ' || COALESCE(i.category_id, 0) || ' ' ||
			COALESCE(i.executor_id, 0) || ' ' || `+d+`, ' ')`+where), args...).Scan(&packed)
	if err != nil {
		return err
	}
	return unpackInts(packed.String, 4, func(n []int64) { take(n[0], n[1], n[2], n[3]) })
}

// numberList reads a string of space-separated integers (optionally negative) one at a time.
type numberList struct {
	s string
	i int
}

// next returns the next number; ok is false at the end.
func (l *numberList) next() (n int64, ok bool, err error) {
	s, i := l.s, l.i
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) {
		l.i = i
		return 0, false, nil
	}
	neg := s[i] == '-'
	if neg {
		i++
	}
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		n = n*10 + int64(s[i]-'0')
		i++
	}
	if i == start || (i < len(s) && s[i] != ' ') {
		return 0, false, fmt.Errorf("malformed number list at byte %d", start)
	}
	if neg {
		n = -n
	}
	l.i = i
	return n, true, nil
}

// unpackInts reads a string of space-separated integers (optionally negative) in groups of width, calling fn
// with each group (the slice is reused).
func unpackInts(s string, width int, fn func([]int64)) error {
	group := make([]int64, 0, width)
	l := numberList{s: s}
	for {
		n, ok, err := l.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if group = append(group, n); len(group) == width {
			fn(group)
			group = group[:0]
		}
	}
	if len(group) != 0 {
		return fmt.Errorf("number list of %d is not a multiple of %d", len(group), width)
	}
	return nil
}

// unpackColumns reads strings of space-separated integers in step, calling fn with the i-th number of each
// (the slice is reused); the strings must hold as many numbers each.
func unpackColumns(cols []string, fn func([]int64)) error {
	lists := make([]numberList, len(cols))
	for i, c := range cols {
		lists[i].s = c
	}
	row := make([]int64, len(cols))
	for r := 0; ; r++ {
		ended := 0
		for i := range lists {
			n, ok, err := lists[i].next()
			if err != nil {
				return fmt.Errorf("column %d: %w", i, err)
			}
			if !ok {
				ended++
			}
			row[i] = n
		}
		switch ended {
		case len(lists):
			return nil
		case 0:
			fn(row)
		default:
			return fmt.Errorf("number lists of unequal length: %d of %d end after %d numbers", ended, len(lists), r)
		}
	}
}

// answeredIndex is the index the reaction times of a period are read through by creation: the answered
// incidents' alone, or a territory's incidents.
func answeredIndex(f DashboardFilter) string {
	if f.TerritoryID != 0 {
		return ""
	}
	return "incidents_answered"
}

// figuresOf converts a group's rollup sums to its figures (without the median).
func figuresOf(v *rvec) Figures {
	fg := Figures{
		Received:          int(v[mNew] + v[mAssigned] + v[mInWork] + v[mInterim] + v[mResolved]),
		Answered:          int(v[mAnswered]),
		AnsweredOnTime:    int(v[mOnTime]),
		AwaitingOverdue:   int(v[mAwaitingDue]),
		InWork:            int(v[mNew] + v[mAssigned] + v[mInWork] + v[mInterim]),
		Overdue:           int(v[mOpenDue]),
		Resolved:          int(v[mResolved]),
		ConnectedAnswered: int(v[mConnected]),
		Graded:            int(v[mGraded]),
		Submitted:         int(v[mSubmitted]),
		Formal:            int(v[mFormal]),
		FormalReturned:    int(v[mFormalReturned]),
		Rated:             int(v[mRated]),
		SolvedSaid:        int(v[mSolvedSaid]),
		Solved:            int(v[mSolved]),
	}
	mean := func(sum, n int64) *float64 {
		if n <= 0 {
			return nil
		}
		m := float64(sum) / float64(n)
		return &m
	}
	fg.MeanPlain = mean(v[mPlainSum], v[mGraded])
	fg.MeanInformative = mean(v[mInfSum], v[mInfN])
	fg.MeanScore = mean(v[mScoreSum], v[mRated])
	return fg
}

// rollupDays is DashboardDays read from the rollup (received by day, first reactions by the day given), plus
// the pending incidents.
func (s *Store) rollupDays(ctx context.Context, r *rollupRead, f DashboardFilter, pend []*incFacts) ([]DayCount, error) {
	start := f.From.In(f.Location)
	start = time.Date(start.Year(), start.Month(), start.Day(), 0, 0, 0, 0, f.Location)
	first := floorDiv(ms(start)+r.off, dayMS)
	var days []DayCount
	for d := start; d.Before(f.To); d = d.AddDate(0, 0, 1) {
		days = append(days, DayCount{Day: d})
		if len(days) > 3660 {
			return nil, fmt.Errorf("store: dashboard days: period longer than ten years")
		}
	}
	at := func(day int64) *DayCount {
		if i := day - first; i >= 0 && i < int64(len(days)) {
			return &days[i]
		}
		return nil
	}
	var recv, react int64 = gRegion, gReacted
	if f.TerritoryID != 0 {
		recv, react = gTerritory, gReactedTerritory
	}
	cols := `grain, bucket, n_new + n_assigned + n_in_work + n_interim + n_resolved AS n, answered`
	part := `SELECT ` + cols + ` FROM dash_rollup WHERE grain = %d AND lvl = 0 AND excl = 0 AND bucket >= ? AND bucket < ? AND territory_id = ?`
	q := `SELECT grain, bucket, CAST(SUM(n) AS BIGINT), CAST(SUM(answered) AS BIGINT) FROM (` + fmt.Sprintf(part, recv) + ` UNION ALL ` +
		fmt.Sprintf(part, react) + `) x GROUP BY grain, bucket`
	rows, err := r.tx.QueryContext(ctx, s.d.rebind(q), r.d0, r.d1, f.TerritoryID, r.d0, r.d1, f.TerritoryID)
	if err != nil {
		return nil, fmt.Errorf("store: dashboard days: %w", err)
	}
	err = scanAll(rows, func(sc func(...any) error) error {
		var grain, bucket, n, answered int64
		if err := sc(&grain, &bucket, &n, &answered); err != nil {
			return err
		}
		if d := at(bucket); d != nil {
			if grain == recv {
				d.Received += int(n)
			} else {
				d.Answered += int(answered)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: dashboard days: %w", err)
	}
	from, to := ms(f.From), ms(f.To)
	for _, p := range pend {
		if p.created >= from && p.created < to {
			if d := at(floorDiv(p.created+r.off, dayMS)); d != nil {
				d.Received++
			}
		}
		if p.firstReaction.Valid && p.firstReaction.Int64 >= from && p.firstReaction.Int64 < to {
			if d := at(floorDiv(p.firstReaction.Int64+r.off, dayMS)); d != nil {
				d.Answered++
			}
		}
	}
	return days, nil
}
