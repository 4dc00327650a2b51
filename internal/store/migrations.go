package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"time"
)

// migrations is the ordered list of schema changes, one file each in sql/ named NNNN_what.sql. Each runs once,
// in its own transaction, and bumps the schema version; never edit a migration that has shipped, add a file.
// The SQL is written once for both databases with three placeholders the dialect expands: {{id}} (an
// auto-increment primary key), {{bigint}}, {{bool}} and {{without_rowid}} (SQLite keeps such a table in its
// primary key's order, with no separate index to look rows up from).
var migrations = func() []string {
	names, err := fs.Glob(migrationFiles, "sql/*.sql")
	if err != nil {
		panic(err)
	}
	sort.Strings(names)
	out := make([]string, len(names))
	for i, n := range names {
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			panic(err)
		}
		out[i] = string(b)
	}
	return out
}()

//go:embed sql/*.sql
var migrationFiles embed.FS

// SchemaVersion is the version the binary's migrations bring a database to.
var SchemaVersion = len(migrations)

func (s *Store) expand(sql string) string {
	withoutRowID := ""
	if s.d.name == "sqlite" {
		withoutRowID = " WITHOUT ROWID"
	}
	return strings.NewReplacer("{{id}}", s.d.idType, "{{bigint}}", "BIGINT", "{{bool}}", "BOOLEAN", "{{without_rowid}}", withoutRowID).Replace(sql)
}

// Migrate brings the schema to SchemaVersion. It is safe to run at every start and from several processes:
// each step runs in a transaction that records its version, so a step applied elsewhere is skipped.
func (s *Store) Migrate(ctx context.Context) error {
	if _, err := s.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return fmt.Errorf("store: create schema_version: %w", err)
	}
	for i, m := range migrations {
		v := i + 1
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			if s.d.name == "postgres" {
				// Serialise concurrent migrators on PostgreSQL; SQLite transactions are already exclusive.
				if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(4242)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM schema_version WHERE version = ?`), v).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			for _, stmt := range splitStatements(s.expand(m)) {
				if _, err := tx.ExecContext(ctx, stmt); err != nil {
					return fmt.Errorf("%w in %.80q", err, stmt)
				}
			}
			_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO schema_version(version, applied_at) VALUES (?, ?)`), v, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return fmt.Errorf("store: apply migration %d: %w", v, err)
		}
	}
	return nil
}

// Optimize refreshes the query planner's statistics (SQLite: PRAGMA optimize, which analyses what changed;
// PostgreSQL: ANALYZE of the busiest tables, and VACUUM of the dashboard's small, often-updated tables, whose
// dead row versions the dashboard's reads would otherwise step over until autovacuum comes, if it is on). The
// server runs it at start and every hour, since list queries combining filters only pick the right index with
// statistics.
func (s *Store) Optimize(ctx context.Context) error {
	var err error
	if s.d.name == "postgres" {
		if _, err = s.db.ExecContext(ctx, `VACUUM (ANALYZE) dash_rollup, dash_pending`); err == nil {
			_, err = s.db.ExecContext(ctx, `ANALYZE incidents, incident_terms, messages, events, answers`)
		}
	} else {
		_, err = s.db.ExecContext(ctx, `PRAGMA optimize=0x10002`)
	}
	if err != nil {
		return fmt.Errorf("store: optimize: %w", err)
	}
	return nil
}

// Version returns the schema version the database is at.
func (s *Store) Version(ctx context.Context) (int, error) {
	var v sql.NullInt64
	err := s.db.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_version`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: read schema version: %w", err)
	}
	return int(v.Int64), nil
}

func splitStatements(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ";") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
