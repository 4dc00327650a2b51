// Command gen trains Otklik's shipped base topic model (base.otm) from the
// St Petersburg appeals, the category/reason → subtopic mapping and the
// seed phrases. It is deterministic: the same inputs give the same file.
//
//	go run ./internal/nlp/model/gen --data ../shared/data/spb-gorod-appeals/messages.csv
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/model/codes"
)

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "gen:", err)
		}
		os.Exit(1)
	}
}

// seedRepeat is how many times every seed phrase enters training, so that
// a few phrases weigh against thousands of portal messages.
const seedRepeat = 30

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("gen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data/spb-gorod-appeals/messages.csv", "messages.csv of the St Petersburg dataset")
	mapping := fs.String("mapping", "internal/nlp/model/spb_mapping.csv", "category,reason,subtopic table")
	seeds := fs.String("seeds", "internal/nlp/model/seeds.txt", "seed phrases (subtopic TAB phrase)")
	out := fs.String("out", "internal/nlp/model/base.otm", "model file to write")
	if err := fs.Parse(args); err != nil {
		return err
	}
	mp, err := readMapping(*mapping)
	if err != nil {
		return err
	}
	f, err := os.Open(*data)
	if err != nil {
		return err
	}
	defer f.Close()
	rows, err := nlp.ReadCSVColumns(ctx, bufio.NewReaderSize(f, 1<<20), "text", "category", "reason")
	if err != nil {
		return err
	}
	var ex []nlp.Example
	for _, r := range rows {
		sub, ok := mp[[2]string{r[1], r[2]}]
		if !ok {
			return fmt.Errorf("no subtopic for category %q reason %q in %s", r[1], r[2], *mapping)
		}
		ex = append(ex, nlp.Example{Text: r[0], Label: sub})
	}
	ex = nlp.Dedupe(ex)
	seedEx, err := readSeeds(*seeds)
	if err != nil {
		return err
	}
	for i := 0; i < seedRepeat; i++ {
		ex = append(ex, seedEx...)
	}
	labels := map[string]bool{}
	for _, e := range ex {
		labels[e.Label] = true
	}
	for _, s := range codes.Subtopics {
		if !labels[s] {
			return fmt.Errorf("subtopic %s has neither mapped data nor seeds", s)
		}
		delete(labels, s)
	}
	for l := range labels {
		return fmt.Errorf("label %q is not a known subtopic", l)
	}
	m, err := nlp.Train(ctx, ex, nlp.TrainOptions{
		Features:         nlp.FeatureConfig{Bits: 18, WordNgrams: 2, MinN: 3, MaxN: 4},
		Epochs:           8,
		LearningRate:     0.1,
		ClassWeightPower: 0.3,
		Threads:          1, // deterministic
		Seed:             1,
	})
	if err != nil {
		return err
	}
	if err := m.Save(*out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s: %d examples (%d seed phrases ×%d), %d subtopics, %.2f MB\n",
		*out, len(ex), len(seedEx), seedRepeat, len(m.Labels()), float64(st.Size())/1e6)
	return nil
}

func readMapping(path string) (map[[2]string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) == 0 || !slices.Equal(recs[0], []string{"category", "reason", "subtopic"}) {
		return nil, fmt.Errorf("%s: header category,reason,subtopic expected", path)
	}
	out := map[[2]string]string{}
	for _, r := range recs[1:] {
		if !slices.Contains(codes.Subtopics, r[2]) {
			return nil, fmt.Errorf("%s: unknown subtopic %q", path, r[2])
		}
		out[[2]string{r[0], r[1]}] = r[2]
	}
	return out, nil
}

func readSeeds(path string) ([]nlp.Example, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []nlp.Example
	for i, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		sub, phrase, ok := strings.Cut(line, "\t")
		if !ok || strings.TrimSpace(phrase) == "" {
			return nil, fmt.Errorf("%s:%d: want subtopic TAB phrase", path, i+1)
		}
		if !slices.Contains(codes.Subtopics, sub) {
			return nil, fmt.Errorf("%s:%d: unknown subtopic %q", path, i+1, sub)
		}
		out = append(out, nlp.Example{Text: strings.TrimSpace(phrase), Label: sub})
	}
	return out, nil
}
