package appeal

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/otklik/otklik/internal/nlp"
)

// CorpusFile is one file of the hand-written corpus and the kind of every
// line in it.
type CorpusFile struct {
	Name string
	Kind string
}

// CorpusFiles are the corpus files under corpus/ (one message per line).
var CorpusFiles = []CorpusFile{
	{"appeal_extra.txt", KindAppeal},
	{"gratitude.txt", KindGratitude},
	{"other.txt", KindOther},
}

// IsTestLine is the fixed held-out rule for the hand-written corpus, chosen
// before any tuning: the line whose 1-based number is a multiple of 5 is in
// the test part.
func IsTestLine(lineNo int) bool { return lineNo%5 == 0 }

// isValidationLine marks a second fifth (1-based number ≡ 1 mod 5) that
// Train can hold out for tuning, so that the test part is never looked at
// while choosing options.
func isValidationLine(lineNo int) bool { return lineNo%5 == 1 }

// ReadCorpus reads the corpus files in dir and splits them by IsTestLine.
// Blank lines are skipped but still counted, so the split is stable.
func ReadCorpus(dir string) (train, test []nlp.Example, err error) {
	for _, cf := range CorpusFiles {
		lines, err := readLines(filepath.Join(dir, cf.Name))
		if err != nil {
			return nil, nil, err
		}
		for i, l := range lines {
			if l == "" {
				continue
			}
			e := nlp.Example{Text: l, Label: cf.Kind}
			if IsTestLine(i + 1) {
				test = append(test, e)
			} else {
				train = append(train, e)
			}
		}
	}
	return train, test, nil
}

func readLines(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("appeal: corpus: %w", err)
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for sc.Scan() {
		lines = append(lines, strings.TrimSpace(sc.Text()))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("appeal: corpus %s: %w", path, err)
	}
	return lines, nil
}

// TrainConfig says what to train the detector on and how.
type TrainConfig struct {
	// SPbCSV is the path of spb-gorod-appeals/messages.csv (column "text");
	// every text in it is an appeal.
	SPbCSV string
	// CorpusDir holds the CorpusFiles.
	CorpusDir string
	// SPbSample is how many distinct portal texts to train on (default
	// 4000), drawn deterministically from the benchmark's train part.
	SPbSample int
	// SPbEval is how many portal texts from the benchmark's test part to
	// score appeal recall on (default 2000).
	SPbEval int
	// ExtraRepeat repeats each social-network appeal of the corpus this many
	// times (default 20), so the short VK-style appeals weigh against the
	// long portal texts.
	ExtraRepeat int
	// Validate additionally holds out corpus lines ≡ 1 mod 5 and scores
	// them: use it to tune options without looking at the test part.
	Validate bool
	// Options for nlp.Train; zero fields take the detector's defaults.
	Options nlp.TrainOptions
}

// DefaultFeatures are the detector's features: stemmed words and bigrams
// plus character 3..6-grams in 2^18 buckets.
var DefaultFeatures = nlp.FeatureConfig{Bits: 18, WordNgrams: 2, MinN: 3, MaxN: 6}

// TrainReport describes a training run.
type TrainReport struct {
	// Train counts the training examples per kind (after repetition).
	Train map[string]int `json:"train"`
	// Test scores the corpus lines held out by IsTestLine.
	Test nlp.Scores `json:"test"`
	// Validation scores the validation lines when TrainConfig.Validate.
	Validation *nlp.Scores `json:"validation,omitempty"`
	// SPbRecall is the share of held-out portal texts detected as appeals.
	SPbRecall float64 `json:"spb_recall"`
	// SPbEvalN is how many portal texts SPbRecall is measured on.
	SPbEvalN int `json:"spb_eval_n"`
}

// ErrNoSPbData is returned by Train when the St Petersburg data is absent.
var ErrNoSPbData = errors.New("appeal: St Petersburg appeals data is absent")

// Train builds the detector's model from the portal appeals and the corpus.
func Train(ctx context.Context, cfg TrainConfig) (*nlp.Model, TrainReport, error) {
	var rep TrainReport
	if cfg.SPbSample <= 0 {
		cfg.SPbSample = 4000
	}
	if cfg.SPbEval <= 0 {
		cfg.SPbEval = 2000
	}
	if cfg.ExtraRepeat <= 0 {
		cfg.ExtraRepeat = 20
	}
	opts := cfg.Options
	if opts.Features == (nlp.FeatureConfig{}) {
		opts.Features = DefaultFeatures
	}
	if opts.Epochs == 0 {
		opts.Epochs = 8
	}
	if opts.ClassWeightPower == 0 {
		opts.ClassWeightPower = 1
	}
	if opts.Seed == 0 {
		opts.Seed = 20261
	}

	spbTrain, spbEval, err := readSPb(ctx, cfg.SPbCSV, cfg.SPbSample, cfg.SPbEval)
	if err != nil {
		return nil, rep, err
	}
	corpusTrain, corpusTest, err := ReadCorpus(cfg.CorpusDir)
	if err != nil {
		return nil, rep, err
	}
	var validation []nlp.Example
	if cfg.Validate {
		corpusTrain, validation, err = splitValidation(cfg.CorpusDir)
		if err != nil {
			return nil, rep, err
		}
	}

	examples := make([]nlp.Example, 0, len(spbTrain)+len(corpusTrain)*cfg.ExtraRepeat)
	for _, t := range spbTrain {
		examples = append(examples, nlp.Example{Text: maskPlaces(t), Label: KindAppeal})
	}
	for _, e := range corpusTrain {
		n := 1
		if e.Label == KindAppeal {
			n = cfg.ExtraRepeat
		}
		e.Text = maskPlaces(e.Text)
		for range n {
			examples = append(examples, e)
		}
	}
	rep.Train = map[string]int{}
	for _, e := range examples {
		rep.Train[e.Label]++
	}
	m, err := nlp.Train(ctx, examples, opts)
	if err != nil {
		return nil, rep, fmt.Errorf("appeal: train: %w", err)
	}
	d, err := New(m)
	if err != nil {
		return nil, rep, err
	}
	rep.Test = d.Evaluate(corpusTest)
	if cfg.Validate {
		s := d.Evaluate(validation)
		rep.Validation = &s
	}
	hit := 0
	for _, t := range spbEval {
		if d.Detect(t).Kind == KindAppeal {
			hit++
		}
	}
	rep.SPbEvalN = len(spbEval)
	if len(spbEval) > 0 {
		rep.SPbRecall = float64(hit) / float64(len(spbEval))
	}
	return m, rep, nil
}

// splitValidation re-reads the corpus and returns its non-test lines split
// into training lines and validation lines (≡ 1 mod 5).
func splitValidation(dir string) (train, validation []nlp.Example, err error) {
	for _, cf := range CorpusFiles {
		lines, err := readLines(filepath.Join(dir, cf.Name))
		if err != nil {
			return nil, nil, err
		}
		for i, l := range lines {
			if l == "" || IsTestLine(i+1) {
				continue
			}
			e := nlp.Example{Text: l, Label: cf.Kind}
			if isValidationLine(i + 1) {
				validation = append(validation, e)
			} else {
				train = append(train, e)
			}
		}
	}
	return train, validation, nil
}

// readSPb returns up to nTrain distinct portal texts from the benchmark's
// train part and up to nEval from its test part, each chosen by the order of
// a hash of the text so that the choice does not depend on file order.
func readSPb(ctx context.Context, path string, nTrain, nEval int) (train, eval []string, err error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("%w: %s", ErrNoSPbData, path)
		}
		return nil, nil, fmt.Errorf("appeal: %w", err)
	}
	defer f.Close()
	rows, err := nlp.ReadCSVColumns(ctx, bufio.NewReaderSize(f, 1<<20), "text")
	if err != nil {
		return nil, nil, fmt.Errorf("appeal: read %s: %w", path, err)
	}
	type item struct {
		h    uint64
		text string
	}
	seen := map[string]bool{}
	var tr, te []item
	for _, r := range rows {
		text := strings.TrimSpace(r[0])
		key := nlp.SplitKey(text)
		if len(key) < 3 || seen[key] {
			continue
		}
		seen[key] = true
		sum := sha1.Sum([]byte("appeal:" + key))
		it := item{binary.BigEndian.Uint64(sum[:8]), text}
		if nlp.IsTestKey(key) {
			te = append(te, it)
		} else {
			tr = append(tr, it)
		}
	}
	pick := func(items []item, n int) []string {
		slices.SortFunc(items, func(a, b item) int {
			switch {
			case a.h < b.h:
				return -1
			case a.h > b.h:
				return 1
			}
			return strings.Compare(a.text, b.text)
		})
		out := make([]string, 0, min(n, len(items)))
		for _, it := range items[:min(n, len(items))] {
			out = append(out, it.text)
		}
		return out
	}
	return pick(tr, nTrain), pick(te, nEval), nil
}

// Evaluate detects every example and scores the kinds against the labels.
func (d *Detector) Evaluate(examples []nlp.Example) nlp.Scores {
	gold := make([]string, len(examples))
	pred := make([]string, len(examples))
	for i, e := range examples {
		gold[i] = e.Label
		pred[i] = d.Detect(e.Text).Kind
	}
	return nlp.Score(gold, pred)
}
