package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/otklik/otklik/internal/model"
)

// PutRegion inserts or updates a region by its code and returns its id.
func (s *Store) PutRegion(ctx context.Context, r model.Region) (int64, error) {
	cal, err := json.Marshal(r.Calendar)
	if err != nil {
		return 0, fmt.Errorf("store: encode calendar: %w", err)
	}
	settings, err := json.Marshal(r.Settings)
	if err != nil {
		return 0, fmt.Errorf("store: encode settings: %w", err)
	}
	var id int64
	err = s.db.QueryRowContext(ctx, s.d.rebind(`
		INSERT INTO regions(code, name, time_zone, calendar, settings) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT(code) DO UPDATE SET name = excluded.name, time_zone = excluded.time_zone, calendar = excluded.calendar,
			settings = excluded.settings
		RETURNING id`), r.Code, r.Name, r.TimeZone, string(cal), string(settings)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: put region %s: %w", r.Code, err)
	}
	return id, nil
}

// SetRegionSettings replaces a region's settings alone, so that a change of its calendar made meanwhile stays.
func (s *Store) SetRegionSettings(ctx context.Context, code string, settings model.RegionSettings) error {
	return s.setRegionColumn(ctx, code, "settings", settings)
}

// SetRegionCalendar replaces a region's calendar alone, so that a change of its settings made meanwhile stays.
func (s *Store) SetRegionCalendar(ctx context.Context, code string, cal model.Calendar) error {
	return s.setRegionColumn(ctx, code, "calendar", cal)
}

func (s *Store) setRegionColumn(ctx context.Context, code, column string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("store: encode region %s: %w", column, err)
	}
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE regions SET `+column+` = ? WHERE code = ?`), string(data), code)
	if err != nil {
		return fmt.Errorf("store: set region %s %s: %w", code, column, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("region", code)
	}
	return nil
}

// Regions lists every region.
func (s *Store) Regions(ctx context.Context) ([]model.Region, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, time_zone, calendar, settings FROM regions ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: list regions: %w", err)
	}
	defer rows.Close()
	var out []model.Region
	for rows.Next() {
		var r model.Region
		var cal, settings string
		if err := rows.Scan(&r.ID, &r.Code, &r.Name, &r.TimeZone, &cal, &settings); err != nil {
			return nil, fmt.Errorf("store: scan region: %w", err)
		}
		if err := json.Unmarshal([]byte(cal), &r.Calendar); err != nil {
			return nil, fmt.Errorf("store: decode calendar of region %s: %w", r.Code, err)
		}
		if err := json.Unmarshal([]byte(settings), &r.Settings); err != nil {
			return nil, fmt.Errorf("store: decode settings of region %s: %w", r.Code, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Region returns one region by id.
func (s *Store) Region(ctx context.Context, id int64) (model.Region, error) {
	regions, err := s.Regions(ctx)
	if err != nil {
		return model.Region{}, err
	}
	for _, r := range regions {
		if r.ID == id {
			return r, nil
		}
	}
	return model.Region{}, notFound("region", id)
}

// PutTerritory inserts or updates a territory by its OKTMO code and returns its id.
func (s *Store) PutTerritory(ctx context.Context, t model.Territory) (int64, error) {
	if t.Variants == nil {
		t.Variants = []string{}
	}
	v, _ := json.Marshal(t.Variants)
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`
		INSERT INTO territories(region_id, oktmo, name, short_name, kind, variants) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT(oktmo) DO UPDATE SET region_id = excluded.region_id, name = excluded.name,
			short_name = excluded.short_name, kind = excluded.kind, variants = excluded.variants
		RETURNING id`), t.RegionID, t.OKTMO, t.Name, t.ShortName, t.Kind, string(v)).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: put territory %s: %w", t.OKTMO, err)
	}
	return id, nil
}

// Territories lists every territory ordered by name.
func (s *Store) Territories(ctx context.Context) ([]model.Territory, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, region_id, oktmo, name, short_name, kind, variants FROM territories ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list territories: %w", err)
	}
	defer rows.Close()
	var out []model.Territory
	for rows.Next() {
		var t model.Territory
		var v string
		if err := rows.Scan(&t.ID, &t.RegionID, &t.OKTMO, &t.Name, &t.ShortName, &t.Kind, &v); err != nil {
			return nil, fmt.Errorf("store: scan territory: %w", err)
		}
		_ = json.Unmarshal([]byte(v), &t.Variants)
		out = append(out, t)
	}
	return out, rows.Err()
}

// PutCategory inserts or updates a category by its code and returns its id.
func (s *Store) PutCategory(ctx context.Context, c model.Category) (int64, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`
		INSERT INTO categories(code, parent_code, name, name_en, reaction_hours, urgent_reaction_hours,
			resolution_working_days, default_priority, requires_proof, totk)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT(code) DO UPDATE SET parent_code = excluded.parent_code, name = excluded.name,
			name_en = excluded.name_en, reaction_hours = excluded.reaction_hours,
			urgent_reaction_hours = excluded.urgent_reaction_hours,
			resolution_working_days = excluded.resolution_working_days,
			default_priority = excluded.default_priority, requires_proof = excluded.requires_proof, totk = excluded.totk
		RETURNING id`), c.Code, c.ParentCode, c.Name, c.NameEn, c.ReactionHours, c.UrgentReactionHours,
		c.ResolutionWorkingDays, string(c.DefaultPriority), c.RequiresProof, c.TOTK).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: put category %s: %w", c.Code, err)
	}
	return id, nil
}

// Categories lists the category tree: topics and subtopics ordered by code.
func (s *Store) Categories(ctx context.Context) ([]model.Category, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, parent_code, name, name_en, reaction_hours,
		urgent_reaction_hours, resolution_working_days, default_priority, requires_proof, totk FROM categories ORDER BY code`)
	if err != nil {
		return nil, fmt.Errorf("store: list categories: %w", err)
	}
	defer rows.Close()
	var out []model.Category
	for rows.Next() {
		var c model.Category
		var p string
		if err := rows.Scan(&c.ID, &c.Code, &c.ParentCode, &c.Name, &c.NameEn, &c.ReactionHours,
			&c.UrgentReactionHours, &c.ResolutionWorkingDays, &p, &c.RequiresProof, &c.TOTK); err != nil {
			return nil, fmt.Errorf("store: scan category: %w", err)
		}
		c.DefaultPriority = model.Priority(p)
		out = append(out, c)
	}
	return out, rows.Err()
}

// PutExecutor inserts or updates an executor by its code, replacing its territories and categories, in one
// transaction, and returns its id.
func (s *Store) PutExecutor(ctx context.Context, e model.Executor) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.rollupExecutorChanging(ctx, tx, e.Code, e.Connected); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, s.d.rebind(`
			INSERT INTO executors(code, name, short_name, kind, connected, email, phone, address)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(code) DO UPDATE SET name = excluded.name, short_name = excluded.short_name,
				kind = excluded.kind, connected = excluded.connected, email = excluded.email,
				phone = excluded.phone, address = excluded.address
			RETURNING id`), e.Code, e.Name, e.ShortName, e.Kind, e.Connected, e.Email, e.Phone, e.Address).Scan(&id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM executor_territories WHERE executor_id = ?`), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.d.rebind(`DELETE FROM executor_categories WHERE executor_id = ?`), id); err != nil {
			return err
		}
		for _, t := range dedupe(e.Territories) {
			if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO executor_territories(executor_id, oktmo) VALUES (?, ?)`), id, t); err != nil {
				return err
			}
		}
		for _, c := range dedupe(e.Categories) {
			if _, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO executor_categories(executor_id, category_code) VALUES (?, ?)`), id, c); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: put executor %s: %w", e.Code, err)
	}
	return id, nil
}

func dedupe(in []string) []string {
	seen := make(map[string]bool, len(in))
	var out []string
	for _, v := range in {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// Executors lists every executor with its territories and categories (three queries, whatever the count).
func (s *Store) Executors(ctx context.Context) ([]model.Executor, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, code, name, short_name, kind, connected, email, phone, address FROM executors ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("store: list executors: %w", err)
	}
	var out []model.Executor
	idx := map[int64]int{}
	for rows.Next() {
		var e model.Executor
		if err := rows.Scan(&e.ID, &e.Code, &e.Name, &e.ShortName, &e.Kind, &e.Connected, &e.Email, &e.Phone, &e.Address); err != nil {
			rows.Close()
			return nil, fmt.Errorf("store: scan executor: %w", err)
		}
		e.Territories, e.Categories = []string{}, []string{}
		idx[e.ID] = len(out)
		out = append(out, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: list executors: %w", err)
	}
	for _, q := range []struct {
		sql string
		set func(e *model.Executor, v string)
	}{
		{`SELECT executor_id, oktmo FROM executor_territories ORDER BY oktmo`, func(e *model.Executor, v string) { e.Territories = append(e.Territories, v) }},
		{`SELECT executor_id, category_code FROM executor_categories ORDER BY category_code`, func(e *model.Executor, v string) { e.Categories = append(e.Categories, v) }},
	} {
		rows, err := s.db.QueryContext(ctx, q.sql)
		if err != nil {
			return nil, fmt.Errorf("store: list executor links: %w", err)
		}
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				rows.Close()
				return nil, fmt.Errorf("store: scan executor link: %w", err)
			}
			if i, ok := idx[id]; ok {
				q.set(&out[i], v)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Executor returns one executor by id.
func (s *Store) Executor(ctx context.Context, id int64) (model.Executor, error) {
	var e model.Executor
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT id, code, name, short_name, kind, connected, email, phone, address FROM executors WHERE id = ?`), id).
		Scan(&e.ID, &e.Code, &e.Name, &e.ShortName, &e.Kind, &e.Connected, &e.Email, &e.Phone, &e.Address)
	if errors.Is(err, sql.ErrNoRows) {
		return e, notFound("executor", id)
	}
	if err != nil {
		return e, fmt.Errorf("store: get executor %d: %w", id, err)
	}
	return e, nil
}

// Refs is the reference data the workflow and the API resolve codes against, loaded at once.
type Refs struct {
	Regions     []model.Region
	Territories []model.Territory
	Categories  []model.Category
	Executors   []model.Executor
}

// LoadRefs loads all reference data.
func (s *Store) LoadRefs(ctx context.Context) (*Refs, error) {
	var r Refs
	var err error
	if r.Regions, err = s.Regions(ctx); err != nil {
		return nil, err
	}
	if r.Territories, err = s.Territories(ctx); err != nil {
		return nil, err
	}
	if r.Categories, err = s.Categories(ctx); err != nil {
		return nil, err
	}
	if r.Executors, err = s.Executors(ctx); err != nil {
		return nil, err
	}
	sort.Slice(r.Categories, func(i, j int) bool { return r.Categories[i].Code < r.Categories[j].Code })
	return &r, nil
}

// CategoryByCode finds a category.
func (r *Refs) CategoryByCode(code string) (model.Category, bool) {
	for _, c := range r.Categories {
		if c.Code == code {
			return c, true
		}
	}
	return model.Category{}, false
}

// CategoryByID finds a category.
func (r *Refs) CategoryByID(id int64) (model.Category, bool) {
	for _, c := range r.Categories {
		if c.ID == id {
			return c, true
		}
	}
	return model.Category{}, false
}

// TerritoryByOKTMO finds a territory.
func (r *Refs) TerritoryByOKTMO(code string) (model.Territory, bool) {
	for _, t := range r.Territories {
		if t.OKTMO == code {
			return t, true
		}
	}
	return model.Territory{}, false
}

// TerritoryByID finds a territory.
func (r *Refs) TerritoryByID(id int64) (model.Territory, bool) {
	for _, t := range r.Territories {
		if t.ID == id {
			return t, true
		}
	}
	return model.Territory{}, false
}

// ExecutorByCode finds an executor.
func (r *Refs) ExecutorByCode(code string) (model.Executor, bool) {
	for _, e := range r.Executors {
		if e.Code == code {
			return e, true
		}
	}
	return model.Executor{}, false
}

// ExecutorByID finds an executor.
func (r *Refs) ExecutorByID(id int64) (model.Executor, bool) {
	for _, e := range r.Executors {
		if e.ID == id {
			return e, true
		}
	}
	return model.Executor{}, false
}
