package store

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"testing"
)

// TestMigrationFiles checks that migration files are numbered 0001, 0002, … without gaps or repeats, so that
// two branches adding the same number are caught before they ship.
func TestMigrationFiles(t *testing.T) {
	names, err := fs.Glob(migrationFiles, "sql/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(names)
	if len(names) == 0 || len(names) != SchemaVersion {
		t.Fatalf("%d files, schema version %d", len(names), SchemaVersion)
	}
	for i, n := range names {
		want := fmt.Sprintf("sql/%04d_", i+1)
		if !strings.HasPrefix(n, want) {
			t.Errorf("migration %d is %s, want a name starting %s", i+1, n, want)
		}
	}
}
