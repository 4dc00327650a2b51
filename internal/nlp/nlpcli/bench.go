package nlpcli

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/otklik/otklik/internal/nlp"
)

// DefaultBenchData is the St Petersburg dataset, relative to the repository root.
const DefaultBenchData = "../shared/data/spb-gorod-appeals/messages.csv"

// SystemResult is one classifier's figures in the benchmark.
type SystemResult struct {
	Name         string  `json:"name"`
	Accuracy     float64 `json:"accuracy"`
	MacroF1      float64 `json:"macro_f1"`
	TrainSeconds float64 `json:"train_seconds"`
	// TrainCPUSeconds is the CPU time (user+system, all threads) of
	// training, which unlike wall time does not grow when other jobs share
	// the machine. Zero when unknown.
	TrainCPUSeconds float64 `json:"train_cpu_seconds"`
	// PredictionsPerSecond on one core, excluding model loading and
	// (for fastText) process start-up.
	PredictionsPerSecond float64 `json:"predictions_per_second"`
	// PredictionsPerSecondWithLoad includes loading the model (for
	// fastText: the whole `fasttext predict` process).
	PredictionsPerSecondWithLoad float64 `json:"predictions_per_second_with_load"`
	// PredictionsPerCPUSecond is predictions per second of CPU time
	// (excluding load / start-up): robust when the machine is shared.
	PredictionsPerCPUSecond float64 `json:"predictions_per_cpu_second"`
	ModelBytes              int64   `json:"model_bytes"`
	Note                    string  `json:"note,omitempty"`
}

// RoutingResult is the executor routing figure of the benchmark.
type RoutingResult struct {
	N int `json:"n"`
	// Top1 routes with Otklik's predicted labels (top 5, weighted).
	Top1 float64 `json:"top1"`
	// Top1GoldLabel routes with the true label: the ceiling of the rules.
	Top1GoldLabel float64 `json:"top1_gold_label"`
	// Top1DistrictOnly is the fallback alone (most frequent by district).
	Top1DistrictOnly float64 `json:"top1_district_only"`
	// Top1Kind routes with a classifier of the executor's kind (the
	// executor's name with the district generalised away) over the text and
	// the district, then district × kind from history.
	Top1Kind float64 `json:"top1_kind"`
	// KindTrainSeconds is the training time of that classifier.
	KindTrainSeconds float64 `json:"kind_train_seconds"`
}

// BenchReport is what `otklik bench nlp --json` prints.
type BenchReport struct {
	Label   string         `json:"label"`
	Train   int            `json:"train_n"`
	Test    int            `json:"test_n"`
	Labels  int            `json:"labels"`
	Systems []SystemResult `json:"systems"`
	Routing *RoutingResult `json:"routing,omitempty"`
}

type benchRow struct {
	text, label, district, executor string
}

// BenchCommand is `otklik bench nlp`.
func BenchCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench nlp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		data, label, ftBin, workDir string
		asJSON, noFastText, noRoute bool
		tf                          trainFlags
	)
	fs.StringVar(&data, "data", DefaultBenchData, "messages.csv of the St Petersburg dataset")
	fs.StringVar(&label, "label", "category", "what to predict: category or category+reason")
	fs.StringVar(&ftBin, "fasttext", "fasttext", "fastText binary (installed with apt-get when missing)")
	fs.StringVar(&workDir, "workdir", "", "directory for the split and models (default: a temporary one, removed afterwards)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	fs.BoolVar(&noFastText, "no-fasttext", false, "skip fastText (only Otklik's figures)")
	fs.BoolVar(&noRoute, "no-routing", false, "skip the executor routing figure")
	tf.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: otklik bench nlp [--label category|category+reason] [--json] [flags]

Builds issue 3's benchmark split of the St Petersburg appeals (normalised,
deduplicated texts; SHA-1 of the text mod 10 in {0,1} is test), trains and
evaluates fastText (supervised -epoch 25 -lr 0.5 -wordNgrams 2 -minn 3
-maxn 5 -dim 100, and the -dim 50 word-bigram model for speed) and Otklik's
classifier on it in one run, and prints accuracy, macro-F1, training time,
predictions per second on one core and model size side by side, plus the
top-1 accuracy of routing to the executor organisation from the text and
the district.

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Example:
  otklik bench nlp --label category+reason --json
`)
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("bench: unexpected argument %q", fs.Arg(0))
	}
	if err := tf.check(); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	var labelCols []string
	switch label {
	case "category":
		labelCols = []string{"category"}
	case "category+reason":
		labelCols = []string{"category", "reason"}
	default:
		return fmt.Errorf("bench: --label must be category or category+reason, not %q", label)
	}
	logf := func(format string, a ...any) {
		if !asJSON || isTerminal(stderr) {
			fmt.Fprintf(stderr, format+"\n", a...)
		}
	}

	rows, err := readBenchRows(ctx, data, labelCols)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	examples := make([]nlp.Example, len(rows))
	for i, r := range rows {
		examples[i] = nlp.Example{Text: r.text, Label: r.label}
	}
	train, test := nlp.BenchSplit(examples)
	report := BenchReport{Label: label, Train: len(train), Test: len(test), Labels: countLabels(append(train[:len(train):len(train)], test...))}
	logf("разбиение: %d обучающих, %d тестовых, %d меток", len(train), len(test), report.Labels)

	if workDir == "" {
		dir, err := os.MkdirTemp("", "otklik-bench-")
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		defer os.RemoveAll(dir)
		workDir = dir
	} else if err := os.MkdirAll(workDir, 0o755); err != nil {
		return fmt.Errorf("bench: %w", err)
	}

	if !noFastText {
		bin, err := ensureFastText(ctx, ftBin, logf)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		ft := fastText{bin: bin, dir: workDir}
		if err := ft.writeSplit(train, test); err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		for _, v := range []struct {
			name, note string
			flags      []string
		}{
			{"fastText (char n-grams, dim 100)", "", []string{"-epoch", "25", "-lr", "0.5", "-wordNgrams", "2", "-minn", "3", "-maxn", "5", "-dim", "100"}},
			{"fastText (word bigrams, dim 50)", "", []string{"-epoch", "25", "-lr", "0.5", "-wordNgrams", "2", "-dim", "50"}},
		} {
			logf("обучение %s…", v.name)
			res, err := ft.run(ctx, v.name, v.flags, test)
			if err != nil {
				return fmt.Errorf("bench: %w", err)
			}
			report.Systems = append(report.Systems, res)
		}
	}

	logf("обучение Otklik…")
	opts := tf.options(report.Labels)
	start, cpu0 := time.Now(), cpuSeconds()
	m, err := nlp.Train(ctx, train, opts)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	trainSec, trainCPU := time.Since(start).Seconds(), cpuSeconds()-cpu0
	modelPath := filepath.Join(workDir, "otklik.otm")
	if err := m.Save(modelPath); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	loadStart := time.Now()
	loaded, err := nlp.LoadFile(modelPath)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	loadSec := time.Since(loadStart).Seconds()
	s, pps, ppsCPU, err := evaluateCPU(ctx, loaded, test, nil)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	st, err := os.Stat(modelPath)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	report.Systems = append(report.Systems, SystemResult{
		Name: "Otklik", Accuracy: s.Accuracy, MacroF1: s.MacroF1, TrainSeconds: trainSec, TrainCPUSeconds: trainCPU,
		PredictionsPerSecond:         pps,
		PredictionsPerCPUSecond:      ppsCPU,
		PredictionsPerSecondWithLoad: float64(len(test)) / (float64(len(test))/pps + loadSec),
		ModelBytes:                   st.Size(),
		Note: fmt.Sprintf("2^%d buckets, char %d-%d-grams, %d epochs, lr %g, class weight %g, refit %v, %d threads; scored after the quantised save/load",
			opts.Features.Bits, opts.Features.MinN, opts.Features.MaxN, opts.Epochs, opts.LearningRate, opts.ClassWeightPower, opts.Refit, opts.Threads),
	})

	if !noRoute {
		logf("маршрутизация…")
		kindOpts := tf.options(0)
		r, err := benchRouting(ctx, loaded, rows, kindOpts)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		report.Routing = &r
	}

	if asJSON {
		return json.NewEncoder(stdout).Encode(report)
	}
	fmt.Fprintf(stdout, "метка: %s; обучение %d, тест %d, меток %d\n\n", report.Label, report.Train, report.Test, report.Labels)
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "система\taccuracy\tmacro-F1\tобучение, с\tCPU, с\tпредск./с (1 ядро)\tна с CPU\tс загрузкой\tмодель, МБ\t")
	for _, r := range report.Systems {
		fmt.Fprintf(tw, "%s\t%.4f\t%.4f\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t%.1f\t\n", r.Name, r.Accuracy, r.MacroF1, r.TrainSeconds, r.TrainCPUSeconds,
			r.PredictionsPerSecond, r.PredictionsPerCPUSecond, r.PredictionsPerSecondWithLoad, float64(r.ModelBytes)/1e6)
	}
	tw.Flush()
	for _, r := range report.Systems {
		if r.Note != "" {
			fmt.Fprintf(stdout, "  %s: %s\n", r.Name, r.Note)
		}
	}
	if r := report.Routing; r != nil {
		fmt.Fprintf(stdout, "\nмаршрутизация (executor_org по тексту и району), %d сообщений тестовой части:\n", r.N)
		fmt.Fprintf(stdout, "  top-1 по виду исполнителя (текст+район) × район: %.4f (обучение %.1f с)\n", r.Top1Kind, r.KindTrainSeconds)
		fmt.Fprintf(stdout, "  top-1 по предсказанной рубрике × район:          %.4f\n  top-1 по верной рубрике × район:                 %.4f\n  top-1 только по району:                          %.4f\n",
			r.Top1, r.Top1GoldLabel, r.Top1DistrictOnly)
	}
	return nil
}

func readBenchRows(ctx context.Context, path string, labelCols []string) ([]benchRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	cols := append([]string{"text", "district", "executor_org"}, labelCols...)
	recs, err := nlp.ReadCSVColumns(ctx, bufio.NewReaderSize(f, 1<<20), cols...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rows := make([]benchRow, 0, len(recs))
	for _, r := range recs {
		l := strings.Join(r[3:], nlp.LabelSep)
		if strings.TrimSpace(r[0]) == "" || r[3] == "" {
			continue
		}
		rows = append(rows, benchRow{text: r[0], district: r[1], executor: r[2], label: l})
	}
	return rows, nil
}

// benchRouting learns executor rules from the training part's history
// (every row, not deduplicated: the same text goes to different executors
// in different districts) and scores top-1 on every test-part row.
func benchRouting(ctx context.Context, m *nlp.Model, rows []benchRow, kindOpts nlp.TrainOptions) (RoutingResult, error) {
	var hist, kindHist []nlp.RoutingExample
	var testRows []benchRow
	var kindTrain []nlp.Example
	for _, r := range rows {
		if nlp.IsTestKey(nlp.SplitKey(r.text)) {
			testRows = append(testRows, r)
			continue
		}
		kind := nlp.ExecutorKind(r.executor, r.district)
		hist = append(hist, nlp.RoutingExample{District: r.district, Label: r.label, Executor: r.executor})
		kindHist = append(kindHist, nlp.RoutingExample{District: r.district, Label: kind, Executor: r.executor})
		kindTrain = append(kindTrain, nlp.Example{Text: nlp.RouteText(r.district, r.text), Label: kind})
	}
	em := nlp.LearnExecutors(hist, 3)
	kem := nlp.LearnExecutors(kindHist, 3)
	var res RoutingResult
	start := time.Now()
	km, err := nlp.Train(ctx, nlp.Dedupe(kindTrain), kindOpts)
	if err != nil {
		return res, err
	}
	res.KindTrainSeconds = time.Since(start).Seconds()
	var hit, hitGold, hitD, hitKind int
	for i, r := range testRows {
		if i%1024 == 0 && ctx.Err() != nil {
			return res, ctx.Err()
		}
		if got := em.Route(r.district, m.Predict(r.text, 5)); len(got) > 0 && got[0].Executor == r.executor {
			hit++
		}
		if got := em.Route(r.district, []nlp.Prediction{{Label: r.label, P: 1}}); len(got) > 0 && got[0].Executor == r.executor {
			hitGold++
		}
		if got := em.Route(r.district, nil); len(got) > 0 && got[0].Executor == r.executor {
			hitD++
		}
		if got := kem.Route(r.district, km.Predict(nlp.RouteText(r.district, r.text), 3)); len(got) > 0 && got[0].Executor == r.executor {
			hitKind++
		}
	}
	res.N = len(testRows)
	if res.N > 0 {
		res.Top1 = float64(hit) / float64(res.N)
		res.Top1GoldLabel = float64(hitGold) / float64(res.N)
		res.Top1DistrictOnly = float64(hitD) / float64(res.N)
		res.Top1Kind = float64(hitKind) / float64(res.N)
	}
	return res, nil
}

// ensureFastText finds the fastText binary, installing the Debian package
// when it is missing (apt-get update first only if the install fails).
func ensureFastText(ctx context.Context, name string, logf func(string, ...any)) (string, error) {
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	if name != "fasttext" {
		return "", fmt.Errorf("fastText binary %q not found", name)
	}
	logf("fasttext не найден, устанавливаю пакет Debian fasttext…")
	install := func() error {
		out, err := exec.CommandContext(ctx, "apt-get", "install", "-y", "fasttext").CombinedOutput()
		if err != nil {
			return fmt.Errorf("apt-get install fasttext: %w: %s", err, lastLines(out))
		}
		return nil
	}
	if err := install(); err != nil {
		if out, uerr := exec.CommandContext(ctx, "apt-get", "update").CombinedOutput(); uerr != nil {
			return "", fmt.Errorf("apt-get update: %w: %s", uerr, lastLines(out))
		}
		if err := install(); err != nil {
			return "", err
		}
	}
	return exec.LookPath(name)
}

func lastLines(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 400 {
		s = "…" + s[len(s)-400:]
	}
	return s
}

// timingRepeat is how many times the test texts are fed to `fasttext
// predict` for the speed figure.
const timingRepeat = 20

type fastText struct {
	bin, dir string
	labelOf  map[string]string // fastText label token → original label
}

func ftLabel(l string) string {
	return "__label__" + strings.Join(strings.Fields(l), "_")
}

func (ft *fastText) writeSplit(train, test []nlp.Example) error {
	ft.labelOf = map[string]string{}
	write := func(name string, ex []nlp.Example, withLabels bool) error {
		f, err := os.Create(filepath.Join(ft.dir, name))
		if err != nil {
			return err
		}
		w := bufio.NewWriter(f)
		for _, e := range ex {
			if withLabels {
				l := ftLabel(e.Label)
				ft.labelOf[l] = e.Label
				fmt.Fprintf(w, "%s %s\n", l, e.Text)
			} else {
				fmt.Fprintln(w, e.Text)
			}
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	}
	if err := write("train.txt", train, true); err != nil {
		return err
	}
	if err := write("test_texts.txt", test, false); err != nil {
		return err
	}
	// The test texts repeated timingRepeat times: long enough that the
	// model loading of `fasttext predict` does not swamp the timing.
	var rep []nlp.Example
	for i := 0; i < timingRepeat; i++ {
		rep = append(rep, test...)
	}
	if err := write("test_texts_repeated.txt", rep, false); err != nil {
		return err
	}
	if len(test) > 0 {
		return write("one_text.txt", test[:1], false)
	}
	return nil
}

func (ft *fastText) run(ctx context.Context, name string, flags []string, test []nlp.Example) (SystemResult, error) {
	model := filepath.Join(ft.dir, fmt.Sprintf("ft%d", time.Now().UnixNano()))
	args := append([]string{"supervised", "-input", filepath.Join(ft.dir, "train.txt"), "-output", model, "-verbose", "0"}, flags...)
	start := time.Now()
	cmd := exec.CommandContext(ctx, ft.bin, args...)
	if out, err := cmd.CombinedOutput(); err != nil {
		return SystemResult{}, fmt.Errorf("fasttext supervised: %w: %s", err, lastLines(out))
	}
	trainSec := time.Since(start).Seconds()
	var trainCPU float64
	if ps := cmd.ProcessState; ps != nil {
		trainCPU = (ps.UserTime() + ps.SystemTime()).Seconds()
	}
	predict := func(input string) ([]byte, time.Duration, time.Duration, error) {
		start := time.Now()
		cmd := exec.CommandContext(ctx, ft.bin, "predict", model+".bin", input)
		out, err := cmd.Output()
		if err != nil {
			return nil, 0, 0, fmt.Errorf("fasttext predict: %w", err)
		}
		return out, time.Since(start), cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime(), nil
	}
	// Start-up (loading the model) measured on a one-line input, then the
	// whole test file; the difference is the prediction time proper.
	_, startup, startupCPU, err := predict(filepath.Join(ft.dir, "one_text.txt"))
	if err != nil {
		return SystemResult{}, err
	}
	out, full, _, err := predict(filepath.Join(ft.dir, "test_texts.txt"))
	if err != nil {
		return SystemResult{}, err
	}
	_, long, longCPU, err := predict(filepath.Join(ft.dir, "test_texts_repeated.txt"))
	if err != nil {
		return SystemResult{}, err
	}
	nRep := float64(timingRepeat * len(test))
	lines := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(lines) != len(test) {
		return SystemResult{}, fmt.Errorf("fasttext predict: %d predictions for %d texts", len(lines), len(test))
	}
	gold := make([]string, len(test))
	pred := make([]string, len(test))
	for i, e := range test {
		gold[i] = e.Label
		p := strings.TrimSpace(lines[i])
		if orig, ok := ft.labelOf[p]; ok {
			p = orig
		}
		pred[i] = p
	}
	s := nlp.Score(gold, pred)
	st, err := os.Stat(model + ".bin")
	if err != nil {
		return SystemResult{}, err
	}
	res := SystemResult{
		Name: name, Accuracy: s.Accuracy, MacroF1: s.MacroF1, TrainSeconds: trainSec, TrainCPUSeconds: trainCPU,
		PredictionsPerSecondWithLoad: float64(len(test)) / full.Seconds(),
		ModelBytes:                   st.Size(),
		Note: fmt.Sprintf("fasttext %s; predict process %.2f s for the %d test texts; %.2f s (%.2f s CPU) for them ×%d; %.2f s (%.2f s CPU) for one text (start-up, subtracted)",
			strings.Join(flags, " "), full.Seconds(), len(test), long.Seconds(), longCPU.Seconds(), timingRepeat, startup.Seconds(), startupCPU.Seconds()),
	}
	if d := longCPU - startupCPU; d > 0 {
		res.PredictionsPerCPUSecond = nRep / d.Seconds()
	}
	if d := long - startup; d > 0 {
		res.PredictionsPerSecond = nRep / d.Seconds()
	} else {
		res.Note += "; start-up dominates, rate without it not measurable"
	}
	return res, nil
}
