package quality

import (
	"encoding/csv"
	"os"
	"strconv"
	"testing"
)

// labelled is one row of testdata/answers.csv.
type labelled struct {
	id       int
	question string
	answer   string
	kind     Kind
	formal   bool
	note     string
}

// heldOut is the split rule fixed before any tuning: rows whose id is divisible by 5 are held out.
func heldOut(id int) bool { return id%5 == 0 }

func loadLabelled(t testing.TB) []labelled {
	t.Helper()
	f, err := os.Open("testdata/answers.csv")
	if err != nil {
		t.Fatalf("open labelled set: %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("read labelled set: %v", err)
	}
	var out []labelled
	for i, r := range recs[1:] {
		if len(r) != 6 {
			t.Fatalf("row %d: %d fields", i+2, len(r))
		}
		id, err := strconv.Atoi(r[0])
		if err != nil {
			t.Fatalf("row %d: id: %v", i+2, err)
		}
		if r[4] != "0" && r[4] != "1" {
			t.Fatalf("row %d: formal must be 0 or 1, got %q", i+2, r[4])
		}
		out = append(out, labelled{id: id, question: r[1], answer: r[2], kind: ParseKind(r[3]), formal: r[4] == "1", note: r[5]})
	}
	return out
}

type confusion struct{ tp, fp, fn, tn int }

func (c confusion) precision() float64 { return ratio(c.tp, c.tp+c.fp) }
func (c confusion) recall() float64    { return ratio(c.tp, c.tp+c.fn) }
func (c confusion) f1() float64 {
	p, r := c.precision(), c.recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func evaluate(t *testing.T, rows []labelled, held bool) confusion {
	var c confusion
	g := NewGrader(DefaultConfig())
	for _, r := range rows {
		if heldOut(r.id) != held {
			continue
		}
		got := g.Grade(Input{Answer: r.answer, Question: r.question, Kind: r.kind}).Formal
		switch {
		case got && r.formal:
			c.tp++
		case got && !r.formal:
			c.fp++
			t.Logf("false formal  id=%d (%s): %.90s", r.id, r.note, r.answer)
		case !got && r.formal:
			c.fn++
			t.Logf("missed formal id=%d (%s): %.90s", r.id, r.note, r.answer)
		default:
			c.tn++
		}
	}
	return c
}

func TestLabelledSetShape(t *testing.T) {
	rows := loadLabelled(t)
	if len(rows) < 300 {
		t.Errorf("labelled set has %d answers, want at least 300", len(rows))
	}
	seen := map[int]bool{}
	var held, formal, interim int
	for _, r := range rows {
		if seen[r.id] {
			t.Errorf("duplicate id %d", r.id)
		}
		seen[r.id] = true
		if heldOut(r.id) {
			held++
		}
		if r.formal {
			formal++
		}
		if r.kind == KindInterim {
			interim++
		}
	}
	t.Logf("answers %d, held-out %d, formal %d, interim %d", len(rows), held, formal, interim)
	if held < 60 {
		t.Errorf("held-out part has %d answers, want at least 60", held)
	}
}

func TestFormalFlagTuningPart(t *testing.T) {
	c := evaluate(t, loadLabelled(t), false)
	t.Logf("tuning part: tp=%d fp=%d fn=%d tn=%d precision=%.3f recall=%.3f F1=%.3f", c.tp, c.fp, c.fn, c.tn, c.precision(), c.recall(), c.f1())
	if c.f1() < 0.9 {
		t.Errorf("formal flag F1 on the tuning part = %.3f, want ≥ 0.9", c.f1())
	}
}

// TestFormalFlagHeldOut is the acceptance check: the held-out part (id divisible by 5) was written after the
// lexicon and rules were frozen and was never used for tuning.
func TestFormalFlagHeldOut(t *testing.T) {
	c := evaluate(t, loadLabelled(t), true)
	t.Logf("held-out part: tp=%d fp=%d fn=%d tn=%d precision=%.3f recall=%.3f F1=%.3f", c.tp, c.fp, c.fn, c.tn, c.precision(), c.recall(), c.f1())
	if c.tp+c.fn == 0 {
		t.Fatal("held-out part has no formal replies")
	}
	if c.f1() < 0.9 {
		t.Errorf("formal flag F1 on the held-out part = %.3f, want ≥ 0.9", c.f1())
	}
}
