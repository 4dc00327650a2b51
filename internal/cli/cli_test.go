package cli

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// runCLI runs the command line against a database file and returns the exit code, stdout and stderr.
func runCLI(t *testing.T, db string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"OTKLIK_DB": db}
	code := Run(context.Background(), args, IO{In: strings.NewReader(""), Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] }})
	return code, out.String(), errb.String()
}

func seedRegion(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTerritory(ctx, model.Territory{RegionID: region, OKTMO: "25701000", Name: "город Иркутск", Kind: "urban_okrug"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutCategory(ctx, model.Category{Code: "waste.collection", ParentCode: "waste", Name: "Вывоз мусора", ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 5, DefaultPriority: model.PriorityNormal}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutExecutor(ctx, model.Executor{Code: "uk-1", Name: "УК 1", Kind: "uk"}); err != nil {
		t.Fatal(err)
	}
}

func TestHelp(t *testing.T) {
	db := filepath.Join(t.TempDir(), "o.db")
	code, out, _ := runCLI(t, db, "help")
	for _, want := range []string{"serve", "migrate", "import", "user", "token", "version"} {
		if !strings.Contains(out, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	if code != 0 {
		t.Errorf("help exit %d", code)
	}
	for _, args := range [][]string{{"serve", "--help"}, {"import", "messages", "--help"}, {"user", "add", "-h"}, {"token", "create", "--help"}, {"migrate", "--help"}} {
		code, _, errOut := runCLI(t, db, args...)
		if code != 0 || !strings.Contains(errOut, "Usage: otklik") || !strings.Contains(errOut, "-db") {
			t.Errorf("%v: exit %d, usage %q", args, code, errOut)
		}
	}
	if code, _, errOut := runCLI(t, db, "frobnicate"); code != 1 || !strings.Contains(errOut, "unknown command") {
		t.Errorf("unknown command: exit %d, %q", code, errOut)
	}
	if code, out, _ := runCLI(t, db, "version"); code != 0 || !strings.HasPrefix(out, "otklik ") {
		t.Errorf("version: %d %q", code, out)
	}
}

func TestUsersAndTokens(t *testing.T) {
	db := filepath.Join(t.TempDir(), "o.db")
	seedRegion(t, db)
	steps := []struct {
		args    []string
		code    int
		wantOut string
		wantErr string
	}{
		{[]string{"user", "add", "--login", "op", "--role", "operator", "--password", "long enough"}, 0, "user op added", ""},
		{[]string{"user", "add", "--login", "op", "--role", "operator"}, 1, "", "login: \"op\" is taken"},
		{[]string{"user", "add", "--login", "x", "--role", "wizard"}, 1, "", "--role: unknown role"},
		{[]string{"user", "add", "--login", "x", "--role", "executor"}, 1, "", "--executor: required"},
		{[]string{"user", "add", "--login", "x", "--role", "executor", "--executor", "nope"}, 1, "", "no executor with code"},
		{[]string{"user", "add", "--login", "uk", "--role", "executor", "--executor", "uk-1"}, 0, "user uk added", ""},
		{[]string{"user", "add", "--login", "cur", "--role", "supervisor", "--territory", "25701000"}, 0, "user cur added", ""},
		{[]string{"user", "add", "--login", "y", "--role", "operator", "--password", "short"}, 1, "", "--password"},
		{[]string{"user", "set-password", "--login", "op", "--password", "another long one"}, 0, "password of op changed", ""},
		{[]string{"user", "set-password", "--login", "ghost", "--password", "another long one"}, 1, "", "not found"},
		{[]string{"user", "set-role", "--login", "op", "--role", "moderator"}, 0, "op is now moderator", ""},
		{[]string{"user", "list"}, 0, "uk-1", ""},
		{[]string{"token", "create"}, 1, "", "--user: required"},
		{[]string{"token", "create", "--user", "ghost"}, 1, "", "not found"},
	}
	for _, s := range steps {
		code, out, errOut := runCLI(t, db, s.args...)
		if code != s.code || !strings.Contains(out, s.wantOut) || !strings.Contains(errOut, s.wantErr) {
			t.Errorf("%v: exit %d, out %q, err %q", s.args, code, out, errOut)
		}
	}
	code, out, _ := runCLI(t, db, "token", "create", "--user", "uk")
	tok := strings.TrimSpace(out)
	if code != 0 || strings.Count(out, "\n") != 1 || !strings.HasPrefix(tok, auth.TokenPrefix) {
		t.Fatalf("token create printed %q", out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, err := st.UserByToken(context.Background(), auth.HashToken(tok))
	if err != nil || u.Login != "uk" || u.ExecutorID == 0 {
		t.Fatalf("token resolves to %+v, %v", u, err)
	}
	// Listed (never the token itself) and revoked by id.
	code, out, _ = runCLI(t, db, "token", "list")
	if code != 0 || !strings.Contains(out, "ID") || !strings.Contains(out, "uk") || !strings.Contains(out, "executor") || strings.Contains(out, tok) {
		t.Fatalf("token list: %d %q", code, out)
	}
	list, err := st.Tokens(context.Background())
	if err != nil || len(list) != 1 {
		t.Fatalf("tokens %+v, %v", list, err)
	}
	for _, s := range []struct {
		args    []string
		code    int
		wantErr string
	}{
		{[]string{"token", "revoke"}, 1, "--id: required"},
		{[]string{"token", "revoke", "--id", "999"}, 1, "not found"},
		{[]string{"token", "revoke", "--id", fmt.Sprint(list[0].ID)}, 0, ""},
	} {
		code, _, errOut := runCLI(t, db, s.args...)
		if code != s.code || !strings.Contains(errOut, s.wantErr) {
			t.Errorf("%v: exit %d, err %q", s.args, code, errOut)
		}
	}
	if _, err := st.UserByToken(context.Background(), auth.HashToken(tok)); !errors.Is(err, model.ErrNotFound) {
		t.Fatalf("a revoked token still resolves: %v", err)
	}
}

func TestImportMessages(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	seedRegion(t, db)
	lines := []string{
		`{"source":"vk","external_id":"1","text":"Третий день не вывозят мусор во дворе","territory":"25701000","category":"waste.collection"}`,
		`{"source":"vk","external_id":"2","text":"Контейнеры переполнены","posted_at":"2026-11-20T09:15:00+08:00"}`,
		`{"source":"vk","external_id":"3","text":`, // malformed
		``,
		`{"source":"vk","external_id":"4","text":"Нет света","category":"energy.nope"}`, // unknown category
		`{"source":"vk","external_id":"5","text":""}`,                                   // missing text
		`{"source":"vk","external_id":"6","text":"x","colour":"red"}`,                   // unknown field
		`{"source":"vk","external_id":"1","text":"Повтор внутри файла"}`,                // repeat inside the file
		`{"source":"telegram","external_id":"1","text":"Яма на въезде во двор"}`,
		`{"source":"vk","external_id":"7","text":"Долгожданная уборка","territory":"99999999"}`, // unknown territory
	}
	file := filepath.Join(dir, "m.jsonl")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, db, "import", "messages", "--quiet", file)
	if code != 0 {
		t.Fatalf("import: exit %d, %s", code, errOut)
	}
	if !strings.Contains(out, "9 lines: 3 new, 1 already present, 5 bad") {
		t.Errorf("report %q", out)
	}
	for _, want := range []string{"line 3: invalid JSON", "line 5: category: unknown category", "line 6: text: required",
		"line 7: invalid JSON: json: unknown field \"colour\"", "line 8: repeats external_id \"1\" of line 1", "line 10: territory: unknown OKTMO"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut)
		}
	}
	// A second import of the same file adds nothing.
	code, out, _ = runCLI(t, db, "import", "messages", "--quiet", file)
	if code != 0 || !strings.Contains(out, "0 new, 4 already present") {
		t.Errorf("second import: exit %d, %q", code, out)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, _ := st.CountRows(context.Background(), "incidents")
	m, _ := st.CountRows(context.Background(), "messages")
	if n != 3 || m != 3 {
		t.Errorf("%d incidents and %d messages, want 3 and 3", n, m)
	}
	inc, err := st.ListIncidents(context.Background(), store.IncidentFilter{Query: "мусор"})
	if err != nil || len(inc.Items) != 1 || inc.Items[0].CategoryCode != "waste.collection" || inc.Items[0].TerritoryOKTMO != "25701000" {
		t.Errorf("imported incident: %+v, %v", inc.Items, err)
	}
	if code, _, errOut := runCLI(t, db, "import", "messages", filepath.Join(dir, "missing.jsonl")); code != 1 || !strings.Contains(errOut, "no such file") {
		t.Errorf("missing file: %d %q", code, errOut)
	}
}

func TestImportLongLine(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "o.db")
	seedRegion(t, db)
	long := fmt.Sprintf(`{"source":"s","external_id":"big","text":"%s"}`, strings.Repeat("а", maxImportLine))
	file := filepath.Join(dir, "m.jsonl")
	content := long + "\n" + `{"source":"s","external_id":"ok","text":"Нормальное сообщение"}` + "\n"
	if err := os.WriteFile(file, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut := runCLI(t, db, "import", "messages", "--quiet", file)
	if code != 0 || !strings.Contains(out, "2 lines: 1 new, 0 already present, 1 bad") || !strings.Contains(errOut, "line 1: longer than") {
		t.Fatalf("exit %d, out %q, err %q", code, out, errOut)
	}
}

func FuzzParseImportLine(f *testing.F) {
	f.Add([]byte(`{"source":"vk","external_id":"1","text":"Нет воды"}`))
	f.Add([]byte(`{"source":"vk","external_id":"1","text":"x","posted_at":"2026-01-01T00:00:00Z","raw":{"a":[1,2]}}`))
	f.Add([]byte(`{"source":1}`))
	refs := &store.Refs{}
	f.Fuzz(func(t *testing.T, line []byte) {
		m, err := ParseImportLine(line, refs)
		if err == nil && (m.Source == "" || m.ExternalID == "" || strings.TrimSpace(m.Text) == "") {
			t.Fatalf("accepted a message without required fields: %+v", m)
		}
	})
}

func TestOutboxFlagsValidate(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"", true},
		{"https://otklik.example.ru", true},
		{"http://127.0.0.1:8080/", true},
		{"https://gov.example.ru/otklik", true},
		{"otklik.example.ru", false},
		{"ftp://otklik.example.ru", false},
		{"https://", false},
		{"https://otklik.example.ru/?x=1", false},
		{"https://otklik.example.ru/#top", false},
		{"://bad", false},
	} {
		f := outboxFlags{publicURL: c.url, workers: 4}
		err := f.validate()
		if (err == nil) != c.ok {
			t.Errorf("--public-url %q: %v, want ok %v", c.url, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "--public-url") {
			t.Errorf("--public-url %q: the error does not name the flag: %v", c.url, err)
		}
	}
}

func TestRateLink(t *testing.T) {
	if RateLink("") != nil {
		t.Error("a rate link without a public address")
	}
	for _, base := range []string{"https://otklik.example.ru", "https://otklik.example.ru/"} {
		if got := RateLink(base)("Rt7-aQ_9kLm2Xp4Z"); got != "https://otklik.example.ru/rate/Rt7-aQ_9kLm2Xp4Z" {
			t.Errorf("RateLink(%q) = %q", base, got)
		}
	}
}
