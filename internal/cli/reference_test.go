package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/demo/seed"
)

// TestReference: the demo region's reference data, exported, loads a fresh database to the same document;
// a document with a bad field is refused by the field's name and writes nothing; --dry-run only checks.
func TestReference(t *testing.T) {
	dir := t.TempDir()
	demo, fresh := filepath.Join(dir, "demo.db"), filepath.Join(dir, "fresh.db")
	st, err := openStore(context.Background(), demo)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Seed(context.Background(), st, seed.Options{Now: time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC), ReferenceOnly: true}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	file := filepath.Join(dir, "region.json")
	if code, _, errOut := runCLI(t, demo, "reference", "export", "--out", file); code != 0 || !strings.Contains(errOut, "executors") {
		t.Fatalf("export: %d %s", code, errOut)
	}
	exported, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}

	bad := func(name, edit string) string {
		p := filepath.Join(dir, name+".json")
		if err := os.WriteFile(p, []byte(edit), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for _, c := range []struct {
		file, want string
	}{
		{bad("syntax", "{\n\"region\": {\n\"code\": \"38\",\n}}"), "line 4"},
		{bad("type", "{\n\"region\": {\n\"code\": 38}}"), "line 3: region.code: wrong JSON type number"},
		{bad("unknown", `{"regoin": {}}`), "unknown field"},
		{bad("no-region", `{"territories": [{"oktmo": "25701000", "name": "Иркутск", "kind": "urban_okrug"}]}`), "region: required"},
		{bad("tz", `{"region": {"code": "38", "name": "Иркутская область", "time_zone": "Asia/Nowhere"}}`), "region.time_zone"},
		{bad("oktmo", `{"region": {"code": "38", "name": "Иркутская область", "time_zone": "Asia/Irkutsk"},
			"territories": [{"oktmo": "2570", "name": "Иркутск", "kind": "urban_okrug"}]}`), "territories[0].oktmo"},
		{bad("parent", `{"region": {"code": "38", "name": "Иркутская область", "time_zone": "Asia/Irkutsk"},
			"categories": [{"code": "roads.potholes", "parent": "roads", "name": "Ямы"}]}`), `categories[0].parent: no topic "roads"`},
		{bad("executor", `{"region": {"code": "38", "name": "Иркутская область", "time_zone": "Asia/Irkutsk"},
			"executors": [{"code": "uk-1", "name": "УК", "kind": "uk", "territories": ["25701000"]}]}`), `executors[0].territories[0]: no territory "25701000"`},
		{bad("kind", `{"region": {"code": "38", "name": "Иркутская область", "time_zone": "Asia/Irkutsk"},
			"executors": [{"code": "uk-1", "name": "УК", "kind": "bank"}]}`), "executors[0].kind"},
	} {
		code, _, errOut := runCLI(t, fresh, "reference", "import", c.file)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, %q (want %q)", filepath.Base(c.file), code, errOut, c.want)
		}
	}
	if code, out, errOut := runCLI(t, fresh, "reference", "import", "--dry-run", file); code != 0 || !strings.Contains(out, "is valid") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	if code, out, _ := runCLI(t, fresh, "reference", "export"); code != 0 || strings.Contains(out, `"executors"`) || strings.Contains(out, `"region"`) {
		t.Fatalf("a refused or dry-run import wrote: %s", out)
	}

	if code, out, errOut := runCLI(t, fresh, "reference", "import", file); code != 0 || !strings.Contains(out, "imported") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	code, again, _ := runCLI(t, fresh, "reference", "export")
	if code != 0 || again != string(exported) {
		t.Fatalf("the fresh database exports another document (%d bytes against %d)", len(again), len(exported))
	}
	// Importing again changes nothing.
	if code, _, errOut := runCLI(t, fresh, "reference", "import", file); code != 0 {
		t.Fatalf("import again: %s", errOut)
	}
	if _, again2, _ := runCLI(t, fresh, "reference", "export"); again2 != string(exported) {
		t.Fatal("a second import changed the data")
	}
}
