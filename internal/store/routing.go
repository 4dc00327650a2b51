package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// RoutingRule is one row of the rule table (package routing interprets it).
type RoutingRule struct {
	ID        int64  `json:"id"`
	Position  int    `json:"position"`
	Category  string `json:"category,omitempty"`
	Territory string `json:"territory,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Executor  string `json:"executor"`
	Note      string `json:"note,omitempty"`
}

// Building is one house of the registry; Key is its normalised address (routing.AddressKey), computed by the caller.
type Building struct {
	Address   string `json:"address"`
	Key       string `json:"-"`
	Territory string `json:"territory,omitempty"`
	Executor  string `json:"executor"`
}

// RoutingRules returns the rule table in order.
func (s *Store) RoutingRules(ctx context.Context) ([]RoutingRule, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT r.id, r.position, r.category, r.territory, r.kind, e.code, r.note
		FROM routing_rules r JOIN executors e ON e.id = r.executor_id ORDER BY r.position, r.id`)
	if err != nil {
		return nil, fmt.Errorf("store: list routing rules: %w", err)
	}
	defer rows.Close()
	var out []RoutingRule
	for rows.Next() {
		var r RoutingRule
		if err := rows.Scan(&r.ID, &r.Position, &r.Category, &r.Territory, &r.Kind, &r.Executor, &r.Note); err != nil {
			return nil, fmt.Errorf("store: scan routing rule: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ReplaceRoutingRules replaces the whole rule table in one transaction. Executors are named by code; an unknown
// code is an error naming the rule, and nothing changes.
func (s *Store) ReplaceRoutingRules(ctx context.Context, rules []RoutingRule) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM routing_rules`); err != nil {
			return err
		}
		for i, r := range rules {
			var exID int64
			err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT id FROM executors WHERE code = ?`), r.Executor).Scan(&exID)
			if err == sql.ErrNoRows {
				return model.Invalid(fmt.Sprintf("rules[%d].executor", i), fmt.Sprintf("no executor with code %q", r.Executor))
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO routing_rules(position, category, territory, kind, executor_id, note)
				VALUES (?, ?, ?, ?, ?, ?)`), r.Position, r.Category, r.Territory, r.Kind, exID, r.Note); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: replace routing rules: %w", err)
	}
	return nil
}

// Buildings returns the building registry.
func (s *Store) Buildings(ctx context.Context) ([]Building, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT b.address, b.territory, e.code FROM buildings b JOIN executors e ON e.id = b.executor_id ORDER BY b.id`)
	if err != nil {
		return nil, fmt.Errorf("store: list buildings: %w", err)
	}
	defer rows.Close()
	var out []Building
	for rows.Next() {
		var b Building
		if err := rows.Scan(&b.Address, &b.Territory, &b.Executor); err != nil {
			return nil, fmt.Errorf("store: scan building: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// PutBuildings upserts houses of the registry (keyed by territory and normalised address) in one transaction
// and returns how many were stored. A house whose address has no recognisable house number is an error naming it.
func (s *Store) PutBuildings(ctx context.Context, bs []Building) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		ids := map[string]int64{}
		for i, b := range bs {
			key := b.Key
			if key == "" {
				return model.Invalid(fmt.Sprintf("buildings[%d].address", i), fmt.Sprintf("no house number in %q", b.Address))
			}
			exID, ok := ids[b.Executor]
			if !ok {
				err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT id FROM executors WHERE code = ?`), b.Executor).Scan(&exID)
				if err == sql.ErrNoRows {
					return model.Invalid(fmt.Sprintf("buildings[%d].executor", i), fmt.Sprintf("no executor with code %q", b.Executor))
				}
				if err != nil {
					return err
				}
				ids[b.Executor] = exID
			}
			if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO buildings(address, address_key, territory, executor_id) VALUES (?, ?, ?, ?)
				ON CONFLICT (territory, address_key) DO UPDATE SET address = excluded.address, executor_id = excluded.executor_id`),
				b.Address, key, b.Territory, exID); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: put buildings: %w", err)
	}
	return n, nil
}

// RoutedCount is how many incidents of a territory and a category one executor answered: a cell of the routing
// history. Territory (OKTMO) and Category (code) are "" for incidents without one.
type RoutedCount struct {
	Territory string
	Category  string
	Executor  string
	N         int
}

// RoutingHistory counts, per territory × category × executor, the incidents created since the given time that
// their executor answered (a published answer set the first reaction), leaving out rejected and merged ones: what
// the region's own routing has shown to work. It is one grouped query over the incidents created since then.
func (s *Store) RoutingHistory(ctx context.Context, since time.Time) ([]RoutedCount, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT COALESCE(t.oktmo, ''), COALESCE(c.code, ''), e.code, h.n
		FROM (SELECT territory_id, category_id, executor_id, COUNT(*) AS n FROM incidents
			WHERE created_at >= ? AND executor_id IS NOT NULL AND first_reaction_at IS NOT NULL
				AND status NOT IN ('rejected', 'merged')
			GROUP BY territory_id, category_id, executor_id) h
		JOIN executors e ON e.id = h.executor_id
		LEFT JOIN territories t ON t.id = h.territory_id
		LEFT JOIN categories c ON c.id = h.category_id`), ms(since))
	if err != nil {
		return nil, fmt.Errorf("store: routing history: %w", err)
	}
	defer rows.Close()
	var out []RoutedCount
	for rows.Next() {
		var r RoutedCount
		if err := rows.Scan(&r.Territory, &r.Category, &r.Executor, &r.N); err != nil {
			return nil, fmt.Errorf("store: scan routing history: %w", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: routing history: %w", err)
	}
	return out, nil
}
