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
	Events       []model.Event
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

// Ingest stores a batch of messages in one transaction: each new message opens or joins an incident, each
// message already known (same source and external id) is reported as a duplicate and changes nothing. When
// Ingest returns nil every message of the batch is durable. The batch is written with few statements: one
// look-up of known external ids per source, numbers reserved in one step, and the search terms and events of
// the whole batch in multi-row inserts.
func (s *Store) Ingest(ctx context.Context, items []IngestItem) ([]IngestResult, error) {
	out := make([]IngestResult, len(items))
	err := s.WithTx(ctx, func(tx *Tx) error {
		b := &ingestBatch{tx: tx, numbers: map[string]*numberBlock{}}
		known, err := tx.knownMessages(ctx, items)
		if err != nil {
			return err
		}
		b.known = known
		b.repeats = map[string]IngestResult{}
		if err := b.reserveNumbers(ctx, items); err != nil {
			return err
		}
		for i, it := range items {
			if it.JoinItem > 0 {
				if it.JoinItem > i || out[it.JoinItem-1].IncidentID == 0 {
					return fmt.Errorf("item %d joins item %d, which opened no incident", i, it.JoinItem-1)
				}
				it.JoinIncident = out[it.JoinItem-1].IncidentID
			}
			r, err := b.one(ctx, it)
			if err != nil {
				return fmt.Errorf("message %s/%s: %w", it.Message.Source, it.Message.ExternalID, err)
			}
			out[i] = r
		}
		return b.flush(ctx)
	})
	if err != nil {
		return nil, fmt.Errorf("store: ingest: %w", err)
	}
	return out, nil
}

// ingestBatch carries what one Ingest call has learned and what it writes at the end.
type ingestBatch struct {
	tx      *Tx
	known   map[string]IngestResult // source + external id → the stored message
	repeats map[string]IngestResult // source + author + text hash → a message of this batch
	numbers map[string]*numberBlock
	terms   []any // term, incident id pairs
	events  []model.Event
}

// numberBlock is a run of incident numbers reserved for a batch; unused ones are given back before commit (the
// transaction holds the counter's lock, so nobody else can have taken numbers after them).
type numberBlock struct {
	next, last int64
}

func msgKey(source, externalID string) string { return source + "\x00" + externalID }

// knownMessages finds which of the batch's external ids are stored already (one query per source and 500 ids).
func (t *Tx) knownMessages(ctx context.Context, items []IngestItem) (map[string]IngestResult, error) {
	bySource := map[string][]any{}
	for _, it := range items {
		bySource[it.Message.Source] = append(bySource[it.Message.Source], it.Message.ExternalID)
	}
	out := map[string]IngestResult{}
	for source, ids := range bySource {
		for i := 0; i < len(ids); i += 500 {
			part := ids[i:min(i+500, len(ids))]
			q := `SELECT m.external_id, m.id, m.incident_id, COALESCE(inc.number, '') FROM messages m
				LEFT JOIN incidents inc ON inc.id = m.incident_id
				WHERE m.source = ? AND m.external_id IN (` + strings.TrimSuffix(strings.Repeat("?,", len(part)), ",") + `)`
			rows, err := t.tx.QueryContext(ctx, t.s.d.rebind(q), append([]any{source}, part...)...)
			if err != nil {
				return nil, fmt.Errorf("look up known messages: %w", err)
			}
			for rows.Next() {
				var ext string
				var r IngestResult
				var inc sql.NullInt64
				if err := rows.Scan(&ext, &r.MessageID, &inc, &r.Number); err != nil {
					rows.Close()
					return nil, fmt.Errorf("scan known message: %w", err)
				}
				r.IncidentID, r.Duplicate = inc.Int64, true
				out[msgKey(source, ext)] = r
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// reserveNumbers takes, per number prefix, as many numbers as the batch may open incidents.
func (b *ingestBatch) reserveNumbers(ctx context.Context, items []IngestItem) error {
	need := map[string]int64{}
	for _, it := range items {
		if it.Incident == nil || it.JoinIncident != 0 || it.JoinItem != 0 {
			continue
		}
		if _, ok := b.known[msgKey(it.Message.Source, it.Message.ExternalID)]; ok {
			continue
		}
		if p := it.Incident.Number; p == "" || strings.HasSuffix(p, "-") {
			need[p]++
		}
	}
	for prefix, n := range need {
		var last int64
		err := b.tx.queryRow(ctx, `INSERT INTO counters(name, value) VALUES (?, ?)
			ON CONFLICT(name) DO UPDATE SET value = counters.value + ? RETURNING value`, prefix, n, n).Scan(&last)
		if err != nil {
			return fmt.Errorf("reserve numbers %s: %w", prefix, err)
		}
		b.numbers[prefix] = &numberBlock{next: last - n + 1, last: last}
	}
	return nil
}

func (b *ingestBatch) number(ctx context.Context, prefix string) (string, error) {
	if blk, ok := b.numbers[prefix]; ok && blk.next <= blk.last {
		n := blk.next
		blk.next++
		return fmt.Sprintf("%s%06d", prefix, n), nil
	}
	return b.tx.NextNumber(ctx, prefix)
}

func (b *ingestBatch) one(ctx context.Context, it IngestItem) (IngestResult, error) {
	t := b.tx
	m := it.Message
	att, _ := json.Marshal(m.Attachments)
	if m.Attachments == nil {
		att = []byte("[]")
	}
	hash := TextHash(m.Text)
	key := msgKey(m.Source, m.ExternalID)
	if r, ok := b.known[key]; ok {
		if !m.Edited {
			return r, nil
		}
		r.Duplicate, r.Edited = false, true
		if _, err := t.exec(ctx, `UPDATE messages SET text = ?, raw = ?, text_hash = ?, attachments = ? WHERE id = ?`,
			m.Text, string(m.Raw), hash, string(att), r.MessageID); err != nil {
			return r, fmt.Errorf("update edited message: %w", err)
		}
		if r.IncidentID != 0 {
			b.addTerms(r.IncidentID, nil, m.Text)
			b.events = append(b.events, model.Event{IncidentID: r.IncidentID, Actor: "system", Type: "message.edited",
				Data: mustJSON(map[string]any{"message_id": r.MessageID}), At: m.ReceivedAt})
		}
		return r, nil
	}
	var r IngestResult
	if it.DedupeAuthor && m.AuthorID != "" && !m.Edited {
		rkey := m.Source + "\x00" + m.AuthorID + "\x00" + hash
		if prev, ok := b.repeats[rkey]; ok {
			prev.Repeat, prev.Duplicate = true, false
			return prev, nil
		}
		var inc sql.NullInt64
		err := t.queryRow(ctx, `SELECT m.id, m.incident_id, COALESCE(i.number, '') FROM messages m
			LEFT JOIN incidents i ON i.id = m.incident_id
			WHERE m.source = ? AND m.author_id = ? AND m.text_hash = ? AND m.posted_at >= ? AND m.posted_at <= ?
			ORDER BY m.id LIMIT 1`, m.Source, m.AuthorID, hash, ms(m.PostedAt.Add(-it.DedupeWindow)), ms(m.PostedAt.Add(it.DedupeWindow))).
			Scan(&r.MessageID, &inc, &r.Number)
		if err == nil {
			r.IncidentID, r.Repeat = inc.Int64, true
			return r, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return r, fmt.Errorf("look up repeat: %w", err)
		}
		defer func() { b.repeats[rkey] = r }()
	}
	switch {
	case it.JoinIncident != 0:
		r.IncidentID = it.JoinIncident
		if err := t.queryRow(ctx, `UPDATE incidents SET message_count = message_count + 1, updated_at = ?
			WHERE id = ? RETURNING number`, ms(m.ReceivedAt), it.JoinIncident).Scan(&r.Number); err != nil {
			return r, fmt.Errorf("join incident %d: %w", it.JoinIncident, err)
		}
		b.addTerms(it.JoinIncident, it.Terms, m.Text)
	case it.Incident != nil:
		inc := *it.Incident
		inc.MessageCount = 1
		if inc.Number == "" || strings.HasSuffix(inc.Number, "-") {
			n, err := b.number(ctx, inc.Number)
			if err != nil {
				return r, err
			}
			inc.Number = n
		}
		id, err := t.insertIncident(ctx, inc)
		if err != nil {
			return r, err
		}
		b.addTerms(id, it.Terms, inc.Summary+" "+m.Text+" "+inc.Address)
		r.IncidentID, r.Number = id, inc.Number
	}
	err := t.queryRow(ctx, `INSERT INTO messages(source, external_id, incident_id, author, author_id, text, url, territory,
		category, address, thread_id, reply_to, attachments, raw, posted_at, received_at, text_hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		m.Source, m.ExternalID, nullID(r.IncidentID), m.Author, m.AuthorID, m.Text, m.URL, m.Territory, m.Category, m.Address,
		m.ThreadID, m.ReplyTo, string(att), string(m.Raw), ms(m.PostedAt), ms(m.ReceivedAt), hash).Scan(&r.MessageID)
	if err != nil {
		return r, fmt.Errorf("insert message: %w", err)
	}
	b.known[key] = IngestResult{MessageID: r.MessageID, IncidentID: r.IncidentID, Number: r.Number, Duplicate: true}
	if r.IncidentID != 0 {
		for _, e := range it.Events {
			e.IncidentID = r.IncidentID
			b.events = append(b.events, e)
		}
	}
	return r, nil
}

func (b *ingestBatch) addTerms(incidentID int64, terms []string, text string) {
	if terms == nil {
		terms = search.Terms(text)
	}
	for _, term := range terms {
		b.terms = append(b.terms, term, incidentID)
	}
}

// flush writes the batch's terms and events in multi-row statements and gives unused numbers back.
func (b *ingestBatch) flush(ctx context.Context) error {
	const termRows, eventRows = 400, 100
	for i := 0; i < len(b.terms); i += 2 * termRows {
		part := b.terms[i:min(i+2*termRows, len(b.terms))]
		q := `INSERT INTO incident_terms(term, incident_id) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?),", len(part)/2), ",") + ` ON CONFLICT DO NOTHING`
		if _, err := b.tx.tx.ExecContext(ctx, b.tx.s.d.rebind(q), part...); err != nil {
			return fmt.Errorf("index incidents: %w", err)
		}
	}
	for i := 0; i < len(b.events); i += eventRows {
		part := b.events[i:min(i+eventRows, len(b.events))]
		args := make([]any, 0, 9*len(part))
		for _, e := range part {
			if e.At.IsZero() {
				e.At = time.Now()
			}
			data := ""
			if len(e.Data) > 0 {
				data = string(e.Data)
			}
			args = append(args, nullID(e.IncidentID), nullID(e.AnswerID), nullID(e.ActorID), e.Actor, e.Type, e.From, e.To, data, ms(e.At))
		}
		q := `INSERT INTO events(incident_id, answer_id, actor_id, actor, type, from_state, to_state, data, at) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?, ?, ?),", len(part)), ",")
		if _, err := b.tx.tx.ExecContext(ctx, b.tx.s.d.rebind(q), args...); err != nil {
			return fmt.Errorf("record events: %w", err)
		}
	}
	for prefix, blk := range b.numbers {
		if unused := blk.last - blk.next + 1; unused > 0 {
			if _, err := b.tx.exec(ctx, `UPDATE counters SET value = value - ? WHERE name = ?`, unused, prefix); err != nil {
				return fmt.Errorf("return unused numbers: %w", err)
			}
		}
	}
	return nil
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
		resolution_due, due_at, warn_at, breach_at, first_reaction_at, resolved_at, merged_into, reject_reason, excluded_executors)
		VALUES (?, ?, ?, ?, ?, `+topicOf+`, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		inc.Number, inc.RegionID, string(inc.Status), string(inc.Priority), nullID(inc.CategoryID), nullID(inc.CategoryID), nullID(inc.CategoryID), nullID(inc.TerritoryID),
		nullID(inc.ExecutorID), inc.Summary, inc.Address, inc.Source, inc.MessageCount, ms(inc.CreatedAt), ms(inc.UpdatedAt),
		msPtr(inc.ReactionDue), msPtr(inc.ResolutionDue), msPtr(inc.DueAt), msPtr(inc.WarnAt), msPtr(inc.BreachAt),
		msPtr(inc.FirstReactionAt), msPtr(inc.ResolvedAt), nullID(inc.MergedInto), inc.RejectReason, ex).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create incident: %w", err)
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
