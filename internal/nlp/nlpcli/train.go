// Package nlpcli holds the command entry points of Otklik's topic
// classifier: `otklik train`, `otklik eval` and `otklik bench nlp`. The
// binary cmd/otklik wires them; each follows the project's CLI convention
// (own FlagSet, errors returned, flag.ErrHelp for -h).
package nlpcli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/schollz/progressbar/v3"
)

// ExampleSource supplies labelled examples from somewhere other than a CSV,
// e.g. the incidents whose category an operator set or confirmed.
type ExampleSource interface {
	Examples(ctx context.Context) ([]nlp.Example, error)
}

// trainFlags are the model options shared by train and bench.
type trainFlags struct {
	epochs      int
	lr          float64
	bits        int
	minn, maxn  int
	wordNgrams  int
	classWeight float64
	threads     int
	refit       string
}

func (t *trainFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&t.epochs, "epochs", 0, "passes over the training data (0: 10, or 4 for more than 40 labels)")
	fs.Float64Var(&t.lr, "lr", 0, "AdaGrad learning rate (0: 0.1)")
	fs.IntVar(&t.bits, "bits", 0, "hashed feature space is 2^bits buckets (0: 18)")
	fs.IntVar(&t.minn, "minn", 3, "shortest character n-gram (with -maxn 0: none)")
	fs.IntVar(&t.maxn, "maxn", -1, "longest character n-gram, 0 disables them (-1: 5, or 3 for more than 40 labels)")
	fs.IntVar(&t.wordNgrams, "word-ngrams", 2, "1: stemmed words only, 2: also word bigrams")
	fs.Float64Var(&t.classWeight, "class-weight", -1, "weight examples by inverse label frequency to this power, 0..1 (-1: 0, or 0.3 for more than 40 labels)")
	fs.IntVar(&t.threads, "threads", 2, "goroutines for training (more than 1 trains hogwild: not bit-for-bit reproducible)")
	fs.StringVar(&t.refit, "refit", "auto", "after fitting the calibration temperature, retrain on all examples (doubles the training time): true, false, or auto (false)")
}

func (t *trainFlags) check() error {
	switch t.refit {
	case "auto", "true", "false":
		return nil
	}
	return fmt.Errorf("--refit must be auto, true or false, not %q", t.refit)
}

// options turns flags into TrainOptions for a label count. With many
// labels (category + reason pairs) fewer passes and character trigrams
// only train four times faster than 6 passes over 3–4-grams with a refit,
// and score the same on a held-out part of the St Petersburg training data
// (the weights are larger per feature, so memory traffic sets the pace).
func (t *trainFlags) options(nLabels int) nlp.TrainOptions {
	bits, cw, epochs, lr := t.bits, t.classWeight, t.epochs, t.lr
	many := nLabels > 40
	if epochs <= 0 {
		epochs = 10
		if many {
			epochs = 4
		}
	}
	if lr <= 0 {
		lr = 0.1
	}
	if bits == 0 {
		// 2^18 rows keep the weights small enough for the CPU caches
		// (faster predictions) and lose nothing measurable on accuracy.
		bits = 18
	}
	if cw < 0 {
		cw = 0
		if many {
			cw = 0.3
		}
	}
	minn, maxn := t.minn, t.maxn
	if maxn < 0 {
		maxn = 5
		if many {
			maxn = 3
		}
	}
	if maxn == 0 {
		minn = 0
	}
	refit := t.refit == "true"
	return nlp.TrainOptions{
		Refit:            refit,
		Features:         nlp.FeatureConfig{Bits: uint8(bits), WordNgrams: uint8(t.wordNgrams), MinN: uint8(minn), MaxN: uint8(maxn)},
		Epochs:           epochs,
		LearningRate:     lr,
		ClassWeightPower: cw,
		Threads:          t.threads,
	}
}

func countLabels(ex []nlp.Example) int {
	seen := map[string]bool{}
	for _, e := range ex {
		seen[e.Label] = true
	}
	return len(seen)
}

// TrainFromExamples trains a model the way `otklik train` does (optionally
// deduplicating texts first) and, when out is not empty, saves it there.
// The lead's `train --from-db` and the scheduled retraining call this.
func TrainFromExamples(ctx context.Context, examples []nlp.Example, opts nlp.TrainOptions, dedupe bool, out string) (*nlp.Model, error) {
	if dedupe {
		examples = nlp.Dedupe(examples)
	}
	m, err := nlp.Train(ctx, examples, opts)
	if err != nil {
		return nil, err
	}
	if out != "" {
		if err := m.Save(out); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// splitCols turns "category,reason" or "category+reason" into column names.
func splitCols(s string) []string {
	var out []string
	for _, c := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '+' }) {
		if c = strings.TrimSpace(c); c != "" {
			out = append(out, c)
		}
	}
	return out
}

func readExamples(ctx context.Context, path, textCol, labelCol string, stdin io.Reader) ([]nlp.Example, error) {
	var r io.Reader = stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	cols := splitCols(labelCol)
	if len(cols) == 0 {
		return nil, errors.New("--label-col is empty")
	}
	ex, err := nlp.ReadExamplesCSV(ctx, r, textCol, cols...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return ex, nil
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func newBar(stderr io.Writer, force bool, max int, desc string) *progressbar.ProgressBar {
	if !force && !isTerminal(stderr) {
		return nil
	}
	return progressbar.NewOptions(max,
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription(desc),
		progressbar.OptionShowCount(),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(stderr) }),
	)
}

// TrainCommand is `otklik train` without a database: --from-db is refused.
func TrainCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return NewTrainCommand(nil)(ctx, args, stdin, stdout, stderr)
}

// NewTrainCommand returns `otklik train` with --from-db reading examples
// from src (nil: --from-db is an error).
func NewTrainCommand(src ExampleSource) func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	return func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
		fs := flag.NewFlagSet("train", flag.ContinueOnError)
		fs.SetOutput(stderr)
		var (
			data, textCol, labelCol, out string
			dedupe, fromDB, progress     bool
			tf                           trainFlags
		)
		fs.StringVar(&data, "data", "", "training CSV (UTF-8, header row, RFC 4180 quoting); - reads standard input")
		fs.StringVar(&textCol, "text-col", "text", "column with the message text")
		fs.StringVar(&labelCol, "label-col", "", "label column; several joined with + or , make a pair label (category+reason)")
		fs.StringVar(&out, "out", "", "where to write the model (required)")
		fs.BoolVar(&dedupe, "dedupe", false, "drop repeated texts first (case and space insensitive), keeping each text's most frequent label")
		fs.BoolVar(&fromDB, "from-db", false, "train from the incidents whose category an operator set or confirmed instead of --data")
		fs.BoolVar(&progress, "progress", false, "show a progress bar even when standard error is not a terminal")
		tf.register(fs)
		fs.Usage = func() {
			fmt.Fprint(fs.Output(), `Usage: otklik train --data FILE.csv --label-col NAME --out MODEL [flags]
       otklik train --from-db --out MODEL [flags]

Trains Otklik's topic classifier (linear model over stemmed words, word
bigrams and character n-grams) and writes a versioned model file.

Flags:
`)
			fs.PrintDefaults()
			fmt.Fprint(fs.Output(), `
Example:
  otklik train --data messages.csv --text-col text --label-col category --dedupe --out topic.otm
`)
		}
		if err := fs.Parse(args); err != nil {
			return err
		}
		if fs.NArg() > 0 {
			return fmt.Errorf("train: unexpected argument %q", fs.Arg(0))
		}
		if err := tf.check(); err != nil {
			return fmt.Errorf("train: %w", err)
		}
		if out == "" {
			return errors.New("train: --out is required")
		}
		var examples []nlp.Example
		var err error
		switch {
		case fromDB && data != "":
			return errors.New("train: use either --data or --from-db")
		case fromDB:
			if src == nil {
				return errors.New("train: --from-db needs a database; this build has none wired")
			}
			if examples, err = src.Examples(ctx); err != nil {
				return fmt.Errorf("train: %w", err)
			}
		case data == "":
			return errors.New("train: --data or --from-db is required")
		default:
			if labelCol == "" {
				return errors.New("train: --label-col is required")
			}
			if examples, err = readExamples(ctx, data, textCol, labelCol, stdin); err != nil {
				return fmt.Errorf("train: %w", err)
			}
		}
		if dedupe {
			examples = nlp.Dedupe(examples)
		}
		opts := tf.options(countLabels(examples))
		if err := opts.Features.Validate(); err != nil {
			return fmt.Errorf("train: %w", err)
		}
		bar := newBar(stderr, progress, opts.Epochs, "обучение")
		if bar != nil {
			opts.Progress = func(done, total int) { bar.Set(done) }
		}
		start := time.Now()
		m, err := TrainFromExamples(ctx, examples, opts, false, out)
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		st, _ := os.Stat(out)
		var size int64
		if st != nil {
			size = st.Size()
		}
		fmt.Fprintf(stdout, "обучено на %d примерах, %d меток, %.1f с; модель %s (%.1f МБ)\n",
			len(examples), len(m.Labels()), time.Since(start).Seconds(), out, float64(size)/1e6)
		return nil
	}
}
