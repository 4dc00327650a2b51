package qualitycli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func runGrade(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := GradeCommand(context.Background(), args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), err
}

func jsonRows(t *testing.T, s string) []map[string]any {
	t.Helper()
	var rows []map[string]any
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("bad JSON line %q: %v", sc.Text(), err)
		}
		rows = append(rows, m)
	}
	return rows
}

const answersCSV = "id,answer_at,answer_text\r\n" +
	"1,2026-03-01T10:00:00,\"Лампу на 3 этаже дома 5 по ул. Мира заменили 1 марта.\nРаботы выполнило ООО «Уют», тел. 20-14-14.\"\r\n" +
	"2,2026-03-05T09:00:00,\"Ваше обращение направлено в управляющую организацию для рассмотрения.\"\r\n" +
	"3,not a time,\"Яму во дворе заделали 2 марта, асфальт уложен.\"\r\n"

const messagesCSV = "id,created_at,text,status\n" +
	"1,2026-03-01T08:00:00,\"Не горит свет на 3 этаже, \"\"темно\"\"\",Завершено\n" +
	"2,2026-03-01T08:00:00,Не горит свет в подъезде,Промежуточный ответ\n" +
	"3,2026-03-01T08:00:00,Яма во дворе,Завершено\n"

func TestGradeJSONJoined(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "answers.csv", answersCSV)
	m := writeFile(t, dir, "messages.csv", messagesCSV)
	out, _, err := runGrade(t, "--data", a, "--answer-col", "answer_text", "--questions", m, "--key", "id",
		"--question-col", "text", "--created-col", "created_at", "--answered-col", "answer_at", "--kind-col", "status", "--json")
	if err != nil {
		t.Fatal(err)
	}
	rows := jsonRows(t, out)
	if len(rows) != 3 {
		t.Fatalf("got %d rows, want 3:\n%s", len(rows), out)
	}
	for _, r := range rows {
		for _, k := range []string{"id", "plain", "informative", "formal"} {
			if _, ok := r[k]; !ok {
				t.Errorf("row %v lacks %q", r, k)
			}
		}
	}
	if rows[0]["id"] != "1" || rows[0]["formal"] != false || rows[0]["prompt"] != float64(100) {
		t.Errorf("row 1: %v", rows[0])
	}
	if rows[1]["formal"] != true || rows[1]["kind"] != "interim" {
		t.Errorf("row 2 should be a formal interim answer: %v", rows[1])
	}
	if p, ok := rows[1]["prompt"].(float64); !ok || p != 0 {
		t.Errorf("row 2: 97 h for a 24 h deadline should give prompt 0: %v", rows[1])
	}
	if _, ok := rows[2]["prompt"]; ok {
		t.Errorf("row 3 has an unreadable time, prompt must be absent: %v", rows[2])
	}
}

func TestGradeSeveralFilesAndSummary(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.csv", answersCSV)
	b := writeFile(t, dir, "b.csv", "id,answer_at,answer_text\n9,2026-03-01T10:00:00,Спасибо за обращение!\n")
	out, errOut, err := runGrade(t, "--data", a+","+b, "--answer-col", "answer_text")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"answers graded: 4", "formal replies (отписки): 2 (50.0%)", "plain", "informative", "histogram", "formal.forward_only"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\n       prompt") {
		t.Errorf("no times given, the summary must not show prompt:\n%s", out)
	}
	if !strings.Contains(errOut, "graded 4 answers") {
		t.Errorf("stderr: %q", errOut)
	}
	// the same with --data repeated
	out2, _, err := runGrade(t, "--data", a, "--data", b, "--answer-col", "answer_text")
	if err != nil || out2 != out {
		t.Errorf("repeated --data differs: %v\n%s", err, out2)
	}
}

func TestGradeStdinAndReasons(t *testing.T) {
	var out, errb bytes.Buffer
	in := "answer\n\"Вопрос не входит в компетенцию администрации района.\"\n"
	err := GradeCommand(context.Background(), []string{"--data", "-", "--answer-col", "answer", "--json", "--reasons"}, strings.NewReader(in), &out, &errb)
	if err != nil {
		t.Fatal(err)
	}
	rows := jsonRows(t, out.String())
	if len(rows) != 1 || rows[0]["formal"] != true {
		t.Fatalf("rows: %v", rows)
	}
	texts, _ := rows[0]["reason_texts"].(map[string]any)
	if s, _ := texts["formal.not_competent"].(string); !strings.Contains(s, "компетенц") {
		t.Errorf("reason texts: %v", texts)
	}
	if _, ok := rows[0]["id"]; ok {
		t.Errorf("no id column, no id key: %v", rows[0])
	}
}

func TestGradeErrors(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "answers.csv", answersCSV)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"--answer-col", "x"}, "required"},
		{[]string{"--data", a}, "required"},
		{[]string{"--data", a, "--answer-col", "nope"}, "no answer column"},
		{[]string{"--data", a, "--answer-col", "answer_text", "--question-col", "text"}, "no column \"text\""},
		{[]string{"--data", a, "--answer-col", "answer_text", "--questions", a}, "go together"},
		{[]string{"--data", a, "--answer-col", "answer_text", "--created-col", "x"}, "go together"},
		{[]string{"--data", filepath.Join(dir, "missing.csv"), "--answer-col", "a"}, "no such file"},
		{[]string{"--data", a, "--answer-col", "answer_text", "extra"}, "unexpected"},
	}
	for _, c := range cases {
		_, _, err := runGrade(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: error %v, want %q", c.args, err, c.want)
		}
	}
	if _, _, err := runGrade(t, "--help"); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v, want flag.ErrHelp", err)
	}
}

func TestParseTime(t *testing.T) {
	want := time.Date(2020, 10, 18, 14, 50, 40, 0, time.UTC)
	for _, s := range []string{"2020-10-18T14:50:40", "2020-10-18 14:50:40", " 2020-10-18T14:50:40Z ", "18.10.2020 14:50:40", "2020-10-18T17:50:40+03:00"} {
		got, err := ParseTime(s)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v", s, got, err)
		}
	}
	for _, s := range []string{"", "yesterday", "2020-13-40T99:00:00"} {
		if _, err := ParseTime(s); err == nil {
			t.Errorf("%q: want an error", s)
		}
	}
}

func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2020-10-18T14:50:40", "18.10.2020 14:50", "2020-10-18", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tm, err := ParseTime(s)
		if err == nil && tm.IsZero() && strings.TrimSpace(s) != "0001-01-01" {
			// a zero time would mean "unknown" downstream; only the literal zero date may produce it
			if !strings.HasPrefix(strings.TrimSpace(s), "0001-01-01") && !strings.HasPrefix(strings.TrimSpace(s), "01.01.0001") {
				t.Fatalf("%q parsed to the zero time", s)
			}
		}
	})
}

// FuzzGradeCSV feeds arbitrary CSV to the command: it must never panic, and it either fails with an error or
// writes one JSON line per record.
func FuzzGradeCSV(f *testing.F) {
	f.Add("answer,created,answered\n\"Лампу заменили\",2026-01-01T00:00:00,2026-01-01T05:00:00\n")
	f.Add("answer\n\"a\nb\"\n\"\"\"\"\n")
	f.Add("answer\n")
	f.Add("")
	f.Fuzz(func(t *testing.T, body string) {
		var out bytes.Buffer
		err := GradeCommand(context.Background(), []string{"--data", "-", "--answer-col", "answer", "--created-col", "created", "--answered-col", "answered", "--json"},
			strings.NewReader(body), &out, io.Discard)
		if err != nil {
			return
		}
		for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
			if line == "" {
				continue
			}
			if !json.Valid([]byte(line)) {
				t.Fatalf("invalid JSON line %q", line)
			}
		}
	})
}
