package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/search"
)

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const incidentSelect = `SELECT i.id, i.number, i.region_id, i.status, i.priority,
	i.category_id, COALESCE(c.code, ''), i.territory_id, COALESCE(t.oktmo, ''), i.executor_id, COALESCE(e.code, ''),
	i.summary, i.address, i.source, i.message_count, i.created_at, i.updated_at, i.reaction_due, i.resolution_due,
	i.due_at, i.warn_at, i.breach_at, i.first_reaction_at, i.resolved_at, i.merged_into, i.reject_reason, i.excluded_executors,
	i.legal_due, i.legal_extended_at
	FROM incidents i
	LEFT JOIN categories c ON c.id = i.category_id
	LEFT JOIN territories t ON t.id = i.territory_id
	LEFT JOIN executors e ON e.id = i.executor_id`

func scanIncident(sc interface{ Scan(...any) error }, now time.Time) (model.Incident, error) {
	var inc model.Incident
	var status, prio, excluded string
	var cat, ter, ex, merged sql.NullInt64
	var created, updated int64
	var reactionDue, resolutionDue, due, warn, breach, first, resolved, legalDue, legalExt sql.NullInt64
	err := sc.Scan(&inc.ID, &inc.Number, &inc.RegionID, &status, &prio, &cat, &inc.CategoryCode, &ter, &inc.TerritoryOKTMO,
		&ex, &inc.ExecutorCode, &inc.Summary, &inc.Address, &inc.Source, &inc.MessageCount, &created, &updated,
		&reactionDue, &resolutionDue, &due, &warn, &breach, &first, &resolved, &merged, &inc.RejectReason, &excluded,
		&legalDue, &legalExt)
	if err != nil {
		return inc, err
	}
	inc.Status, inc.Priority = model.Status(status), model.Priority(prio)
	inc.CategoryID, inc.TerritoryID, inc.ExecutorID, inc.MergedInto = cat.Int64, ter.Int64, ex.Int64, merged.Int64
	inc.CreatedAt, inc.UpdatedAt = fromMS(created), fromMS(updated)
	inc.ReactionDue, inc.ResolutionDue, inc.DueAt = fromNullMS(reactionDue), fromNullMS(resolutionDue), fromNullMS(due)
	inc.WarnAt, inc.BreachAt = fromNullMS(warn), fromNullMS(breach)
	inc.FirstReactionAt, inc.ResolvedAt = fromNullMS(first), fromNullMS(resolved)
	inc.LegalDue, inc.LegalExtendedAt = fromNullMS(legalDue), fromNullMS(legalExt)
	if excluded != "" && excluded != "[]" {
		_ = json.Unmarshal([]byte(excluded), &inc.ExcludedExecutor)
	}
	inc.Overdue = inc.DueAt != nil && inc.DueAt.Before(now)
	return inc, nil
}

func (s *Store) getIncident(ctx context.Context, q queryer, where string, arg any, lock bool) (model.Incident, error) {
	return s.getIncidentAt(ctx, q, where, arg, lock, time.Now())
}

func (s *Store) getIncidentAt(ctx context.Context, q queryer, where string, arg any, lock bool, now time.Time) (model.Incident, error) {
	query := incidentSelect + ` WHERE ` + where
	if lock && s.d.forUpdate != "" {
		query += " FOR UPDATE OF i"
	}
	inc, err := scanIncident(q.QueryRowContext(ctx, s.d.rebind(query), arg), now)
	if errors.Is(err, sql.ErrNoRows) {
		return inc, notFound("incident", arg)
	}
	if err != nil {
		return inc, fmt.Errorf("store: get incident %v: %w", arg, err)
	}
	return inc, nil
}

// Incident returns one incident by id.
func (s *Store) Incident(ctx context.Context, id int64) (model.Incident, error) {
	return s.getIncident(ctx, s.db, `i.id = ?`, id, false)
}

// IncidentAt returns one incident by id with Overdue computed at now (the caller's clock).
func (s *Store) IncidentAt(ctx context.Context, id int64, now time.Time) (model.Incident, error) {
	return s.getIncidentAt(ctx, s.db, `i.id = ?`, id, false, now)
}

// IncidentByNumber returns one incident by its human-readable number.
func (s *Store) IncidentByNumber(ctx context.Context, number string) (model.Incident, error) {
	return s.getIncident(ctx, s.db, `i.number = ?`, number, false)
}

// IncidentFilter selects incidents for a list. Zero fields do not filter.
type IncidentFilter struct {
	Statuses    []model.Status
	CategoryIDs []int64 // categories (subtopics, or topics themselves) the incident's category is one of
	TopicIDs    []int64 // topics: an incident of any of their subtopics matches (ORed with CategoryIDs)
	TerritoryID int64
	ExecutorID  int64
	Source      string // the source the incident came from ("open311"); empty: any
	Overdue     bool
	From, To    time.Time // created_at in [From, To)
	Query       string    // words, all of which must occur (after stemming)
	Sort        string    // "created" (newest first, the default), "created_asc", "due" (earliest running deadline first)
	Limit       int
	Cursor      string
	Now         time.Time
}

// Sort orders.
const (
	SortCreated    = "created"
	SortCreatedAsc = "created_asc"
	SortDue        = "due"
)

// ValidSort reports whether s names a sort order.
func ValidSort(s string) bool {
	return s == "" || s == SortCreated || s == SortCreatedAsc || s == SortDue
}

// IncidentPage is one page of a list and the cursor of the next ("" at the end).
type IncidentPage struct {
	Items      []model.Incident `json:"items"`
	NextCursor string           `json:"next_cursor,omitempty"`
}

func encodeCursor(v, id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(v, 10) + "." + strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, 0, model.Invalid("cursor", "malformed")
	}
	a, z, ok := strings.Cut(string(b), ".")
	v, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(z, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return 0, 0, model.Invalid("cursor", "malformed")
	}
	return v, id, nil
}

// commonTerm is how many incidents a word must name for a search by that word alone to walk the list in its
// order, checking each incident, rather than read the word's every incident and sort them: at least one in
// N/commonTerm incidents matches, so a page of 50 is found within 50·N/commonTerm (10,000 of a million).
const commonTerm = 5000

// termsCond is the condition that an incident carries every search term. Several terms: the intersection of
// their postings, read once (bounded by the postings, whatever the words). One term: its postings when it is
// rare, else (counted up to commonTerm in one statement) a check per incident in the list's order of creation.
func (s *Store) termsCond(ctx context.Context, terms []string, sort string) (string, []any, error) {
	if len(terms) == 1 && sort != SortDue {
		common, err := s.commonTerms(ctx, terms)
		if err != nil {
			return "", nil, err
		}
		if common {
			return "EXISTS (SELECT 1 FROM incident_terms it WHERE it.term = ? AND it.incident_id = i.id)", []any{terms[0]}, nil
		}
	}
	// One semi-join on the intersection of the terms' postings, rather than one per term.
	parts := make([]string, len(terms))
	for i := range terms {
		parts[i] = "SELECT incident_id FROM incident_terms WHERE term = ?"
	}
	if s.d.name == "postgres" {
		// PostgreSQL plans "IN (… INTERSECT …)" as a hash join over a scan of every incident (it expects the
		// intersection as large as the smaller posting list); an array makes it look the ids up by key.
		return "i.id = ANY(ARRAY(" + strings.Join(parts, " INTERSECT ") + "))", toAny(terms), nil
	}
	return "i.id IN (" + strings.Join(parts, " INTERSECT ") + ")", toAny(terms), nil
}

// commonTerms reports whether every term names at least commonTerm incidents, counting each term's postings only
// up to that number (one statement per term, stopping at the first rare one).
func (s *Store) commonTerms(ctx context.Context, terms []string) (bool, error) {
	common := commonTerm
	if s.commonTermMin > 0 {
		common = s.commonTermMin
	}
	for _, term := range terms {
		var n int
		err := s.db.QueryRowContext(ctx, s.d.rebind(fmt.Sprintf(
			`SELECT COUNT(*) FROM (SELECT 1 FROM incident_terms WHERE term = ? LIMIT %d) p`, common)), term).Scan(&n)
		if err != nil {
			return false, fmt.Errorf("store: list incidents: count a search term: %w", err)
		}
		if n < common {
			return false, nil
		}
	}
	return true, nil
}

// ListIncidents returns one page of incidents matching the filter, in one query after at most one count per
// search word (two queries when a search by several common words needs its fallback).
func (s *Store) ListIncidents(ctx context.Context, f IncidentFilter) (IncidentPage, error) {
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	if !ValidSort(f.Sort) {
		return IncidentPage{}, model.Invalid("sort", "must be created, created_asc or due")
	}
	var where []string
	var args []any
	add := func(cond string, a ...any) { where = append(where, cond); args = append(args, a...) }
	if len(f.Statuses) > 0 {
		// First, so that eachStatus can take it off: where[0], args[:len(f.Statuses)].
		ph := marks(len(f.Statuses))
		add("i.status IN ("+ph+")", toAny(f.Statuses)...)
	}
	in := func(col string, ids []int64) string {
		return col + " IN (" + marks(len(ids)) + ")"
	}
	switch {
	case len(f.CategoryIDs) > 0 && len(f.TopicIDs) > 0:
		add("("+in("i.category_id", f.CategoryIDs)+" OR "+in("i.topic_id", f.TopicIDs)+")", append(toAny(f.CategoryIDs), toAny(f.TopicIDs)...)...)
	case len(f.CategoryIDs) > 0:
		add(in("i.category_id", f.CategoryIDs), toAny(f.CategoryIDs)...)
	case len(f.TopicIDs) > 0:
		add(in("i.topic_id", f.TopicIDs), toAny(f.TopicIDs)...)
	}
	if f.TerritoryID != 0 {
		add("i.territory_id = ?", f.TerritoryID)
	}
	if f.ExecutorID != 0 {
		add("i.executor_id = ?", f.ExecutorID)
	}
	if f.Source != "" {
		add("i.source = ?", f.Source)
	}
	if f.Overdue {
		if s.d.name == "sqlite" && f.Sort != SortDue {
			// Overdue incidents are many: walking the creation index and filtering beats collecting every overdue
			// row by the deadline index and sorting them, which SQLite's planner would choose. "+ 0" keeps it
			// off the deadline index.
			add("i.due_at + 0 < ?", ms(f.Now))
		} else {
			add("i.due_at < ?", ms(f.Now))
		}
	}
	if !f.From.IsZero() {
		add("i.created_at >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("i.created_at < ?", ms(f.To))
	}
	terms := search.Terms(f.Query)
	col, dir := "i.created_at", "DESC"
	switch f.Sort {
	case SortCreatedAsc:
		dir = "ASC"
	case SortDue:
		col, dir = "i.due_at", "ASC"
		add("i.due_at IS NOT NULL")
	}
	if f.Cursor != "" {
		v, id, err := decodeCursor(f.Cursor)
		if err != nil {
			return IncidentPage{}, err
		}
		op := "<"
		if dir == "ASC" {
			op = ">"
		}
		add(fmt.Sprintf("(%s %s ? OR (%s = ? AND i.id %s ?))", col, op, col, op), v, v, id)
	}
	order := fmt.Sprintf(" ORDER BY %s %s, i.id %s", col, dir, dir)
	var page IncidentPage
	var err error
	// Several words, each in a good share of the incidents: the first page is usually among the first few
	// thousand incidents of the list, where checking each one finds it sooner than intersecting the words'
	// postings and sorting what they share, which costs as much as the postings are long (a million incidents,
	// two words in 15 % each: PostgreSQL 20 ms against 630–740, SQLite 8 ms against 100–130).
	// The walk is bounded; only when it does not fill the page are the postings intersected. On SQLite a rare word
	// sends the search to the intersection at once, which is then short; on PostgreSQL counting a common word's
	// postings is itself slow (the planner reads them by a sequential scan: 28 ms a word at a million incidents),
	// so it walks first whatever the words.
	walk := len(terms) > 1 && s.d.name == "postgres"
	if len(terms) > 1 && s.d.name == "sqlite" {
		if walk, err = s.commonTerms(ctx, terms); err != nil {
			return IncidentPage{}, err
		}
	}
	if walk {
		window := searchWindow
		if s.searchWindowMax > 0 {
			window = s.searchWindowMax
		}
		inner := "SELECT * FROM incidents i"
		if len(where) > 0 {
			inner += " WHERE " + strings.Join(where, " AND ")
		}
		inner += order + fmt.Sprintf(" LIMIT %d", window)
		exists := make([]string, len(terms))
		for i := range terms {
			exists[i] = "EXISTS (SELECT 1 FROM incident_terms it WHERE it.term = ? AND it.incident_id = i.id)"
		}
		q := strings.Replace(incidentSelect, "FROM incidents i", "FROM ("+inner+") i", 1) +
			" WHERE " + strings.Join(exists, " AND ") + order + fmt.Sprintf(" LIMIT %d", f.Limit+1)
		if page, err = s.listPage(ctx, q, append(append([]any{}, args...), toAny(terms)...), f); err != nil {
			return IncidentPage{}, err
		}
		if len(page.Items) > f.Limit {
			return page.finish(f), nil
		}
	}
	if len(terms) > 0 {
		cond, targs, err := s.termsCond(ctx, terms, f.Sort)
		if err != nil {
			return IncidentPage{}, err
		}
		add(cond, targs...)
	}
	q := incidentSelect
	switch {
	case len(f.Statuses) > 1 && len(terms) == 0 && len(f.CategoryIDs)+len(f.TopicIDs) == 0 && f.TerritoryID == 0 && f.ExecutorID == 0:
		q, args = eachStatus(f, where[1:], args[len(f.Statuses):], col, dir)
	case len(where) > 0:
		q += " WHERE " + strings.Join(where, " AND ")
		fallthrough
	default:
		q += order + fmt.Sprintf(" LIMIT %d", f.Limit+1)
	}
	if page, err = s.listPage(ctx, q, args, f); err != nil {
		return IncidentPage{}, err
	}
	return page.finish(f), nil
}

// eachStatus is the list query for several statuses and no other indexed filter (rest: the other conditions,
// restArgs their arguments): one walk per status along an index that starts with the status
// (incidents_status_created, incidents_status_due), each cut at the page, merged in order: bounded by the page
// whatever the data. With "status IN (…)" the planner either walks the list's index checking each incident's
// status, which reads every closed incident before the first open one when the oldest come first, or reads
// every incident of those statuses and sorts them, which SQLite chose: the API's list of three open statuses
// took 120–130 ms at 100,000 incidents and 2.2 s at a million (now 1.2–1.7 ms at 100,000).
func eachStatus(f IncidentFilter, rest []string, restArgs []any, col, dir string) (string, []any) {
	statuses := slices.Clone(f.Statuses)
	slices.Sort(statuses)
	statuses = slices.Compact(statuses)
	limit := fmt.Sprintf(" LIMIT %d", f.Limit+1)
	branches := make([]string, len(statuses))
	var args []any
	for k, st := range statuses {
		cond := strings.Join(append([]string{"i.status = ?"}, rest...), " AND ")
		branches[k] = fmt.Sprintf("SELECT * FROM (SELECT i.id, %s AS k FROM incidents i WHERE %s ORDER BY %s %s, i.id %s%s) s%d",
			col, cond, col, dir, dir, limit, k)
		args = append(append(args, st), restArgs...)
	}
	// The walks read only the index; the page's incidents are read once merged.
	q := fmt.Sprintf("%s WHERE i.id IN (SELECT id FROM (%s) m ORDER BY k %s, id %s%s) ORDER BY %s %s, i.id %s%s", incidentSelect,
		strings.Join(branches, " UNION ALL "), dir, dir, limit, col, dir, dir, limit)
	return q, args
}

// searchWindow is how many incidents of the list a search by several words checks one by one before it
// intersects the words' postings instead.
const searchWindow = 10_000

// listPage runs a list query and scans its incidents.
func (s *Store) listPage(ctx context.Context, q string, args []any, f IncidentFilter) (IncidentPage, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return IncidentPage{}, fmt.Errorf("store: list incidents: %w", err)
	}
	defer rows.Close()
	page := IncidentPage{Items: make([]model.Incident, 0, f.Limit+1)}
	for rows.Next() {
		inc, err := scanIncident(rows, f.Now)
		if err != nil {
			return IncidentPage{}, fmt.Errorf("store: scan incident: %w", err)
		}
		page.Items = append(page.Items, inc)
	}
	if err := rows.Err(); err != nil {
		return IncidentPage{}, fmt.Errorf("store: list incidents: %w", err)
	}
	return page, nil
}

// finish cuts a page read with one incident more than f.Limit to f.Limit and sets its cursor.
func (page IncidentPage) finish(f IncidentFilter) IncidentPage {
	if len(page.Items) > f.Limit {
		page.Items = page.Items[:f.Limit]
		last := page.Items[len(page.Items)-1]
		v := ms(last.CreatedAt)
		if f.Sort == SortDue {
			v = ms(*last.DueAt)
		}
		page.NextCursor = encodeCursor(v, last.ID)
	}
	return page
}

func toAny[T any](in []T) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = v
	}
	return out
}

// Stats are the counts the stats endpoint and dashboards show.
type Stats struct {
	ByStatus                map[model.Status]int `json:"by_status"`
	Total                   int                  `json:"total"`
	Overdue                 int                  `json:"overdue"`
	Answered                int                  `json:"answered"`
	MedianFirstReactionSecs *float64             `json:"median_first_reaction_seconds"`
}

// StatsFilter narrows the statistics.
type StatsFilter struct {
	TerritoryID int64
	ExecutorID  int64
	From, To    time.Time
	Now         time.Time
}

// conds returns the conditions on incidents, their columns prefixed with p ("" or "i."), that select the
// filter's territory, executor and period, and their arguments.
func (f StatsFilter) conds(p string) ([]string, []any) {
	var where []string
	var args []any
	if f.TerritoryID != 0 {
		where, args = append(where, p+"territory_id = ?"), append(args, f.TerritoryID)
	}
	if f.ExecutorID != 0 {
		where, args = append(where, p+"executor_id = ?"), append(args, f.ExecutorID)
	}
	if !f.From.IsZero() {
		where, args = append(where, p+"created_at >= ?"), append(args, ms(f.From))
	}
	if !f.To.IsZero() {
		where, args = append(where, p+"created_at < ?"), append(args, ms(f.To))
	}
	return where, args
}

// Stats counts incidents by status, overdue ones, and the median time to first reaction (from the dashboard
// rollup, see rollup.go; otherwise counted from the incidents in three queries).
func (s *Store) Stats(ctx context.Context, f StatsFilter) (Stats, error) {
	if f.Now.IsZero() {
		f.Now = time.Now()
	}
	if st, ok, err := s.statsRollup(ctx, f); ok || err != nil { // the dashboard rollup, when the period falls on its days
		return st, err
	}
	return s.statsRaw(ctx, f)
}

// statsRaw counts Stats from the incidents (three queries).
func (s *Store) statsRaw(ctx context.Context, f StatsFilter) (Stats, error) {
	where, args := f.conds("")
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	and := func(extra string) string {
		if cond == "" {
			return " WHERE " + extra
		}
		return cond + " AND " + extra
	}
	st := Stats{ByStatus: map[model.Status]int{}}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT status, COUNT(*), SUM(CASE WHEN due_at < ? THEN 1 ELSE 0 END),
		SUM(CASE WHEN first_reaction_at IS NOT NULL THEN 1 ELSE 0 END) FROM incidents`+cond+` GROUP BY status`), append([]any{ms(f.Now)}, args...)...)
	if err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	for rows.Next() {
		var status string
		var n int
		var overdue, answered sql.NullInt64
		if err := rows.Scan(&status, &n, &overdue, &answered); err != nil {
			rows.Close()
			return st, fmt.Errorf("store: scan stats: %w", err)
		}
		st.ByStatus[model.Status(status)] = n
		st.Total += n
		st.Overdue += int(overdue.Int64)
		st.Answered += int(answered.Int64)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return st, fmt.Errorf("store: stats: %w", err)
	}
	if st.Answered > 0 {
		var d int64
		err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT first_reaction_at - created_at AS d FROM incidents`+
			and("first_reaction_at IS NOT NULL")+fmt.Sprintf(` ORDER BY d LIMIT 1 OFFSET %d`, (st.Answered-1)/2)), args...).Scan(&d)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return st, fmt.Errorf("store: median first reaction: %w", err)
		}
		secs := float64(d) / 1000
		st.MedianFirstReactionSecs = &secs
	}
	return st, nil
}

// Messages returns the messages of an incident, oldest first.
func (s *Store) Messages(ctx context.Context, incidentID int64) ([]model.Message, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+messageCols+` FROM messages WHERE incident_id = ? ORDER BY posted_at, id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("store: list messages of incident %d: %w", incidentID, err)
	}
	defer rows.Close()
	var out []model.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan message: %w", err)
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

const answerCols = `id, incident_id, kind, state, text, author_id, executor_id, review_comment, reviewer_id, due_date,
	external_id, created_at, updated_at, submitted_at, published_at, grades, formal, attachments`

func scanAnswer(sc interface{ Scan(...any) error }) (model.Answer, error) {
	var a model.Answer
	var kind, state string
	var author, ex, reviewer, due, submitted, published sql.NullInt64
	var created, updated int64
	var grades, att string
	var formal sql.NullBool
	err := sc.Scan(&a.ID, &a.IncidentID, &kind, &state, &a.Text, &author, &ex, &a.ReviewComment, &reviewer, &due,
		&a.ExternalID, &created, &updated, &submitted, &published, &grades, &formal, &att)
	if grades != "" {
		a.Grades = json.RawMessage(grades)
	}
	if formal.Valid {
		f := formal.Bool
		a.Formal = &f
	}
	if att != "" && att != "[]" {
		_ = json.Unmarshal([]byte(att), &a.Attachments)
	}
	a.Kind, a.State = model.AnswerKind(kind), model.AnswerState(state)
	a.AuthorID, a.ExecutorID, a.ReviewerID = author.Int64, ex.Int64, reviewer.Int64
	a.DueDate, a.SubmittedAt, a.PublishedAt = fromNullMS(due), fromNullMS(submitted), fromNullMS(published)
	a.CreatedAt, a.UpdatedAt = fromMS(created), fromMS(updated)
	return a, err
}

// Answers returns the answers of an incident, oldest first.
func (s *Store) Answers(ctx context.Context, incidentID int64) ([]model.Answer, error) {
	return s.answers(ctx, `incident_id = ? ORDER BY id`, incidentID)
}

// LatestPublishedAnswers returns each incident's most recently published answer, in one query; incidents without
// one are absent from the map.
func (s *Store) LatestPublishedAnswers(ctx context.Context, incidentIDs []int64) (map[int64]model.Answer, error) {
	out := make(map[int64]model.Answer, len(incidentIDs))
	if len(incidentIDs) == 0 {
		return out, nil
	}
	list, err := s.answers(ctx, `incident_id IN (`+marks(len(incidentIDs))+`) AND state = ? ORDER BY incident_id, published_at, id`,
		append(toAny(incidentIDs), string(model.AnswerPublished))...)
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		out[a.IncidentID] = a // the last of each incident is its latest
	}
	return out, nil
}

// AnswersInState lists answers in one state ordered by their incident's running deadline (the moderation queue);
// published answers, the most recently published first.
func (s *Store) AnswersInState(ctx context.Context, state model.AnswerState, limit int) ([]model.Answer, error) {
	if limit <= 0 {
		limit = 100
	}
	order := `CASE WHEN i.due_at IS NULL THEN 1 ELSE 0 END, i.due_at, a.id`
	if state == model.AnswerPublished {
		order = `a.published_at DESC, a.id DESC`
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(fmt.Sprintf(`SELECT a.`+strings.ReplaceAll(answerCols, ", ", ", a.")+`
		FROM answers a JOIN incidents i ON i.id = a.incident_id
		WHERE a.state = ? ORDER BY %s LIMIT %d`, order, limit)), string(state))
	if err != nil {
		return nil, fmt.Errorf("store: moderation queue: %w", err)
	}
	return collectAnswers(rows)
}

// collectAnswers reads and closes rows of answerCols.
func collectAnswers(rows *sql.Rows) ([]model.Answer, error) {
	defer rows.Close()
	var out []model.Answer
	for rows.Next() {
		a, err := scanAnswer(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan answer: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func (s *Store) answers(ctx context.Context, where string, args ...any) ([]model.Answer, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+answerCols+` FROM answers WHERE `+where), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list answers: %w", err)
	}
	return collectAnswers(rows)
}

// Answer returns one answer by id.
func (s *Store) Answer(ctx context.Context, id int64) (model.Answer, error) {
	a, err := scanAnswer(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+answerCols+` FROM answers WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("answer", id)
	}
	if err != nil {
		return a, fmt.Errorf("store: get answer %d: %w", id, err)
	}
	return a, nil
}

// Events returns the audit log of an incident, oldest first.
func (s *Store) Events(ctx context.Context, incidentID int64) ([]model.Event, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+eventCols+` FROM events WHERE incident_id = ? ORDER BY id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("store: list events of incident %d: %w", incidentID, err)
	}
	return collectEvents(rows)
}

const eventCols = `id, incident_id, answer_id, actor_id, actor, type, from_state, to_state, data, at`

// collectEvents reads and closes rows of eventCols.
func collectEvents(rows *sql.Rows) ([]model.Event, error) {
	defer rows.Close()
	var out []model.Event
	for rows.Next() {
		var e model.Event
		var inc, ans, actor sql.NullInt64
		var data string
		var at int64
		if err := rows.Scan(&e.ID, &inc, &ans, &actor, &e.Actor, &e.Type, &e.From, &e.To, &data, &at); err != nil {
			return nil, fmt.Errorf("store: scan event: %w", err)
		}
		e.IncidentID, e.AnswerID, e.ActorID, e.At = inc.Int64, ans.Int64, actor.Int64, fromMS(at)
		if data != "" {
			e.Data = json.RawMessage(data)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// MergeCandidate is an open incident a new message may join.
type MergeCandidate struct {
	ID          int64
	Number      string
	CategoryID  int64
	TerritoryID int64
	Address     string
	Summary     string
	CreatedAt   time.Time
}

// MergeCandidates lists open incidents of the given categories and territories created in [from, to], newest
// first, at most limit (one query, on the category and creation index).
func (s *Store) MergeCandidates(ctx context.Context, from, to time.Time, categoryIDs, territoryIDs []int64, limit int) ([]MergeCandidate, error) {
	if len(categoryIDs) == 0 || len(territoryIDs) == 0 {
		return nil, nil
	}
	ph := marks(len(categoryIDs))
	tph := marks(len(territoryIDs))
	args := append(append(toAny(categoryIDs), toAny(territoryIDs)...), ms(from), ms(to))
	rows, err := s.db.QueryContext(ctx, s.d.rebind(fmt.Sprintf(`SELECT id, number, category_id, territory_id, address, summary, created_at
		FROM incidents WHERE category_id IN (%s) AND territory_id IN (%s) AND created_at >= ? AND created_at <= ?
		AND status IN ('new', 'assigned', 'in_work', 'interim') ORDER BY created_at DESC LIMIT %d`, ph, tph, limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: merge candidates: %w", err)
	}
	defer rows.Close()
	var out []MergeCandidate
	for rows.Next() {
		var c MergeCandidate
		var ter sql.NullInt64
		var created int64
		if err := rows.Scan(&c.ID, &c.Number, &c.CategoryID, &ter, &c.Address, &c.Summary, &created); err != nil {
			return nil, fmt.Errorf("store: scan merge candidate: %w", err)
		}
		c.TerritoryID, c.CreatedAt = ter.Int64, fromMS(created)
		out = append(out, c)
	}
	return out, rows.Err()
}

// LabelledText is a message text with the category a person gave or confirmed for its incident.
type LabelledText struct {
	Text     string
	Category string
}

// ConfirmedCategories returns, for every incident whose category an operator set or confirmed (a set_category
// or assign event by a person, not by the system), the text of its first message and its category code: the
// examples a deployment retrains its topic model on.
func (s *Store) ConfirmedCategories(ctx context.Context) ([]LabelledText, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT m.text, c.code FROM incidents i
		JOIN categories c ON c.id = i.category_id
		JOIN messages m ON m.id = (SELECT MIN(id) FROM messages WHERE incident_id = i.id)
		WHERE EXISTS (SELECT 1 FROM events e WHERE e.incident_id = i.id AND e.type IN ('set_category', 'assign') AND e.actor_id IS NOT NULL)
		ORDER BY i.id`)
	if err != nil {
		return nil, fmt.Errorf("store: confirmed categories: %w", err)
	}
	defer rows.Close()
	var out []LabelledText
	for rows.Next() {
		var l LabelledText
		if err := rows.Scan(&l.Text, &l.Category); err != nil {
			return nil, fmt.Errorf("store: scan confirmed category: %w", err)
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// IncidentsByNumbers returns the incidents with the given numbers (those that exist), in one query, keyed by
// number, with Overdue computed at now.
func (s *Store) IncidentsByNumbers(ctx context.Context, numbers []string, now time.Time) (map[string]model.Incident, error) {
	out := make(map[string]model.Incident, len(numbers))
	if len(numbers) == 0 {
		return out, nil
	}
	args := make([]any, len(numbers))
	for i, n := range numbers {
		args[i] = n
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(incidentSelect+` WHERE i.number IN (`+marks(len(numbers))+`)`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: incidents by numbers: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		inc, err := scanIncident(rows, now)
		if err != nil {
			return nil, fmt.Errorf("store: scan incident: %w", err)
		}
		out[inc.Number] = inc
	}
	return out, rows.Err()
}

// IncidentsByIDs returns the incidents with the given ids (those that exist), in one query, with Overdue
// computed at now.
func (s *Store) IncidentsByIDs(ctx context.Context, ids []int64, now time.Time) (map[int64]model.Incident, error) {
	out := make(map[int64]model.Incident, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	q := incidentSelect + ` WHERE i.id IN (` + marks(len(ids)) + `)`
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), toAny(ids)...)
	if err != nil {
		return nil, fmt.Errorf("store: incidents by ids: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		inc, err := scanIncident(rows, now)
		if err != nil {
			return nil, fmt.Errorf("store: scan incident: %w", err)
		}
		out[inc.ID] = inc
	}
	return out, rows.Err()
}
