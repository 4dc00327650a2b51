package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// Template is a reusable answer per category, with placeholders filled from the incident.
type Template struct {
	ID        int64     `json:"id"`
	Category  string    `json:"category,omitempty"` // topic or subtopic code; empty for any
	Kind      string    `json:"kind"`               // interim or final
	Title     string    `json:"title"`
	Text      string    `json:"text"`
	CreatedAt time.Time `json:"created_at"`
}

// CreateTemplate stores a template and returns its id.
func (s *Store) CreateTemplate(ctx context.Context, t Template) (int64, error) {
	if t.CreatedAt.IsZero() {
		t.CreatedAt = time.Now()
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`INSERT INTO answer_templates(category, kind, title, text, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id`), t.Category, t.Kind, t.Title, t.Text, ms(t.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create template: %w", err)
	}
	return id, nil
}

// Templates lists templates; with a category code, those for it, its topic, and any category.
func (s *Store) Templates(ctx context.Context, category string) ([]Template, error) {
	q := `SELECT id, category, kind, title, text, created_at FROM answer_templates`
	var args []any
	if category != "" {
		topic := category
		for i := 0; i < len(category); i++ {
			if category[i] == '.' {
				topic = category[:i]
				break
			}
		}
		q += ` WHERE category IN ('', ?, ?)`
		args = append(args, category, topic)
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q+` ORDER BY category, title, id`), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list templates: %w", err)
	}
	defer rows.Close()
	var out []Template
	for rows.Next() {
		var t Template
		var created int64
		if err := rows.Scan(&t.ID, &t.Category, &t.Kind, &t.Title, &t.Text, &created); err != nil {
			return nil, fmt.Errorf("store: scan template: %w", err)
		}
		t.CreatedAt = fromMS(created)
		out = append(out, t)
	}
	return out, rows.Err()
}

// Template returns one template.
func (s *Store) Template(ctx context.Context, id int64) (Template, error) {
	var t Template
	var created int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT id, category, kind, title, text, created_at FROM answer_templates WHERE id = ?`), id).
		Scan(&t.ID, &t.Category, &t.Kind, &t.Title, &t.Text, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound("template", id)
	}
	if err != nil {
		return t, fmt.Errorf("store: get template %d: %w", id, err)
	}
	t.CreatedAt = fromMS(created)
	return t, nil
}

// DeleteTemplate removes a template.
func (s *Store) DeleteTemplate(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM answer_templates WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("store: delete template %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("template", id)
	}
	return nil
}

// Rating is a resident's verdict on a published answer, reached through a short link.
type Rating struct {
	Token      string     `json:"-"`
	AnswerID   int64      `json:"answer_id"`
	IncidentID int64      `json:"incident_id"`
	Score      int        `json:"score,omitempty"` // 1–5; 0 while not rated
	Solved     *bool      `json:"solved,omitempty"`
	Comment    string     `json:"comment,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	RatedAt    *time.Time `json:"rated_at,omitempty"`
}

// CreateRating opens a rating link for a published answer.
func (t *Tx) CreateRating(ctx context.Context, r Rating) error {
	_, err := t.exec(ctx, `INSERT INTO ratings(token, answer_id, incident_id, created_at) VALUES (?, ?, ?, ?)`,
		r.Token, r.AnswerID, r.IncidentID, ms(r.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: create rating: %w", err)
	}
	return nil
}

const ratingCols = `token, answer_id, incident_id, score, solved, comment, created_at, rated_at`

func scanRating(sc interface{ Scan(...any) error }) (Rating, error) {
	var r Rating
	var score sql.NullInt64
	var solved sql.NullBool
	var created int64
	var rated sql.NullInt64
	err := sc.Scan(&r.Token, &r.AnswerID, &r.IncidentID, &score, &solved, &r.Comment, &created, &rated)
	r.Score, r.CreatedAt, r.RatedAt = int(score.Int64), fromMS(created), fromNullMS(rated)
	if solved.Valid {
		v := solved.Bool
		r.Solved = &v
	}
	return r, err
}

// RatingByToken returns the rating behind a link.
func (s *Store) RatingByToken(ctx context.Context, token string) (Rating, error) {
	r, err := scanRating(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+ratingCols+` FROM ratings WHERE token = ?`), token))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: rating link", model.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: get rating: %w", err)
	}
	return r, nil
}

// RatingForUpdate reads and locks a rating.
func (t *Tx) RatingForUpdate(ctx context.Context, token string) (Rating, error) {
	r, err := scanRating(t.queryRow(ctx, `SELECT `+ratingCols+` FROM ratings WHERE token = ?`+t.s.d.forUpdate, token))
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("%w: rating link", model.ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: get rating: %w", err)
	}
	return r, nil
}

// SaveRating records the resident's verdict (and keeps the dashboard rollup in step).
func (t *Tx) SaveRating(ctx context.Context, r Rating) error {
	inc, err := t.ratingIncident(ctx, r.Token)
	if err != nil {
		return err
	}
	return t.rollupAround(ctx, inc, func() error { return t.saveRating(ctx, r) })
}

func (t *Tx) saveRating(ctx context.Context, r Rating) error {
	var solved any
	if r.Solved != nil {
		solved = *r.Solved
	}
	_, err := t.exec(ctx, `UPDATE ratings SET score = ?, solved = ?, comment = ?, rated_at = ? WHERE token = ?`,
		r.Score, solved, r.Comment, msPtr(r.RatedAt), r.Token)
	if err != nil {
		return fmt.Errorf("store: save rating: %w", err)
	}
	return nil
}

// Satisfaction is the residents' verdict over a period.
type Satisfaction struct {
	Rated     int      `json:"rated"`
	Mean      *float64 `json:"mean,omitempty"`
	Unsolved  int      `json:"unsolved"`
	Published int      `json:"links"`
}

// SatisfactionStats summarises ratings given in [from, to) (zero times do not bound).
func (s *Store) SatisfactionStats(ctx context.Context, from, to time.Time) (Satisfaction, error) {
	var out Satisfaction
	q := `SELECT COUNT(*), COUNT(score), AVG(score), SUM(CASE WHEN solved = FALSE THEN 1 ELSE 0 END) FROM ratings WHERE 1 = 1`
	var args []any
	if !from.IsZero() {
		q, args = q+` AND created_at >= ?`, append(args, ms(from))
	}
	if !to.IsZero() {
		q, args = q+` AND created_at < ?`, append(args, ms(to))
	}
	var mean sql.NullFloat64
	var unsolved sql.NullInt64
	if err := s.db.QueryRowContext(ctx, s.d.rebind(q), args...).Scan(&out.Published, &out.Rated, &mean, &unsolved); err != nil {
		return out, fmt.Errorf("store: satisfaction: %w", err)
	}
	if mean.Valid {
		out.Mean = &mean.Float64
	}
	out.Unsolved = int(unsolved.Int64)
	return out, nil
}
