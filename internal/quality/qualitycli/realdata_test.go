package qualitycli

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// realData is the St Petersburg portal dataset (see its SOURCE.md), outside the repository.
var realData = filepath.Join("..", "..", "..", "..", "shared", "data", "spb-gorod-appeals")

// TestRealAnswers grades all 52,430 real answers joined with their messages, as the issue asks, and checks that
// every row is graded and the shares are in a sane band. Nothing derived row by row is kept.
func TestRealAnswers(t *testing.T) {
	a1 := filepath.Join(realData, "answers_part1.csv")
	a2 := filepath.Join(realData, "answers_part2.csv")
	m := filepath.Join(realData, "messages.csv")
	for _, p := range []string{a1, a2, m} {
		if _, err := os.Stat(p); err != nil {
			t.Skipf("real dataset absent (%s): %v", p, err)
		}
	}
	if testing.Short() {
		t.Skip("grading 52k answers is skipped in -short mode")
	}
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := GradeCommand(context.Background(), []string{"--data", a1 + "," + a2, "--answer-col", "answer_text",
			"--questions", m, "--key", "id", "--question-col", "text", "--created-col", "created_at",
			"--answered-col", "answer_at", "--kind-col", "status", "--json"}, nil, pw, io.Discard)
		pw.CloseWithError(err)
		done <- err
	}()
	var n, formal, prompted, unjoined int
	var plainSum, infoSum int
	sc := bufio.NewScanner(pr)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var r struct {
			Plain, Informative int
			Formal, Unjoined   bool
			Prompt             *int
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
		plainSum += r.Plain
		infoSum += r.Informative
		if r.Formal {
			formal++
		}
		if r.Prompt != nil {
			prompted++
		}
		if r.Unjoined {
			unjoined++
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	share := float64(formal) / float64(n)
	t.Logf("graded %d, formal %d (%.1f%%), with prompt %d, unjoined %d, mean plain %.1f, mean informative %.1f",
		n, formal, 100*share, prompted, unjoined, float64(plainSum)/float64(n), float64(infoSum)/float64(n))
	if n != 52430 {
		t.Errorf("graded %d answers, want 52430", n)
	}
	if unjoined != 0 || prompted != n {
		t.Errorf("every answer should join its message and have both times: unjoined %d, prompted %d", unjoined, prompted)
	}
	// The portal moderates answers and most report work done with photos: formal replies are a minority,
	// but not absent.
	if share < 0.005 || share > 0.3 {
		t.Errorf("formal share %.3f outside the sane band [0.005, 0.3]", share)
	}
	if mp := float64(plainSum) / float64(n); mp < 20 || mp > 90 {
		t.Errorf("mean plain %.1f outside [20, 90]", mp)
	}
}
