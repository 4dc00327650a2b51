package store

import (
	"context"
	"crypto/sha1"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/search"
)

const messageCols = `id, source, external_id, incident_id, author, author_id, text, url, territory, category, address,
	thread_id, reply_to, attachments, raw, posted_at, received_at`

func scanMessage(sc interface{ Scan(...any) error }) (model.Message, error) {
	var m model.Message
	var inc sql.NullInt64
	var att, raw string
	var posted, received int64
	err := sc.Scan(&m.ID, &m.Source, &m.ExternalID, &inc, &m.Author, &m.AuthorID, &m.Text, &m.URL, &m.Territory,
		&m.Category, &m.Address, &m.ThreadID, &m.ReplyTo, &att, &raw, &posted, &received)
	m.IncidentID, m.PostedAt, m.ReceivedAt = inc.Int64, fromMS(posted), fromMS(received)
	if att != "" && att != "[]" {
		_ = json.Unmarshal([]byte(att), &m.Attachments)
	}
	if raw != "" {
		m.Raw = json.RawMessage(raw)
	}
	return m, err
}

// IngestItem is one message to store and what it does to incidents: open the prepared Incident, or join the
// open incident JoinIncident. Events are recorded with the incident's id filled in.
type IngestItem struct {
	Message      model.Message
	Incident     *model.Incident // opened when the message is new; its Number is a prefix ("38-2026-") the store completes
	JoinIncident int64
	// JoinItem joins the incident that an earlier item of the same batch opened (its index plus one; 0: none).
	JoinItem int
	// Terms are the search terms of the incident the message opens or joins (search.Terms of its summary, text
	// and address); nil: computed here. Callers that write large batches compute them beforehand, in parallel.
	Terms []string
	// DedupeAuthor treats the same author repeating the same text in the same source within DedupeWindow
	// (before or after) as one message.
	DedupeAuthor bool
	DedupeWindow time.Duration
	// TextHash is TextHash(Message.Text); empty: computed here (callers writing large batches compute it
	// beforehand, in parallel, as they do Terms).
	TextHash string
	Events   []model.Event
}

// IngestResult says what became of one item.
type IngestResult struct {
	MessageID  int64  `json:"message_id"`
	IncidentID int64  `json:"incident_id"`
	Number     string `json:"number"`
	Duplicate  bool   `json:"duplicate"`        // the source already delivered this external id: nothing changed
	Repeat     bool   `json:"repeat,omitempty"` // the same author already sent the same text: kept as that message
	Edited     bool   `json:"edited,omitempty"` // an edit: the stored message's text was updated
}

// TextHash is the key under which repeated texts of one author are recognised: case, ё and runs of white space
// do not matter.
func TextHash(text string) string {
	norm := strings.Join(strings.Fields(strings.ToLower(strings.ReplaceAll(text, "ё", "е"))), " ")
	sum := sha1.Sum([]byte(norm))
	return hex.EncodeToString(sum[:12])
}

// NextNumber allocates the next number with the given prefix ("38-2026-" → "38-2026-000123").
func (t *Tx) NextNumber(ctx context.Context, prefix string) (string, error) {
	var n int64
	err := t.queryRow(ctx, `INSERT INTO counters(name, value) VALUES (?, 1)
		ON CONFLICT(name) DO UPDATE SET value = counters.value + 1 RETURNING value`, prefix).Scan(&n)
	if err != nil {
		return "", fmt.Errorf("store: allocate number %s: %w", prefix, err)
	}
	return fmt.Sprintf("%s%06d", prefix, n), nil
}

// CreateIncident inserts an incident, allocating its number when inc.Number is a prefix ending in "-", and
// indexes text (the first message) for search. It returns the id and the number.
func (t *Tx) CreateIncident(ctx context.Context, inc model.Incident, text string) (int64, string, error) {
	if inc.Number == "" || strings.HasSuffix(inc.Number, "-") {
		n, err := t.NextNumber(ctx, inc.Number)
		if err != nil {
			return 0, "", err
		}
		inc.Number = n
	}
	id, err := t.insertIncident(ctx, inc)
	if err != nil {
		return 0, "", err
	}
	if err := t.addTerms(ctx, id, inc.Summary+" "+text+" "+inc.Address); err != nil {
		return 0, "", err
	}
	return id, inc.Number, nil
}

// topicOf is the SQL expression of the topic of a category given twice as a parameter: its parent, or itself
// when it is a topic.
const topicOf = `COALESCE((SELECT tp.id FROM categories c JOIN categories tp ON tp.code = c.parent_code WHERE c.id = ?), ?)`

func (t *Tx) insertIncident(ctx context.Context, inc model.Incident) (int64, error) {
	ex := "[]"
	if len(inc.ExcludedExecutor) > 0 {
		b, _ := json.Marshal(inc.ExcludedExecutor)
		ex = string(b)
	}
	var id int64
	err := t.queryRow(ctx, `INSERT INTO incidents(number, region_id, status, priority, category_id, topic_id,
		territory_id, executor_id, summary, address, source, message_count, created_at, updated_at, reaction_due,
		resolution_due, due_at, warn_at, breach_at, first_reaction_at, resolved_at, merged_into, reject_reason, excluded_executors,
		legal_due, legal_extended_at)
		VALUES (?, ?, ?, ?, ?, `+topicOf+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		inc.Number, inc.RegionID, string(inc.Status), string(inc.Priority), nullID(inc.CategoryID), nullID(inc.CategoryID), nullID(inc.CategoryID), nullID(inc.TerritoryID),
		nullID(inc.ExecutorID), inc.Summary, inc.Address, inc.Source, inc.MessageCount, ms(inc.CreatedAt), ms(inc.UpdatedAt),
		msPtr(inc.ReactionDue), msPtr(inc.ResolutionDue), msPtr(inc.DueAt), msPtr(inc.WarnAt), msPtr(inc.BreachAt),
		msPtr(inc.FirstReactionAt), msPtr(inc.ResolvedAt), nullID(inc.MergedInto), inc.RejectReason, ex,
		msPtr(inc.LegalDue), msPtr(inc.LegalExtendedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create incident: %w", err)
	}
	// It waits for the dashboard's fold (see rollup.go).
	if _, err := t.exec(ctx, `INSERT INTO dash_pending (incident_id, created_at) VALUES (?, ?)`, id, ms(inc.CreatedAt)); err != nil {
		return 0, fmt.Errorf("store: create incident: mark it pending: %w", err)
	}
	return id, nil
}

func (t *Tx) addTerms(ctx context.Context, incidentID int64, text string) error {
	terms := search.Terms(text)
	if len(terms) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO incident_terms(term, incident_id) VALUES `)
	args := make([]any, 0, 2*len(terms))
	for i, term := range terms {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?)")
		args = append(args, term, incidentID)
	}
	b.WriteString(` ON CONFLICT DO NOTHING`)
	if _, err := t.exec(ctx, b.String(), args...); err != nil {
		return fmt.Errorf("store: index incident %d: %w", incidentID, err)
	}
	return nil
}

// Message returns one message by source and external id.
func (s *Store) Message(ctx context.Context, source, externalID string) (model.Message, error) {
	m, err := scanMessage(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+messageCols+` FROM messages WHERE source = ? AND external_id = ?`), source, externalID))
	if errors.Is(err, sql.ErrNoRows) {
		return m, notFound("message", source+"/"+externalID)
	}
	if err != nil {
		return m, fmt.Errorf("store: get message: %w", err)
	}
	return m, nil
}

// CountRows returns the number of rows in a table of the schema (for tests, the import report and benchmarks).
func (s *Store) CountRows(ctx context.Context, table string) (int, error) {
	switch table {
	case "messages", "incidents", "answers", "events", "users", "executors", "territories", "categories", "incident_terms":
	default:
		return 0, fmt.Errorf("store: count rows: unknown table %q", table)
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count %s: %w", table, err)
	}
	return n, nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with maps of plain values
	}
	return b
}
