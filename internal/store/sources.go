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

// Source is a configured channel messages arrive through: a VK community, a Telegram bot, a generic webhook.
type Source struct {
	ID        int64        `json:"id"`
	Code      string       `json:"code"` // the {source} of /hooks/<kind>/{source} and model.Message.Source
	Kind      string       `json:"kind"` // vk, telegram, webhook, reception, import
	Name      string       `json:"name,omitempty"`
	Territory string       `json:"territory,omitempty"` // OKTMO: where messages are from when their text names no place
	Config    SourceConfig `json:"config"`
	Enabled   bool         `json:"enabled"`
	CreatedAt time.Time    `json:"created_at"`
}

// SourceConfig holds a source's credentials and settings; which fields apply depends on the kind.
type SourceConfig struct {
	GroupID      int64  `json:"group_id,omitempty"`     // vk: the community
	Confirmation string `json:"confirmation,omitempty"` // vk: the Callback API confirmation string
	Secret       string `json:"secret,omitempty"`       // vk secret key, Telegram secret_token, webhook HMAC key
	Token        string `json:"token,omitempty"`        // vk community token or Telegram bot token, for publishing
	Mode         string `json:"mode,omitempty"`         // telegram: "webhook" (default) or "polling"
	APIBase      string `json:"api_base,omitempty"`     // the API's base URL when not the public one (tests, proxies)
}

// SourceKinds lists the known kinds.
var SourceKinds = []string{"vk", "telegram", "webhook", "reception", "import"}

// PutSource inserts or updates a source by code and returns its id.
func (s *Store) PutSource(ctx context.Context, src Source) (int64, error) {
	cfg, err := json.Marshal(src.Config)
	if err != nil {
		return 0, fmt.Errorf("store: encode source config: %w", err)
	}
	if src.CreatedAt.IsZero() {
		src.CreatedAt = time.Now()
	}
	var id int64
	err = s.db.QueryRowContext(ctx, s.d.rebind(`INSERT INTO sources(code, kind, name, territory, config, enabled, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(code) DO UPDATE SET kind = excluded.kind, name = excluded.name,
		territory = excluded.territory, config = excluded.config, enabled = excluded.enabled RETURNING id`),
		src.Code, src.Kind, src.Name, src.Territory, string(cfg), src.Enabled, ms(src.CreatedAt)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: put source %s: %w", src.Code, err)
	}
	return id, nil
}

func scanSource(sc interface{ Scan(...any) error }) (Source, error) {
	var src Source
	var cfg string
	var created int64
	if err := sc.Scan(&src.ID, &src.Code, &src.Kind, &src.Name, &src.Territory, &cfg, &src.Enabled, &created); err != nil {
		return src, err
	}
	src.CreatedAt = fromMS(created)
	if err := json.Unmarshal([]byte(cfg), &src.Config); err != nil {
		return src, fmt.Errorf("decode config of source %s: %w", src.Code, err)
	}
	return src, nil
}

const sourceCols = `id, code, kind, name, territory, config, enabled, created_at`

// Sources lists every source.
func (s *Store) Sources(ctx context.Context) ([]Source, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sourceCols+` FROM sources ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: list sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan source: %w", err)
		}
		out = append(out, src)
	}
	return out, rows.Err()
}

// SourceByCode returns one source.
func (s *Store) SourceByCode(ctx context.Context, code string) (Source, error) {
	src, err := scanSource(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+sourceCols+` FROM sources WHERE code = ?`), code))
	if errors.Is(err, sql.ErrNoRows) {
		return src, fmt.Errorf("%w: source %q", model.ErrNotFound, code)
	}
	if err != nil {
		return src, fmt.Errorf("store: get source %s: %w", code, err)
	}
	return src, nil
}

// SourceOffsets keeps the long-polling offsets of sources (Telegram getUpdates) so a restart resumes where the
// last acknowledged batch ended.
type SourceOffsets struct{ S *Store }

// Get returns the stored offset (0 when none).
func (o SourceOffsets) Get(ctx context.Context, source string) (int64, error) {
	var v int64
	err := o.S.db.QueryRowContext(ctx, o.S.d.rebind(`SELECT value FROM source_offsets WHERE source = ?`), source).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: get offset of %s: %w", source, err)
	}
	return v, nil
}

// Set stores an offset.
func (o SourceOffsets) Set(ctx context.Context, source string, offset int64) error {
	_, err := o.S.db.ExecContext(ctx, o.S.d.rebind(`INSERT INTO source_offsets(source, value) VALUES (?, ?)
		ON CONFLICT(source) DO UPDATE SET value = excluded.value`), source, offset)
	if err != nil {
		return fmt.Errorf("store: set offset of %s: %w", source, err)
	}
	return nil
}
