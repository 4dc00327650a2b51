// Package storetest opens the databases a test suite runs against: always an in-memory SQLite database, and a
// PostgreSQL database when OTKLIK_TEST_POSTGRES holds a DSN, each test in a schema of its own that is dropped
// afterwards, so runs never see each other's rows.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/otklik/otklik/internal/store"
)

// EnvPostgres names the environment variable holding the PostgreSQL DSN for tests.
const EnvPostgres = "OTKLIK_TEST_POSTGRES"

// Backend is one database a suite runs on.
type Backend struct {
	Name string // "sqlite" or "postgres"
	Open func(t testing.TB) *store.Store
}

// Backends returns SQLite always and PostgreSQL when configured. Under CI (CI=true) a missing PostgreSQL DSN
// fails the test instead of skipping it.
func Backends(t testing.TB) []Backend {
	out := []Backend{{Name: "sqlite", Open: OpenSQLite}}
	if os.Getenv(EnvPostgres) != "" {
		out = append(out, Backend{Name: "postgres", Open: OpenPostgres})
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("CI=true but %s is not set: the PostgreSQL suite must run under CI", EnvPostgres)
	} else {
		t.Logf("PostgreSQL suite skipped: set %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run it", EnvPostgres)
	}
	return out
}

// Each runs fn as a subtest on every backend.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store)) {
	for _, b := range Backends(t) {
		t.Run(b.Name, func(t *testing.T) { fn(t, b.Open(t)) })
	}
}

// OpenSQLite opens a fresh, migrated in-memory SQLite store.
func OpenSQLite(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, "sqlite::memory:")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return st
}

// OpenSQLiteFile opens a fresh, migrated SQLite store in a file under the test's temporary directory.
func OpenSQLiteFile(t testing.TB) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, t.TempDir()+"/otklik.db")
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate sqlite: %v", err)
	}
	return st
}

// OpenPostgres opens a fresh, migrated PostgreSQL store in a new schema (skips when not configured).
func OpenPostgres(t testing.TB) *store.Store {
	t.Helper()
	admin, dsn := postgresAdmin(t)
	defer admin.Close()
	ctx := context.Background()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL running at %s?): %v", dsn, err)
	}
	dropAtCleanup(t, dsn, "DROP SCHEMA "+schema+" CASCADE")
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	st, err := store.Open(ctx, u.String())
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres: %v", err)
	}
	return st
}

// PostgresDatabase is a PostgreSQL database of its own (rather than a schema), for benchmarks that keep what
// they generated as a template to clone later runs from (CREATE DATABASE … TEMPLATE copies the files: seconds,
// where generating a million incidents takes many minutes).
type PostgresDatabase struct {
	Name string
	DSN  string // OTKLIK_TEST_POSTGRES with the database replaced by Name
}

// postgresAdmin opens the database of OTKLIK_TEST_POSTGRES (skips when not configured).
func postgresAdmin(t testing.TB) (*sql.DB, string) {
	t.Helper()
	dsn := os.Getenv(EnvPostgres)
	if dsn == "" {
		t.Skipf("set %s=postgres://postgres@127.0.0.1:5432/test?sslmode=disable to run against PostgreSQL", EnvPostgres)
	}
	admin, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatalf("open postgres: %v", err)
	}
	return admin, dsn
}

// withDatabase returns dsn naming database db instead of its own.
func withDatabase(t testing.TB, dsn, db string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	u.Path = "/" + db
	return u.String()
}

// PostgresTemplateExists reports whether the database name exists on the server of OTKLIK_TEST_POSTGRES.
func PostgresTemplateExists(t testing.TB, name string) bool {
	t.Helper()
	admin, _ := postgresAdmin(t)
	defer admin.Close()
	var n int
	if err := admin.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatalf("look for database %s: %v", name, err)
	}
	return n > 0
}

// NewPostgresDatabase creates an empty database with a random name (a copy of template when it is not empty),
// dropped when the test ends unless it was renamed meanwhile (KeepPostgresDatabase).
func NewPostgresDatabase(t testing.TB, template string) PostgresDatabase {
	t.Helper()
	admin, dsn := postgresAdmin(t)
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "otklik_t_" + hex.EncodeToString(b)
	stmt := "CREATE DATABASE " + name
	if template != "" {
		stmt += " TEMPLATE " + template
	}
	if _, err := admin.ExecContext(context.Background(), stmt); err != nil {
		t.Fatalf("create database %s (is PostgreSQL running at %s?): %v", name, dsn, err)
	}
	dropAtCleanup(t, dsn, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
	return PostgresDatabase{Name: name, DSN: withDatabase(t, dsn, name)}
}

// OpenPostgresDatabase opens and migrates the store of db; it is closed when the test ends.
func OpenPostgresDatabase(t testing.TB, db PostgresDatabase) *store.Store {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, db.DSN)
	if err != nil {
		t.Fatalf("open postgres database %s: %v", db.Name, err)
	}
	t.Cleanup(func() { st.Close() })
	if err := st.Migrate(ctx); err != nil {
		t.Fatalf("migrate postgres database %s: %v", db.Name, err)
	}
	return st
}

// KeepPostgresDatabase renames db (whose stores must all be closed) to name, replacing any database of that
// name, so that it outlives the test as a template.
func KeepPostgresDatabase(t testing.TB, db PostgresDatabase, name string) {
	t.Helper()
	admin, _ := postgresAdmin(t)
	defer admin.Close()
	ctx := context.Background()
	for _, stmt := range []string{"DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "ALTER DATABASE " + db.Name + " RENAME TO " + name} {
		if _, err := admin.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("keep database %s as %s: %v", db.Name, name, err)
		}
	}
}

// dropAtCleanup runs stmt on the server of dsn when the test ends (best effort: a test's leftovers do not fail it).
func dropAtCleanup(t testing.TB, dsn, stmt string) {
	t.Cleanup(func() {
		db, err := sql.Open("pgx", dsn)
		if err != nil {
			return
		}
		defer db.Close()
		_, _ = db.ExecContext(context.Background(), stmt)
	})
}

// CountEvents returns how many events of a type an incident's log holds.
func CountEvents(t testing.TB, st *store.Store, incidentID int64, typ string) int {
	t.Helper()
	evs, err := st.Events(context.Background(), incidentID)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range evs {
		if ev.Type == typ {
			n++
		}
	}
	return n
}
