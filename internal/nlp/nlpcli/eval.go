package nlpcli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/otklik/otklik/internal/nlp"
)

// EvalReport is what `otklik eval --json` prints.
type EvalReport struct {
	nlp.Scores
	PredictionsPerSecond float64 `json:"predictions_per_second"`
	Model                string  `json:"model"`
}

// evaluate predicts every example on one goroutine, timing the predictions.
func evaluate(ctx context.Context, m *nlp.Model, ex []nlp.Example, bar func(int)) (nlp.Scores, float64, error) {
	s, pps, _, err := evaluateCPU(ctx, m, ex, bar)
	return s, pps, err
}

// evaluateCPU is evaluate that also returns predictions per CPU-second of
// this process (a figure that holds when other jobs share the machine).
func evaluateCPU(ctx context.Context, m *nlp.Model, ex []nlp.Example, bar func(int)) (nlp.Scores, float64, float64, error) {
	gold := make([]string, len(ex))
	pred := make([]string, len(ex))
	start, cpu0 := time.Now(), cpuSeconds()
	for i, e := range ex {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nlp.Scores{}, 0, 0, err
			}
			if bar != nil {
				bar(i)
			}
		}
		gold[i] = e.Label
		pred[i], _ = m.Top1(e.Text)
	}
	el, cpu := time.Since(start), cpuSeconds()-cpu0
	if bar != nil {
		bar(len(ex))
	}
	pps := 0.0
	if el > 0 {
		pps = float64(len(ex)) / el.Seconds()
	}
	ppsCPU := 0.0
	if cpu > 0 {
		ppsCPU = float64(len(ex)) / cpu
	}
	return nlp.Score(gold, pred), pps, ppsCPU, nil
}

// EvalCommand is `otklik eval`.
func EvalCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		modelPath, data, textCol, labelCol string
		asJSON, dedupe, progress           bool
		top                                int
	)
	fs.StringVar(&modelPath, "model", "", "model file written by otklik train (required)")
	fs.StringVar(&data, "data", "", "CSV with texts and gold labels (required); - reads standard input")
	fs.StringVar(&textCol, "text-col", "text", "column with the message text")
	fs.StringVar(&labelCol, "label-col", "", "gold label column(s), joined with + as in train (required)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object (accuracy, macro_f1, n, predictions_per_second, classes, confusions)")
	fs.BoolVar(&dedupe, "dedupe", false, "drop repeated texts first, keeping each text's most frequent label")
	fs.BoolVar(&progress, "progress", false, "show a progress bar even when standard error is not a terminal")
	fs.IntVar(&top, "top", 10, "how many of the worst confusion pairs to print")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: otklik eval --model MODEL --data FILE.csv --label-col NAME [flags]

Scores a topic model on labelled texts: accuracy, macro-F1, precision,
recall and F1 per label, the confusion pairs that hurt most, and how many
predictions per second one core makes.

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Example:
  otklik eval --model topic.otm --data test.csv --text-col text --label-col category --json
`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("eval: unexpected argument %q", fs.Arg(0))
	}
	if modelPath == "" || data == "" || labelCol == "" {
		return errors.New("eval: --model, --data and --label-col are required")
	}
	m, err := nlp.LoadFile(modelPath)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	ex, err := readExamples(ctx, data, textCol, labelCol, stdin)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if dedupe {
		ex = nlp.Dedupe(ex)
	}
	var tick func(int)
	if bar := newBar(stderr, progress, len(ex), "оценка"); bar != nil {
		tick = func(n int) { bar.Set(n) }
	}
	s, pps, err := evaluate(ctx, m, ex, tick)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	if len(s.Confusions) > top {
		s.Confusions = s.Confusions[:top]
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(EvalReport{Scores: s, PredictionsPerSecond: pps, Model: modelPath})
	}
	fmt.Fprintf(stdout, "примеров: %d\nточность (accuracy): %.4f\nmacro-F1: %.4f\nпредсказаний в секунду (1 ядро): %.0f\n\n", s.N, s.Accuracy, s.MacroF1, pps)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "метка\tP\tR\tF1\tn")
	for _, c := range s.Classes {
		fmt.Fprintf(tw, "%s\t%.3f\t%.3f\t%.3f\t%d\n", c.Label, c.Precision, c.Recall, c.F1, c.Support)
	}
	tw.Flush()
	if len(s.Confusions) > 0 {
		fmt.Fprintln(stdout, "\nчастые ошибки (верная → предсказанная):")
		for _, c := range s.Confusions {
			fmt.Fprintf(stdout, "  %5d  %s → %s\n", c.Count, c.True, c.Pred)
		}
	}
	return nil
}
