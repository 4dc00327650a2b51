package nlpcli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/nlp"
)

// writeToyCSV writes a CSV with quoted multi-line texts written for this test.
func writeToyCSV(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("id,text,topic\r\n")
	texts := map[string][]string{
		"тепло":  {"холодные батареи", "нет отопления", "батареи не греют", "в квартире холодно, отопление не дали"},
		"мусор":  {"мусор не вывозят", "контейнеры переполнены", "свалка мусора во дворе", "баки с мусором"},
		"дороги": {"яма на дороге", "разбитый асфальт", "ямы на проезжей части", "дорогу размыло"},
	}
	id := 0
	for i := 0; i < 8; i++ {
		for label, ts := range texts {
			for _, tx := range ts {
				id++
				fmt.Fprintf(&b, "%d,\"%s,\n\"\"дом %d\"\"\",%s\r\n", id, tx, i, label)
			}
		}
	}
	path := filepath.Join(t.TempDir(), "toy.csv")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTrainEval(t *testing.T) {
	ctx := context.Background()
	data := writeToyCSV(t)
	out := filepath.Join(t.TempDir(), "m.otm")
	var stdout, stderr bytes.Buffer
	err := TrainCommand(ctx, []string{"--data", data, "--label-col", "topic", "--out", out, "--dedupe", "--bits", "14", "--epochs", "20", "--lr", "0.3", "--threads", "1"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("train: %v (%s)", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "3 меток") {
		t.Errorf("train output %q", stdout.String())
	}
	stdout.Reset()
	if err := EvalCommand(ctx, []string{"--model", out, "--data", data, "--label-col", "topic", "--json"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("eval: %v", err)
	}
	var rep map[string]any
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatalf("eval --json: %v: %s", err, stdout.String())
	}
	for _, k := range []string{"accuracy", "macro_f1", "n", "predictions_per_second"} {
		if _, ok := rep[k]; !ok {
			t.Errorf("eval --json lacks %q", k)
		}
	}
	if acc := rep["accuracy"].(float64); acc < 0.9 {
		t.Errorf("accuracy on training data %.3f", acc)
	}
	if n := rep["n"].(float64); n != 96 {
		t.Errorf("n = %v, want 96", n)
	}
	stdout.Reset()
	if err := EvalCommand(ctx, []string{"--model", out, "--data", data, "--label-col", "topic"}, nil, &stdout, &stderr); err != nil {
		t.Fatalf("eval: %v", err)
	}
	for _, want := range []string{"macro-F1", "мусор", "предсказаний в секунду"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("eval output lacks %q:\n%s", want, stdout.String())
		}
	}
}

type fakeSource []nlp.Example

func (f fakeSource) Examples(context.Context) ([]nlp.Example, error) { return f, nil }

func TestTrainFromDB(t *testing.T) {
	ctx := context.Background()
	out := filepath.Join(t.TempDir(), "m.otm")
	var stdout, stderr bytes.Buffer
	if err := TrainCommand(ctx, []string{"--from-db", "--out", out}, nil, &stdout, &stderr); err == nil {
		t.Error("--from-db without a source: no error")
	}
	src := fakeSource{{Text: "нет воды", Label: "вода"}, {Text: "нет света", Label: "свет"}, {Text: "вода ржавая", Label: "вода"}, {Text: "свет мигает", Label: "свет"}}
	if err := NewTrainCommand(src)(ctx, []string{"--from-db", "--out", out, "--bits", "12", "--threads", "1"}, nil, &stdout, &stderr); err != nil {
		t.Fatal(err)
	}
	m, err := nlp.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(m.Labels(), ","); got != "вода,свет" {
		t.Errorf("labels %s", got)
	}
}

func TestCommandErrors(t *testing.T) {
	ctx := context.Background()
	var stdout, stderr bytes.Buffer
	for name, cmd := range map[string]func(context.Context, []string, *bytes.Buffer) error{
		"train": func(ctx context.Context, a []string, e *bytes.Buffer) error {
			return TrainCommand(ctx, a, nil, &stdout, e)
		},
		"eval": func(ctx context.Context, a []string, e *bytes.Buffer) error {
			return EvalCommand(ctx, a, nil, &stdout, e)
		},
		"bench": func(ctx context.Context, a []string, e *bytes.Buffer) error {
			return BenchCommand(ctx, a, nil, &stdout, e)
		},
	} {
		stderr.Reset()
		if err := cmd(ctx, []string{"-h"}, &stderr); !errors.Is(err, flag.ErrHelp) {
			t.Errorf("%s -h: %v", name, err)
		}
		if !strings.Contains(stderr.String(), "Example") {
			t.Errorf("%s usage lacks an example", name)
		}
		if err := cmd(ctx, []string{"--no-such-flag"}, &stderr); err == nil {
			t.Errorf("%s: unknown flag accepted", name)
		}
	}
	if err := TrainCommand(ctx, []string{"--data", "x.csv"}, nil, &stdout, &stderr); err == nil {
		t.Error("train without --out accepted")
	}
	if err := EvalCommand(ctx, []string{"--model", filepath.Join(t.TempDir(), "none"), "--data", "x", "--label-col", "y"}, nil, &stdout, &stderr); err == nil {
		t.Error("eval of a missing model accepted")
	}
	bad := filepath.Join(t.TempDir(), "bad.otm")
	os.WriteFile(bad, []byte("not a model"), 0o644)
	if err := EvalCommand(ctx, []string{"--model", bad, "--data", "x", "--label-col", "y"}, nil, &stdout, &stderr); !errors.Is(err, nlp.ErrNotModel) {
		t.Errorf("eval of a foreign file: %v", err)
	}
	if err := BenchCommand(ctx, []string{"--label", "district"}, nil, &stdout, &stderr); err == nil {
		t.Error("bench --label district accepted")
	}
}

// TestBenchOnRealData runs the benchmark without fastText on the St
// Petersburg data (skips when it is absent), with a small configuration
// to stay fast; it checks the split sizes of issue 3 and sane scores.
func TestBenchOnRealData(t *testing.T) {
	data := filepath.Join("..", "..", "..", "..", "shared", "data", "spb-gorod-appeals", "messages.csv")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("St Petersburg data absent (%s): %v", data, err)
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	var stdout, stderr bytes.Buffer
	err := BenchCommand(context.Background(), []string{"--data", data, "--no-fasttext", "--no-routing", "--json", "--bits", "18", "--epochs", "4", "--lr", "0.15"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var rep BenchReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Train != 33800 || rep.Test != 8527 || rep.Labels != 15 {
		t.Errorf("split %d/%d with %d labels, want 33800/8527 with 15", rep.Train, rep.Test, rep.Labels)
	}
	if len(rep.Systems) != 1 || rep.Systems[0].Accuracy < 0.88 || rep.Systems[0].MacroF1 < 0.75 {
		t.Errorf("scores %+v", rep.Systems)
	}
}

// TestRoutingOnRealData checks the executor routing figure of the
// benchmark on the St Petersburg data (skips when it is absent).
func TestRoutingOnRealData(t *testing.T) {
	data := filepath.Join("..", "..", "..", "..", "shared", "data", "spb-gorod-appeals", "messages.csv")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("St Petersburg data absent (%s): %v", data, err)
	}
	if testing.Short() {
		t.Skip("short mode")
	}
	var stdout, stderr bytes.Buffer
	err := BenchCommand(context.Background(), []string{"--data", data, "--routing-only", "--json"}, nil, &stdout, &stderr)
	if err != nil {
		t.Fatalf("%v: %s", err, stderr.String())
	}
	var rep BenchReport
	if err := json.Unmarshal(stdout.Bytes(), &rep); err != nil {
		t.Fatal(err)
	}
	r := rep.Routing
	if r == nil || r.N != 12460 {
		t.Fatalf("routing %+v, want 12460 test messages", r)
	}
	// The rules with the true label reach 0.83; from the text the label
	// model is right for about 0.74 of the messages, the rules alone route
	// about 0.72 and times the executor-kind classifier about 0.735 (issue
	// 3 asks for 0.80, which this does not meet).
	if r.NText != 8527 || r.Top1Text < 0.775 {
		t.Errorf("routing per text %.4f on %d texts, want at least 0.775 on 8527", r.Top1Text, r.NText)
	}
	if r.Top1GoldLabel < 0.82 || r.Top1Router < 0.70 || r.Top1 < 0.725 || r.Top1 < r.Top1Router || r.Top1 <= r.Top1DistrictOnly+0.15 {
		t.Errorf("routing top-1 %.4f (rules alone %.4f, gold label %.4f, district only %.4f)", r.Top1, r.Top1Router, r.Top1GoldLabel, r.Top1DistrictOnly)
	}
	t.Logf("routing top-1 %.4f, per text and district %.4f, per text %.4f, rules alone %.4f, gold label %.4f, district only %.4f",
		r.Top1, r.Top1Dedup, r.Top1Text, r.Top1Router, r.Top1GoldLabel, r.Top1DistrictOnly)
	// With the place the portal's message carries (whether its address
	// names a house, the street, the map point) the label model is right
	// for about 0.79 and routing reaches about 0.774 per message and 0.802
	// per text.
	p := r.Place
	if p == nil {
		t.Fatal("no routing figures with the place")
	}
	if p.LabelAccuracy < r.LabelAccuracy+0.03 || p.Top1 < 0.765 || p.Top1Text < 0.795 || p.Top1 < p.Top1Router {
		t.Errorf("routing with the place: top-1 %.4f, per text %.4f, rules alone %.4f, label %.4f (without the place %.4f)",
			p.Top1, p.Top1Text, p.Top1Router, p.LabelAccuracy, r.LabelAccuracy)
	}
	t.Logf("with the place: top-1 %.4f, per text and district %.4f, per text %.4f, rules alone %.4f, label %.4f",
		p.Top1, p.Top1Dedup, p.Top1Text, p.Top1Router, p.LabelAccuracy)
}
