package analyze

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/appeal"
	"github.com/otklik/otklik/internal/nlp/geo"
)

func newAnalyzer(tb testing.TB, fallback string) *Analyzer {
	tb.Helper()
	d, err := appeal.Default()
	if err != nil {
		tb.Fatal(err)
	}
	a, err := New(Config{Detector: d, Gazetteer: geo.IrkutskGazetteer(), Urgency: Urgency, FallbackTerritory: fallback})
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

func TestAnalyze(t *testing.T) {
	a := newAnalyzer(t, "")
	got := a.Analyze("В Ангарске на улице Ленина 5 третий день нет отопления, дети мерзнут, помогите")
	if got.Kind != appeal.KindAppeal {
		t.Errorf("kind = %s, want appeal", got.Kind)
	}
	if !strings.Contains(got.Territory, "Ангарск") || got.TerritoryID == "" || got.TerritoryP <= 0 {
		t.Errorf("territory = %q %q %v, want Angarsk", got.Territory, got.TerritoryID, got.TerritoryP)
	}
	if got.Priority != "urgent" || len(got.PriorityReasons) == 0 {
		t.Errorf("priority = %q %q, want urgent with reasons", got.Priority, got.PriorityReasons)
	}
	if !strings.Contains(got.Address, "Ленина 5") {
		t.Errorf("address = %q, want it to contain «Ленина 5»", got.Address)
	}

	got = a.Analyze("Всем доброго утра!")
	if got.Kind != appeal.KindOther || got.Territory != "" || got.Address != "" {
		t.Errorf("greeting: %+v", got)
	}
}

func TestNewChecksConfig(t *testing.T) {
	d, err := appeal.Default()
	if err != nil {
		t.Fatal(err)
	}
	g := geo.IrkutskGazetteer()
	for name, cfg := range map[string]Config{
		"no detector":   {Gazetteer: g},
		"no gazetteer":  {Detector: d},
		"unknown oktmo": {Detector: d, Gazetteer: g, FallbackTerritory: "00000000"},
	} {
		if _, err := New(cfg); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

// trainedTopics is a real topic model trained in the test.
func trainedTopics(t *testing.T) *nlp.Model {
	t.Helper()
	var ex []nlp.Example
	for _, s := range []string{"нет отопления в квартире", "батареи холодные", "отопление не дали"} {
		ex = append(ex, nlp.Example{Text: s, Label: "ЖКХ / отопление"})
	}
	for _, s := range []string{"яма на дороге", "разбитый асфальт", "дорогу не ремонтируют"} {
		ex = append(ex, nlp.Example{Text: s, Label: "Дороги"})
	}
	m, err := nlp.Train(context.Background(), ex, nlp.TrainOptions{Features: nlp.FeatureConfig{Bits: 12, WordNgrams: 1}, Epochs: 20, CalibrationFraction: -1, Threads: 1})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestAnalyzeTopicsAndUrgency(t *testing.T) {
	d, err := appeal.Default()
	if err != nil {
		t.Fatal(err)
	}
	called := 0
	a, err := New(Config{
		Detector:  d,
		Gazetteer: geo.IrkutskGazetteer(),
		Topics:    trainedTopics(t),
		Urgency: func(text string) (string, []string) {
			called++
			if strings.Contains(text, "отоплен") {
				return "urgent", []string{"нет отопления"}
			}
			return "normal", nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	got := a.Analyze("Третий день нет отопления, батареи холодные")
	if got.Topic != "ЖКХ / отопление" || got.TopicP <= 0.5 || len(got.Topics) != 2 {
		t.Errorf("topics: %+v", got)
	}
	if got.Priority != "urgent" || len(got.PriorityReasons) != 1 || called != 1 {
		t.Errorf("priority: %+v", got)
	}
	if got = a.Analyze("Когда починят дорогу?"); got.PriorityReasons == nil {
		t.Errorf("nil reasons must become an empty list: %+v", got)
	}
}

func TestAnalyzeFallbackTerritory(t *testing.T) {
	g := geo.IrkutskGazetteer()
	probe := g.Find("В Братске нет воды", "")
	if probe.TerritoryID == "" {
		t.Fatal("gazetteer found no Bratsk")
	}
	a := newAnalyzer(t, probe.TerritoryID)
	got := a.Analyze("Во дворе опять не вывезли мусор")
	if got.TerritoryID != probe.TerritoryID {
		t.Errorf("fallback territory = %q, want %q", got.TerritoryID, probe.TerritoryID)
	}
}

var jsonKeys = []string{"kind", "kind_p", "topic", "topic_p", "topics", "territory", "territory_id", "territory_p", "address", "priority", "priority_reasons"}

func TestAnalyzeCommandJSON(t *testing.T) {
	text := "В Ангарске на улице Ленина 5 нет отопления\n\n   \nСпасибо администрации Шелехова за новую площадку\nПродам гараж недорого"
	var out, errb bytes.Buffer
	if err := AnalyzeCommand(context.Background(), []string{"--json", text}, nil, &out, &errb); err != nil {
		t.Fatalf("AnalyzeCommand: %v (%s)", err, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines, want 3 (empty lines skipped):\n%s", len(lines), out.String())
	}
	wantKinds := []string{"", appeal.KindGratitude, appeal.KindOther}
	for i, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %d is not JSON: %v: %s", i, err, l)
		}
		for _, k := range jsonKeys {
			if _, ok := m[k]; !ok {
				t.Errorf("line %d lacks key %q: %s", i, k, l)
			}
		}
		if !appeal.IsKind(m["kind"].(string)) || wantKinds[i] != "" && m["kind"] != wantKinds[i] {
			t.Errorf("line %d kind = %v, want %s", i, m["kind"], wantKinds[i])
		}
	}
}

func TestAnalyzeCommandStdinHuman(t *testing.T) {
	in := strings.NewReader("Когда отремонтируют дорогу на Байкальской 105 в Иркутске?\n\nВсем привет\n")
	var out, errb bytes.Buffer
	if err := AnalyzeCommand(context.Background(), nil, in, &out, &errb); err != nil {
		t.Fatalf("AnalyzeCommand: %v (%s)", err, errb.String())
	}
	s := out.String()
	for _, want := range []string{"1. Когда отремонтируют", "2. Всем привет", "вид: ", "Иркутск", "адрес: ", "приоритет: "} {
		if !strings.Contains(s, want) {
			t.Errorf("output lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "3.") {
		t.Errorf("empty line was analysed:\n%s", s)
	}
}

func TestAnalyzeCommandFlags(t *testing.T) {
	var out, errb bytes.Buffer
	if err := AnalyzeCommand(context.Background(), []string{"-h"}, nil, &out, &errb); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: err = %v, want flag.ErrHelp", err)
	}
	if !strings.Contains(errb.String(), "--fallback-territory") && !strings.Contains(errb.String(), "-fallback-territory") {
		t.Errorf("usage lacks the flag:\n%s", errb.String())
	}
	if err := AnalyzeCommand(context.Background(), []string{"--fallback-territory", "nope", "текст"}, nil, &out, &errb); err == nil {
		t.Error("unknown fallback territory accepted")
	}
	if err := AnalyzeCommand(context.Background(), []string{"--model", "/nonexistent/model", "текст"}, nil, &out, &errb); err == nil {
		t.Error("missing model file accepted")
	}
}

func BenchmarkAnalyze(b *testing.B) {
	a := newAnalyzer(b, "")
	text := "В Ангарске на улице Ленина 5 третий день нет отопления, дети мерзнут, помогите"
	b.ReportAllocs()
	for b.Loop() {
		a.Analyze(text)
	}
}

func FuzzAnalyze(f *testing.F) {
	a := newAnalyzer(f, "")
	for _, s := range []string{"", "ул. Ленина, д. 5, корп. 2, лит. А", "В Усолье-Сибирском нет воды", "\x00\xff", strings.Repeat("на Ленина 5 ", 50)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := a.Analyze(s)
		if got.Kind == "" || got.KindP < 0 || got.KindP > 1 || got.Topics == nil || got.PriorityReasons == nil {
			t.Fatalf("Analyze(%q) = %+v", s, got)
		}
		if got.Address != "" && !strings.Contains(s, got.Address) {
			t.Fatalf("address %q is not in the text %q", got.Address, s)
		}
	})
}
