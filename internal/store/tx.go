package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// Tx is a unit of work: everything done through it commits together or not at all.
type Tx struct {
	s     *Store
	tx    *sql.Tx
	stmts map[string]*sql.Stmt // prepared once per transaction: a batch reuses them instead of re-parsing
}

// maxCachedStmts bounds the statements a transaction keeps prepared (multi-row inserts vary in shape).
const maxCachedStmts = 256

func (t *Tx) stmt(ctx context.Context, q string) (*sql.Stmt, error) {
	if st, ok := t.stmts[q]; ok {
		return st, nil
	}
	st, err := t.tx.PrepareContext(ctx, t.s.d.rebind(q))
	if err != nil {
		return nil, err
	}
	if t.stmts == nil {
		t.stmts = map[string]*sql.Stmt{}
	}
	if len(t.stmts) < maxCachedStmts {
		t.stmts[q] = st
	}
	return st, nil
}

// exec runs a statement (written with ? placeholders) through the transaction's prepared-statement cache.
func (t *Tx) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// queryRow runs a one-row query through the cache.
func (t *Tx) queryRow(ctx context.Context, q string, args ...any) *sql.Row {
	st, err := t.stmt(ctx, q)
	if err != nil {
		return t.tx.QueryRowContext(ctx, t.s.d.rebind(q), args...) // reports the same error through Scan
	}
	return st.QueryRowContext(ctx, args...)
}

// bulkStmt returns the store-wide prepared statement q (written with ? placeholders) bound to the transaction.
// Only statements whose text repeats from batch to batch belong here: the cache is never trimmed.
func (t *Tx) bulkStmt(ctx context.Context, q string) (*sql.Stmt, error) {
	s := t.s
	s.bulkMu.Lock()
	st, ok := s.bulk[q]
	s.bulkMu.Unlock()
	if !ok {
		var err error
		if st, err = s.db.PrepareContext(ctx, s.d.rebind(q)); err != nil {
			return nil, err
		}
		s.bulkMu.Lock()
		if prev, ok := s.bulk[q]; ok {
			st.Close()
			st = prev
		} else {
			if s.bulk == nil {
				s.bulk = map[string]*sql.Stmt{}
			}
			s.bulk[q] = st
		}
		s.bulkMu.Unlock()
	}
	return t.tx.StmtContext(ctx, st), nil
}

// bulkQuery runs a multi-row statement returning rows; full says its shape is a full chunk, which repeats.
func (t *Tx) bulkQuery(ctx context.Context, full bool, q string, args ...any) (*sql.Rows, error) {
	if !full {
		return t.tx.QueryContext(ctx, t.rebind(q), args...)
	}
	st, err := t.bulkStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.QueryContext(ctx, args...)
}

// bulkExec runs a multi-row statement; full says its shape is a full chunk, which repeats.
func (t *Tx) bulkExec(ctx context.Context, full bool, q string, args ...any) (sql.Result, error) {
	if !full {
		return t.tx.ExecContext(ctx, t.rebind(q), args...)
	}
	st, err := t.bulkStmt(ctx, q)
	if err != nil {
		return nil, err
	}
	return st.ExecContext(ctx, args...)
}

// WithTx runs fn in a transaction, committing when it returns nil and rolling back otherwise. On SQLite the
// transaction takes the write lock at its start; on PostgreSQL rows are locked as they are read for update.
func (s *Store) WithTx(ctx context.Context, fn func(*Tx) error) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return fn(&Tx{s: s, tx: tx}) })
}

func (t *Tx) rebind(q string) string { return t.s.d.rebind(q) }

// IncidentForUpdate reads an incident and locks it until the transaction ends.
func (t *Tx) IncidentForUpdate(ctx context.Context, id int64) (model.Incident, error) {
	return t.s.getIncident(ctx, t.tx, `i.id = ?`, id, true)
}

// UpdateIncident writes the mutable fields of an incident (and its share of the dashboard rollup).
func (t *Tx) UpdateIncident(ctx context.Context, inc model.Incident) error {
	return t.rollupAround(ctx, inc.ID, func() error { return t.updateIncident(ctx, inc) })
}

func (t *Tx) updateIncident(ctx context.Context, inc model.Incident) error {
	ex, _ := json.Marshal(inc.ExcludedExecutor)
	if inc.ExcludedExecutor == nil {
		ex = []byte("[]")
	}
	_, err := t.exec(ctx, `UPDATE incidents SET status = ?, priority = ?, category_id = ?, topic_id = `+topicOf+`, territory_id = ?,
		executor_id = ?, summary = ?, address = ?, message_count = ?, updated_at = ?, reaction_due = ?, resolution_due = ?,
		due_at = ?, warn_at = ?, breach_at = ?, first_reaction_at = ?, resolved_at = ?, merged_into = ?, reject_reason = ?,
		excluded_executors = ?, legal_due = ?, legal_extended_at = ? WHERE id = ?`,
		string(inc.Status), string(inc.Priority), nullID(inc.CategoryID), nullID(inc.CategoryID), nullID(inc.CategoryID),
		nullID(inc.TerritoryID), nullID(inc.ExecutorID), inc.Summary, inc.Address, inc.MessageCount, ms(inc.UpdatedAt), msPtr(inc.ReactionDue), msPtr(inc.ResolutionDue),
		msPtr(inc.DueAt), msPtr(inc.WarnAt), msPtr(inc.BreachAt), msPtr(inc.FirstReactionAt), msPtr(inc.ResolvedAt),
		nullID(inc.MergedInto), inc.RejectReason, string(ex), msPtr(inc.LegalDue), msPtr(inc.LegalExtendedAt), inc.ID)
	if err != nil {
		return fmt.Errorf("store: update incident %d: %w", inc.ID, err)
	}
	return nil
}

// AddEvent appends to the audit log (a moderator's return of an answer also changes the dashboard rollup).
func (t *Tx) AddEvent(ctx context.Context, e model.Event) error {
	return t.rollupEventAround(ctx, e, func() error { return t.addEvent(ctx, e) })
}

func (t *Tx) addEvent(ctx context.Context, e model.Event) error {
	if e.At.IsZero() {
		e.At = time.Now()
	}
	data := ""
	if len(e.Data) > 0 {
		data = string(e.Data)
	}
	_, err := t.exec(ctx, `INSERT INTO events(incident_id, answer_id, actor_id, actor, type, from_state, to_state, data, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, nullID(e.IncidentID), nullID(e.AnswerID), nullID(e.ActorID), e.Actor, e.Type,
		e.From, e.To, data, ms(e.At))
	if err != nil {
		return fmt.Errorf("store: add event %s: %w", e.Type, err)
	}
	return nil
}

// MoveMessages re-points the messages of one incident to another (merging) and returns how many moved.
func (t *Tx) MoveMessages(ctx context.Context, from, to int64) (int, error) {
	res, err := t.exec(ctx, `UPDATE messages SET incident_id = ? WHERE incident_id = ?`, to, from)
	if err != nil {
		return 0, fmt.Errorf("store: move messages %d→%d: %w", from, to, err)
	}
	n, _ := res.RowsAffected()
	// The survivor becomes findable by the merged incident's words too.
	if _, err := t.exec(ctx, `INSERT INTO incident_terms(term, incident_id)
		SELECT term, ? FROM incident_terms WHERE incident_id = ? ON CONFLICT DO NOTHING`, to, from); err != nil {
		return 0, fmt.Errorf("store: merge terms %d→%d: %w", from, to, err)
	}
	return int(n), nil
}

// AnswerForUpdate reads an answer and locks it.
func (t *Tx) AnswerForUpdate(ctx context.Context, id int64) (model.Answer, error) {
	q := `SELECT ` + answerCols + ` FROM answers WHERE id = ?` + t.s.d.forUpdate
	a, err := scanAnswer(t.queryRow(ctx, q, id))
	if errors.Is(err, sql.ErrNoRows) {
		return a, notFound("answer", id)
	}
	if err != nil {
		return a, fmt.Errorf("store: get answer %d: %w", id, err)
	}
	return a, nil
}

// CreateAnswer inserts an answer and returns its id.
func (t *Tx) CreateAnswer(ctx context.Context, a model.Answer) (int64, error) {
	var id int64
	err := t.rollupAround(ctx, a.IncidentID, func() error {
		var err error
		id, err = t.createAnswer(ctx, a)
		return err
	})
	return id, err
}

func (t *Tx) createAnswer(ctx context.Context, a model.Answer) (int64, error) {
	var id int64
	g, p, i, f, att := answerGrades(a)
	err := t.queryRow(ctx, `INSERT INTO answers(incident_id, kind, state, text, author_id, executor_id,
		review_comment, reviewer_id, due_date, external_id, created_at, updated_at, submitted_at, published_at,
		grades, grade_plain, grade_informative, formal, attachments)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		a.IncidentID, string(a.Kind), string(a.State), a.Text, nullID(a.AuthorID), nullID(a.ExecutorID), a.ReviewComment,
		nullID(a.ReviewerID), msPtr(a.DueDate), a.ExternalID, ms(a.CreatedAt), ms(a.UpdatedAt), msPtr(a.SubmittedAt),
		msPtr(a.PublishedAt), g, p, i, f, att).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create answer: %w", err)
	}
	return id, nil
}

// UpdateAnswer writes the mutable fields of an answer (and its incident's share of the dashboard rollup).
func (t *Tx) UpdateAnswer(ctx context.Context, a model.Answer) error {
	inc := a.IncidentID
	if inc == 0 {
		var err error
		if inc, err = t.answerIncident(ctx, a.ID); err != nil {
			return err
		}
	}
	return t.rollupAround(ctx, inc, func() error { return t.updateAnswer(ctx, a) })
}

func (t *Tx) updateAnswer(ctx context.Context, a model.Answer) error {
	g, p, i, f, att := answerGrades(a)
	_, err := t.exec(ctx, `UPDATE answers SET kind = ?, state = ?, text = ?, review_comment = ?,
		reviewer_id = ?, due_date = ?, external_id = ?, updated_at = ?, submitted_at = ?, published_at = ?,
		grades = ?, grade_plain = ?, grade_informative = ?, formal = ?, attachments = ? WHERE id = ?`,
		string(a.Kind), string(a.State), a.Text, a.ReviewComment, nullID(a.ReviewerID), msPtr(a.DueDate), a.ExternalID,
		ms(a.UpdatedAt), msPtr(a.SubmittedAt), msPtr(a.PublishedAt), g, p, i, f, att, a.ID)
	if err != nil {
		return fmt.Errorf("store: update answer %d: %w", a.ID, err)
	}
	return nil
}

// DueClock is an incident whose pending warning or breach instant has come.
type DueClock struct {
	IncidentID int64
	Breach     bool // false: the 75 % warning
}

// DueClocks lists incidents with a pending warning or breach at or before now (two index range scans).
func (s *Store) DueClocks(ctx context.Context, now time.Time, limit int) ([]DueClock, error) {
	var out []DueClock
	for _, q := range []struct {
		col    string
		breach bool
	}{{"warn_at", false}, {"breach_at", true}} {
		rows, err := s.db.QueryContext(ctx, s.d.rebind(fmt.Sprintf(`SELECT id FROM incidents WHERE %s <= ? ORDER BY %s LIMIT %d`, q.col, q.col, limit)), ms(now))
		if err != nil {
			return nil, fmt.Errorf("store: due clocks: %w", err)
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: scan due clock: %w", err)
			}
			out = append(out, DueClock{IncidentID: id, Breach: q.breach})
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// answerGrades flattens an answer's grades into the columns lists and dashboards read.
func answerGrades(a model.Answer) (grades string, plain, informative, formal any, attachments string) {
	if len(a.Grades) > 0 {
		grades = string(a.Grades)
		var g struct {
			Plain       *int `json:"plain"`
			Informative *int `json:"informative"`
		}
		if json.Unmarshal(a.Grades, &g) == nil {
			if g.Plain != nil {
				plain = *g.Plain
			}
			if g.Informative != nil {
				informative = *g.Informative
			}
		}
	}
	if a.Formal != nil {
		formal = *a.Formal
	}
	attachments = "[]"
	if len(a.Attachments) > 0 {
		b, _ := json.Marshal(a.Attachments)
		attachments = string(b)
	}
	return
}
