package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// Session is a signed-in browser: the web interface keeps it server-side and hands the browser only a random
// token, whose SHA-256 hash is the key here.
type Session struct {
	ID         int64
	TokenHash  string
	UserID     int64
	CSRFSecret string
	CreatedAt  time.Time
	ExpiresAt  time.Time // the absolute end; the idle limit is checked against LastSeenAt by the caller
	LastSeenAt time.Time
	IP         string
	UserAgent  string
}

// CreateSession stores a new session and returns its id.
func (s *Store) CreateSession(ctx context.Context, se Session) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`INSERT INTO web_sessions(token_hash, user_id, csrf_secret, created_at,
		expires_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		se.TokenHash, se.UserID, se.CSRFSecret, ms(se.CreatedAt), ms(se.ExpiresAt), ms(se.LastSeenAt), se.IP, se.UserAgent).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: create session: %w", err)
	}
	return id, nil
}

// SessionByToken returns the session with this token hash and its user, in one query. A missing session is
// model.ErrNotFound; expiry is the caller's to judge.
func (s *Store) SessionByToken(ctx context.Context, tokenHash string) (Session, model.User, error) {
	var se Session
	var u model.User
	var role string
	var ex, ter sql.NullInt64
	var created, sCreated, sExpires, sSeen int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT ws.id, ws.token_hash, ws.user_id, ws.csrf_secret, ws.created_at,
		ws.expires_at, ws.last_seen_at, ws.ip, ws.user_agent,
		u.id, u.login, u.name, u.role, u.executor_id, u.territory_id, u.disabled, u.created_at
		FROM web_sessions ws JOIN users u ON u.id = ws.user_id WHERE ws.token_hash = ?`), tokenHash).
		Scan(&se.ID, &se.TokenHash, &se.UserID, &se.CSRFSecret, &sCreated, &sExpires, &sSeen, &se.IP, &se.UserAgent,
			&u.ID, &u.Login, &u.Name, &role, &ex, &ter, &u.Disabled, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return se, u, notFound("session", "")
	}
	if err != nil {
		return se, u, fmt.Errorf("store: get session: %w", err)
	}
	se.CreatedAt, se.ExpiresAt, se.LastSeenAt = fromMS(sCreated), fromMS(sExpires), fromMS(sSeen)
	u.Role, u.ExecutorID, u.TerritoryID, u.CreatedAt = model.Role(role), ex.Int64, ter.Int64, fromMS(created)
	return se, u, nil
}

// TouchSession records that a session was used at the given time.
func (s *Store) TouchSession(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE web_sessions SET last_seen_at = ? WHERE id = ?`), ms(at), id); err != nil {
		return fmt.Errorf("store: touch session %d: %w", id, err)
	}
	return nil
}

// DeleteSession ends one session; ending a session that no longer exists is not an error.
func (s *Store) DeleteSession(ctx context.Context, tokenHash string) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM web_sessions WHERE token_hash = ?`), tokenHash); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// DeleteUserSessions ends every session of a user ("sign out everywhere") and returns how many ended.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM web_sessions WHERE user_id = ?`), userID)
	if err != nil {
		return 0, fmt.Errorf("store: delete sessions of user %d: %w", userID, err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// DeleteStaleSessions removes sessions past their absolute end (expires_at <= now) or last used at or before
// idleSince, and returns how many.
func (s *Store) DeleteStaleSessions(ctx context.Context, now, idleSince time.Time) (int, error) {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM web_sessions WHERE expires_at <= ? OR last_seen_at <= ?`), ms(now), ms(idleSince))
	if err != nil {
		return 0, fmt.Errorf("store: delete stale sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// ReceptionLink is a reception submission's secret tracking link.
type ReceptionLink struct {
	TokenHash  string
	MessageID  int64
	Number     string // the incident number shown to the resident at submission
	CreatedAt  time.Time
	IncidentID int64 // read: the incident the message belongs to now (it follows merges)
}

// CreateReceptionLink stores a tracking link.
func (s *Store) CreateReceptionLink(ctx context.Context, l ReceptionLink) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO reception_links(token_hash, message_id, number, created_at) VALUES (?, ?, ?, ?)`),
		l.TokenHash, l.MessageID, l.Number, ms(l.CreatedAt))
	if err != nil {
		return fmt.Errorf("store: create reception link: %w", err)
	}
	return nil
}

// ReceptionLinkByToken returns the link with this token hash and the incident its message belongs to now.
func (s *Store) ReceptionLinkByToken(ctx context.Context, tokenHash string) (ReceptionLink, error) {
	var l ReceptionLink
	var created int64
	var inc sql.NullInt64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT l.token_hash, l.message_id, l.number, l.created_at, m.incident_id
		FROM reception_links l JOIN messages m ON m.id = l.message_id WHERE l.token_hash = ?`), tokenHash).
		Scan(&l.TokenHash, &l.MessageID, &l.Number, &created, &inc)
	if errors.Is(err, sql.ErrNoRows) {
		return l, notFound("reception link", "")
	}
	if err != nil {
		return l, fmt.Errorf("store: get reception link: %w", err)
	}
	l.CreatedAt, l.IncidentID = fromMS(created), inc.Int64
	return l, nil
}

// RatingsOfIncident returns the rating links of an incident's published answers, rated or not, in one query:
// the reception's tracking page shows each answer with its rating form or the resident's verdict.
func (s *Store) RatingsOfIncident(ctx context.Context, incidentID int64) ([]Rating, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+ratingCols+` FROM ratings WHERE incident_id = ? ORDER BY id`), incidentID)
	if err != nil {
		return nil, fmt.Errorf("store: ratings of incident %d: %w", incidentID, err)
	}
	defer rows.Close()
	var out []Rating
	for rows.Next() {
		r, err := scanRating(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan rating: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
