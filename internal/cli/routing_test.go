package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// routingRefs is the reference data of the routing tests (also the fuzz tests' refs).
func routingRefs() *store.Refs {
	return &store.Refs{
		Territories: []model.Territory{
			{ID: 1, OKTMO: "25701000", Name: "город Иркутск", ShortName: "Иркутск"},
			{ID: 2, OKTMO: "25703000", Name: "Ангарский городской округ", ShortName: "Ангарск"},
		},
		Categories: []model.Category{{ID: 1, Code: "zhkh", Name: "ЖКХ"}, {ID: 2, Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление"}, {ID: 3, Code: "roads", Name: "Дороги"}},
		Executors: []model.Executor{
			{ID: 1, Code: "uk-1", Name: "ООО «УК Северная»", Kind: "uk"},
			{ID: 2, Code: "uk-2", Name: "ООО «Управляющая компания Южная»", ShortName: "УК Южная", Kind: "uk"},
			{ID: 3, Code: "adm-ang", Name: "Администрация Ангарского городского округа", Kind: "omsu", Territories: []string{"25703000"}},
		},
	}
}

func seedRouting(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	refs := routingRefs()
	region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range refs.Territories {
		tr.ID, tr.RegionID = 0, region
		if _, err := st.PutTerritory(ctx, tr); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range refs.Categories {
		c.ID, c.ReactionHours, c.ResolutionWorkingDays, c.DefaultPriority = 0, 24, 5, model.PriorityNormal
		if _, err := st.PutCategory(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range refs.Executors {
		e.ID = 0
		if _, err := st.PutExecutor(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func readStore(t *testing.T, db string) ([]store.RoutingRule, []store.Building) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rules, err := st.RoutingRules(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := st.Buildings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return rules, bs
}

func TestRoutingImportRules(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	seedRouting(t, db)
	good := writeFile(t, dir, "rules.csv", "\ufeffposition;category;territory;kind;executor;note\n"+
		"10;zhkh;25701000;uk;uk-1;жилой фонд Иркутска\n"+
		"20;zhkh;;omsu;adm-ang;\n"+
		";roads;25703000;;adm-ang;\"дороги; местные\"\n")
	code, out, errOut := runCLI(t, db, "routing", "import-rules", good)
	if code != 0 || !strings.Contains(out, "3 rules imported (the table had 0)") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	rules, _ := readStore(t, db)
	if len(rules) != 3 || rules[0].Executor != "uk-1" || rules[2].Position != 30 || rules[2].Note != "дороги; местные" || rules[1].Territory != "" {
		t.Fatalf("stored: %+v", rules)
	}

	// Every bad line is named; nothing changes.
	bad := writeFile(t, dir, "bad.csv", "executor,category,position\n"+
		"uk-1,zhkh,1\n"+
		"uk-9,zhkh,2\n"+
		"uk-2,zhkh.gas,3\n"+
		"\n"+
		"adm-ang,roads,first\n"+
		",roads,5\n")
	code, out, errOut = runCLI(t, db, "routing", "import-rules", bad)
	if code != 1 || out != "" {
		t.Fatalf("bad file: %d %q %q", code, out, errOut)
	}
	for _, want := range []string{"line 3: executor", "line 4: category", "line 6: position", "line 7: executor: required", "4 bad lines; the rule table is unchanged"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if strings.Contains(errOut, "line 2:") {
		t.Errorf("a good line reported:\n%s", errOut)
	}
	if rules, _ := readStore(t, db); len(rules) != 3 {
		t.Fatalf("a bad file changed the table: %+v", rules)
	}
	for _, c := range []struct{ name, text, want string }{
		{"kind.csv", "executor,kind\nadm-ang,uk\n", "line 2: kind: executor \"adm-ang\" is of kind \"omsu\""},
		{"columns.csv", "executor,rubric\nuk-1,zhkh\n", "unknown column \"rubric\""},
		{"noexec.csv", "category\nzhkh\n", "no executor column"},
		{"empty.csv", "", "empty"},
	} {
		code, _, errOut := runCLI(t, db, "routing", "import-rules", writeFile(t, dir, c.name, c.text))
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: %d %q, want %q", c.name, code, errOut, c.want)
		}
	}
	if code, _, errOut := runCLI(t, db, "routing", "import-rules"); code == 0 || !strings.Contains(errOut, "FILE required") {
		t.Errorf("no file: %d %q", code, errOut)
	}
	if code, _, errOut := runCLI(t, db, "routing", "import-rules", filepath.Join(dir, "missing.csv")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: %d %q", code, errOut)
	}

	// A smaller table replaces the whole of it; flags may follow the file.
	one := writeFile(t, dir, "one.csv", "executor\nuk-2\n")
	if code, out, errOut := runCLI(t, db, "routing", "import-rules", one, "--db", db); code != 0 || !strings.Contains(out, "1 rules imported (the table had 3)") {
		t.Fatalf("replace: %d %q %q", code, out, errOut)
	}
	code, out, _ = runCLI(t, db, "routing", "list")
	if code != 0 || !strings.Contains(out, "uk-2") || strings.Contains(out, "adm-ang") || !strings.Contains(out, "1 rules; 0 houses") {
		t.Fatalf("list: %d %q", code, out)
	}
}

// A registry in the shape of a ГИС ЖКХ export, written for this test: semicolons, a quoted name with a
// semicolon, addresses with the region and city in front.
const registryCSV = `Адрес ОЖФ;Код ОКТМО;ОГРН организации;Наименование организации
"Иркутская обл., г. Иркутск, ул. Ленина, д. 5";25701000;1023801234567;ООО «УК Северная»
"Иркутская обл., г. Иркутск, ул. Байкальская, д. 12, корп. 2";25701000001;1033809876543;"ООО «Управляющая компания; Южная»"
"Иркутская обл., г. Иркутск, ул. Ленина";25701000;1023801234567;ООО «УК Северная»
"Иркутская обл., г. Ангарск, микрорайон 7, д. 12";Ангарск;1111111111111;ООО «Неизвестная»
"Иркутская обл., г. Ангарск, ул. Мира, д. 3";99999999;1023801234567;ООО «УК Северная»
"Иркутская обл., г. Ангарск, ул. Мира, д. 5";Ангарский городской округ;1023801234567;ООО «УК Северная»
`

const executorMapCSV = "ОГРН;executor\n1023801234567;uk-1\n1033809876543;uk-2\n"

func TestRoutingImportBuildings(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	seedRouting(t, db)
	file := writeFile(t, dir, "houses.csv", registryCSV)
	mapFile := writeFile(t, dir, "map.csv", executorMapCSV)
	args := []string{"routing", "import-buildings", file, "--address-col", "Адрес ОЖФ", "--executor-col", "ОГРН организации",
		"--territory-col", "Код ОКТМО", "--executor-map", mapFile, "--batch", "2"}
	code, out, errOut := runCLI(t, db, args...)
	if code != 0 || !strings.Contains(out, "6 rows: 3 houses stored, 3 bad rows skipped") {
		t.Fatalf("import: %d %q %q", code, out, errOut)
	}
	for _, want := range []string{"line 4: Адрес ОЖФ: no street and house number", "line 5: ОГРН организации: no executor for \"1111111111111\"", "line 6: Код ОКТМО: unknown territory \"99999999\""} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	if n := strings.Count(errOut, "skipped"); n != 3 {
		t.Errorf("%d lines reported:\n%s", n, errOut)
	}
	_, bs := readStore(t, db)
	if len(bs) != 3 {
		t.Fatalf("stored %+v", bs)
	}
	// The router finds each house's company however a resident writes the address.
	tb := routing.Table{}
	for _, b := range bs {
		tb.Buildings = append(tb.Buildings, routing.Building{Address: b.Address, Territory: b.Territory, Executor: b.Executor})
	}
	r := routing.New(tb)
	for _, c := range []struct{ ter, addr, want string }{
		{"25701000", "Ленина 5", "uk-1"},
		{"25701000", "ул. Байкальская, дом 12 корпус 2", "uk-2"},
		{"25703000", "улица Мира, 5", "uk-1"},
	} {
		if b, ok := r.Building(c.ter, c.addr); !ok || b.Executor != c.want {
			t.Errorf("%s, %s: %+v %v, want %s", c.ter, c.addr, b, ok, c.want)
		}
	}

	// The same registry again, by name, comma-separated and in Windows-1251: updates, no new rows; the names
	// Otklik knows need no map.
	byName := strings.NewReplacer(";", ",", "ООО «Управляющая компания, Южная»", "УК Южная").Replace(registryCSV)
	enc, err := charmap.Windows1251.NewEncoder().String(byName)
	if err != nil {
		t.Fatal(err)
	}
	cp := writeFile(t, dir, "houses-1251.csv", enc)
	code, out, errOut = runCLI(t, db, "routing", "import-buildings", "--address-col", "адрес ожф", "--executor-col", "Наименование организации",
		"--territory-col", "Код ОКТМО", cp)
	if code != 0 || !strings.Contains(out, "3 houses stored, 3 bad rows skipped") || !strings.Contains(errOut, "no executor for \"ООО «Неизвестная»\"") {
		t.Fatalf("Windows-1251 by name: %d %q %q", code, out, errOut)
	}
	if _, bs := readStore(t, db); len(bs) != 3 {
		t.Fatalf("re-import added rows: %+v", bs)
	}
	code, out, _ = runCLI(t, db, "routing", "list")
	if code != 0 || !strings.Contains(out, "3 houses") || !strings.Contains(out, "uk-1: 2") || !strings.Contains(out, "uk-2: 1") {
		t.Fatalf("list: %q", out)
	}

	// Flags checked before anything is read.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{file, "--executor-col", "x"}, "--address-col: required"},
		{[]string{file, "--address-col", "x"}, "--executor-col: required"},
		{[]string{file, "--address-col", "Адрес", "--executor-col", "ОГРН организации"}, "--address-col: no column \"Адрес\""},
		{[]string{file, "--address-col", "Адрес ОЖФ", "--executor-col", "ИНН"}, "--executor-col: no column \"ИНН\""},
		{[]string{file, "--address-col", "Адрес ОЖФ", "--executor-col", "ОГРН организации", "--territory-col", "ОКТМО"}, "--territory-col: no column \"ОКТМО\""},
		{[]string{file, "--address-col", "Адрес ОЖФ", "--executor-col", "ОГРН организации", "--territory", "1"}, "--territory: no territory"},
		{[]string{file, "--address-col", "Адрес ОЖФ", "--executor-col", "ОГРН организации", "--executor-map", writeFile(t, dir, "badmap.csv", "ogrn,code\n1,uk-9\n")}, "line 2: unknown executor \"uk-9\""},
		{[]string{file, file, "--address-col", "a", "--executor-col", "b"}, "unexpected argument"},
		{[]string{file, "--address-col", "a", "--executor-col", "b", "--batch", "0"}, "--batch"},
	} {
		code, _, errOut := runCLI(t, db, append([]string{"routing", "import-buildings"}, c.args...)...)
		if code == 0 || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: %d %q, want %q", c.args, code, errOut, c.want)
		}
	}
	if _, bs := readStore(t, db); len(bs) != 3 {
		t.Fatalf("refused imports changed the registry: %+v", bs)
	}
}
