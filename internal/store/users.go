package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
)

const userCols = `id, login, name, role, executor_id, territory_id, disabled, created_at`

func scanUser(sc interface{ Scan(...any) error }) (model.User, error) {
	var u model.User
	var role string
	var ex, ter sql.NullInt64
	var created int64
	err := sc.Scan(&u.ID, &u.Login, &u.Name, &role, &ex, &ter, &u.Disabled, &created)
	u.Role, u.ExecutorID, u.TerritoryID, u.CreatedAt = model.Role(role), ex.Int64, ter.Int64, fromMS(created)
	return u, err
}

// CreateUser adds a user with an already hashed password and returns its id. A taken login is ErrInvalid on
// the field "login".
func (s *Store) CreateUser(ctx context.Context, u model.User, passwordHash string) (int64, error) {
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now()
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`INSERT INTO users(login, name, role, executor_id, territory_id, password_hash, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`), u.Login, u.Name, string(u.Role), nullID(u.ExecutorID), nullID(u.TerritoryID),
		passwordHash, ms(u.CreatedAt)).Scan(&id)
	if isUnique(err) {
		return 0, model.Invalid("login", fmt.Sprintf("%q is taken", u.Login))
	}
	if err != nil {
		return 0, fmt.Errorf("store: create user %s: %w", u.Login, err)
	}
	return id, nil
}

// Users lists every user ordered by login.
func (s *Store) Users(ctx context.Context) ([]model.User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userCols+` FROM users ORDER BY login`)
	if err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	defer rows.Close()
	var out []model.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan user: %w", err)
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserByLogin returns a user and the stored password hash.
func (s *Store) UserByLogin(ctx context.Context, login string) (model.User, string, error) {
	row := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+userCols+`, password_hash FROM users WHERE login = ?`), login)
	var u model.User
	var role, hash string
	var ex, ter sql.NullInt64
	var created int64
	err := row.Scan(&u.ID, &u.Login, &u.Name, &role, &ex, &ter, &u.Disabled, &created, &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return u, "", notFound("user", login)
	}
	if err != nil {
		return u, "", fmt.Errorf("store: get user %s: %w", login, err)
	}
	u.Role, u.ExecutorID, u.TerritoryID, u.CreatedAt = model.Role(role), ex.Int64, ter.Int64, fromMS(created)
	return u, hash, nil
}

// User returns a user by id.
func (s *Store) User(ctx context.Context, id int64) (model.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+userCols+` FROM users WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("user", id)
	}
	if err != nil {
		return u, fmt.Errorf("store: get user %d: %w", id, err)
	}
	return u, nil
}

// SetPassword replaces a user's password hash.
func (s *Store) SetPassword(ctx context.Context, login, hash string) error {
	return s.updateUser(ctx, login, `password_hash = ?`, hash)
}

// SetRole changes a user's role and binding (executor for executors, territory for supervisors).
func (s *Store) SetRole(ctx context.Context, login string, role model.Role, executorID, territoryID int64) error {
	return s.updateUser(ctx, login, `role = ?, executor_id = ?, territory_id = ?`, string(role), nullID(executorID), nullID(territoryID))
}

// SetDisabled locks a user out (sessions, tokens and sign-in stop working) or lets them back in.
func (s *Store) SetDisabled(ctx context.Context, login string, disabled bool) error {
	return s.updateUser(ctx, login, `disabled = ?`, disabled)
}

// SetName changes a user's full name.
func (s *Store) SetName(ctx context.Context, login, name string) error {
	return s.updateUser(ctx, login, `name = ?`, name)
}

func (s *Store) updateUser(ctx context.Context, login, set string, args ...any) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE users SET `+set+` WHERE login = ?`), append(args, login)...)
	if err != nil {
		return fmt.Errorf("store: update user %s: %w", login, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("user", login)
	}
	return nil
}

// CreateToken stores the hash of a new API token for a user.
func (s *Store) CreateToken(ctx context.Context, userID int64, tokenHash, name string) error {
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO api_tokens(user_id, token_hash, name, created_at) VALUES (?, ?, ?, ?)`),
		userID, tokenHash, name, ms(time.Now()))
	if err != nil {
		return fmt.Errorf("store: create token: %w", err)
	}
	return nil
}

// TokenInfo describes a stored API token (never the token itself: only its hash is kept).
type TokenInfo struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	Login     string    `json:"login"`
	Role      string    `json:"role"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// LastUsedAt is the last use recorded (within TokenTouchEvery); nil when never used.
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// TokenTouchEvery is how often a token's use is recorded at most: a request does not write each time.
const TokenTouchEvery = time.Hour

// TouchToken records that the token with this hash was used at now, at most once per TokenTouchEvery per
// process (the other uses of that hour cost nothing).
func (s *Store) TouchToken(ctx context.Context, tokenHash string, now time.Time) error {
	s.touchMu.Lock()
	if s.touched == nil {
		s.touched = map[string]time.Time{}
	}
	last, ok := s.touched[tokenHash]
	if ok && now.Sub(last) < TokenTouchEvery {
		s.touchMu.Unlock()
		return nil
	}
	if len(s.touched) > 100_000 { // bounded: tokens are few; start afresh rather than grow
		clear(s.touched)
	}
	s.touched[tokenHash] = now
	s.touchMu.Unlock()
	_, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE api_tokens SET last_used_at = ? WHERE token_hash = ?`), ms(now), tokenHash)
	if err != nil {
		return fmt.Errorf("store: record token use: %w", err)
	}
	return nil
}

// Tokens lists the API tokens, newest first, with their users' logins and roles.
func (s *Store) Tokens(ctx context.Context) ([]TokenInfo, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT t.id, t.user_id, u.login, u.role, t.name, t.created_at, t.last_used_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id ORDER BY t.id DESC`)
	if err != nil {
		return nil, fmt.Errorf("store: list tokens: %w", err)
	}
	defer rows.Close()
	var out []TokenInfo
	for rows.Next() {
		var t TokenInfo
		var created int64
		var used sql.NullInt64
		if err := rows.Scan(&t.ID, &t.UserID, &t.Login, &t.Role, &t.Name, &created, &used); err != nil {
			return nil, fmt.Errorf("store: scan token: %w", err)
		}
		t.CreatedAt, t.LastUsedAt = fromMS(created), fromNullMS(used)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes an API token: requests bearing it are refused from now on.
func (s *Store) RevokeToken(ctx context.Context, id int64) error {
	res, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM api_tokens WHERE id = ?`), id)
	if err != nil {
		return fmt.Errorf("store: revoke token %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("token", id)
	}
	return nil
}

// UserByToken returns the enabled user owning the token with this hash.
func (s *Store) UserByToken(ctx context.Context, tokenHash string) (model.User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT u.id, u.login, u.name, u.role, u.executor_id, u.territory_id, u.disabled, u.created_at
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = ? AND NOT u.disabled`), tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return u, notFound("token", "")
	}
	if err != nil {
		return u, fmt.Errorf("store: look up token: %w", err)
	}
	return u, nil
}
