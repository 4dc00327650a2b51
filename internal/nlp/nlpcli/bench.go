package nlpcli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/geo"
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
	// RouteFigures are routed from the text and the district.
	RouteFigures
	// Top1GoldLabel routes with the true category + reason label: the
	// ceiling of the rules.
	Top1GoldLabel float64 `json:"top1_gold_label"`
	// Top1DistrictOnly is the fallback alone (most frequent by district).
	Top1DistrictOnly float64 `json:"top1_district_only"`
	// Place holds the same figures when both models also read where the
	// message is (nlp.PlaceText: whether the portal's address names a
	// house, its street, the cells of its map point), as the portal's
	// message carries it besides the text and the district.
	Place *RouteFigures `json:"place,omitempty"`
}

// RouteFigures are the figures of one way of routing the test part.
type RouteFigures struct {
	// Top1 routes with nlp.MixedRouter: Top1Router's scores multiplied by
	// those of an executor-kind classifier over the district and the text
	// (trained on the same rows), raised to nlp.DefaultKindWeight.
	Top1 float64 `json:"top1"`
	// Top1Router routes with nlp.Router alone: a category + reason model
	// trained on every training-part row gives P(label | text) over all
	// labels, summed against the district × label rules learned from the
	// same rows.
	Top1Router float64 `json:"top1_router"`
	// Top1Dedup is Top1 counted once per distinct (normalised text,
	// district) of the test part, against its most frequent executor.
	Top1Dedup float64 `json:"top1_dedup"`
	// Top1Text is Top1 on the test part as the benchmark split defines
	// it for any label column: one row per distinct normalised text,
	// labelled with its most frequent executor (ties: the first seen), in
	// the district where that executor answered it most often (ties: the
	// first seen).
	Top1Text float64 `json:"top1_text"`
	// NText is the number of those rows.
	NText int `json:"n_text"`
	// LabelAccuracy is the label model's top-1 accuracy on the test rows.
	LabelAccuracy float64 `json:"label_accuracy"`
	// TrainSeconds is the training time of the label and kind models.
	TrainSeconds float64 `json:"train_seconds"`
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
	// pair is the category + reason label the routing rules use.
	pair string
	// place is where the portal says the message is.
	place nlp.Place
}

// BenchCommand is `otklik bench nlp`.
func BenchCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("bench nlp", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		data, label, ftBin, workDir string
		asJSON, noFastText, noRoute bool
		routeOnly                   bool
		tf                          trainFlags
	)
	fs.StringVar(&data, "data", DefaultBenchData, "messages.csv of the St Petersburg dataset")
	fs.StringVar(&label, "label", "category", "what to predict: category or category+reason")
	fs.StringVar(&ftBin, "fasttext", "fasttext", "fastText binary (installed with apt-get when missing)")
	fs.StringVar(&workDir, "workdir", "", "directory for the split and models (default: a temporary one, removed afterwards)")
	fs.BoolVar(&asJSON, "json", false, "print one JSON object")
	fs.BoolVar(&noFastText, "no-fasttext", false, "skip fastText (only Otklik's figures)")
	fs.BoolVar(&noRoute, "no-routing", false, "skip the executor routing figure")
	fs.BoolVar(&routeOnly, "routing-only", false, "only the executor routing figure (no topic classifiers)")
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
the district (nlp.MixedRouter: a category + reason model over the text,
summed against district × label rules learned from the training part's
history, times an executor-kind classifier over the district and the text),
and the same again when both models also read the place the portal's message
carries (nlp.PlaceText: whether its address names a house, the street, the
map point).

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `
Examples:
  otklik bench nlp --label category+reason --json
  otklik bench nlp --routing-only
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

	if routeOnly && noRoute {
		return errors.New("bench: --routing-only and --no-routing exclude each other")
	}
	if !noFastText && !routeOnly {
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

	if !routeOnly {
		res, err := benchOtklik(ctx, train, test, tf.options(report.Labels), workDir, logf)
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		report.Systems = append(report.Systems, res)
	}

	if !noRoute {
		logf("маршрутизация…")
		r, err := benchRouting(ctx, rows, routingOptions(tf.threads), kindOptions(tf.threads))
		if err != nil {
			return fmt.Errorf("bench: %w", err)
		}
		report.Routing = &r
	}

	if asJSON {
		return json.NewEncoder(stdout).Encode(report)
	}
	fmt.Fprintf(stdout, "метка: %s; обучение %d, тест %d, меток %d\n\n", report.Label, report.Train, report.Test, report.Labels)
	if len(report.Systems) > 0 {
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
	}
	if r := report.Routing; r != nil {
		fmt.Fprintf(stdout, "\nмаршрутизация (executor_org по тексту и району), %d сообщений тестовой части:\n", r.N)
		fmt.Fprintf(stdout, "  top-1 по тексту и району (правила × вид исполнителя по тексту): %.4f (по одному на текст и район: %.4f; обучение %.1f с)\n",
			r.Top1, r.Top1Dedup, r.TrainSeconds)
		fmt.Fprintf(stdout, "  то же по одной строке на текст, как в разбиении бенчмарка (%d):   %.4f\n", r.NText, r.Top1Text)
		fmt.Fprintf(stdout, "  top-1 только правила (рубрика+причина по тексту × район):      %.4f (метка верна в %.4f)\n",
			r.Top1Router, r.LabelAccuracy)
		fmt.Fprintf(stdout, "  top-1 по верной рубрике+причине × район (потолок правил):       %.4f\n  top-1 только по району:                                         %.4f\n",
			r.Top1GoldLabel, r.Top1DistrictOnly)
		if p := r.Place; p != nil {
			fmt.Fprintf(stdout, "  с местом из сообщения портала (дом ли в адресе, улица, клетки точки на карте):\n")
			fmt.Fprintf(stdout, "    top-1 %.4f (по одному на текст и район: %.4f; по одной строке на текст: %.4f; обучение %.1f с)\n",
				p.Top1, p.Top1Dedup, p.Top1Text, p.TrainSeconds)
			fmt.Fprintf(stdout, "    только правила %.4f (метка верна в %.4f)\n", p.Top1Router, p.LabelAccuracy)
		}
	}
	return nil
}

// benchOtklik trains Otklik's classifier on train, saves and reloads it
// (so the scores are of the quantised file) and scores it on test.
func benchOtklik(ctx context.Context, train, test []nlp.Example, opts nlp.TrainOptions, workDir string, logf func(string, ...any)) (SystemResult, error) {
	logf("обучение Otklik…")
	start, cpu0 := time.Now(), cpuSeconds()
	m, err := nlp.Train(ctx, train, opts)
	if err != nil {
		return SystemResult{}, err
	}
	trainSec, trainCPU := time.Since(start).Seconds(), cpuSeconds()-cpu0
	modelPath := filepath.Join(workDir, "otklik.otm")
	if err := m.Save(modelPath); err != nil {
		return SystemResult{}, err
	}
	loaded, err := nlp.LoadFile(modelPath)
	if err != nil {
		return SystemResult{}, err
	}
	s, _, _, err := evaluateCPU(ctx, loaded, test, nil)
	if err != nil {
		return SystemResult{}, err
	}
	pps, ppsCPU, loadSec, err := timeColdPasses(ctx, modelPath, test)
	if err != nil {
		return SystemResult{}, err
	}
	st, err := os.Stat(modelPath)
	if err != nil {
		return SystemResult{}, err
	}
	return SystemResult{
		Name: "Otklik", Accuracy: s.Accuracy, MacroF1: s.MacroF1, TrainSeconds: trainSec, TrainCPUSeconds: trainCPU,
		PredictionsPerSecond:         pps,
		PredictionsPerCPUSecond:      ppsCPU,
		PredictionsPerSecondWithLoad: float64(len(test)) / (float64(len(test))/pps + loadSec),
		ModelBytes:                   st.Size(),
		Note: fmt.Sprintf("2^%d buckets, char %d-%d-grams, %d epochs, lr %g, class weight %g, refit %v, %d threads; scored after the quantised save/load; "+
			"rates are the median of %d passes over the test texts, each with a freshly loaded model (load %.2f s, not counted)",
			opts.Features.Bits, opts.Features.MinN, opts.Features.MaxN, opts.Epochs, opts.LearningRate, opts.ClassWeightPower, opts.Refit, opts.Threads,
			speedPasses, loadSec),
	}, nil
}

// speedPasses is how many times Otklik's prediction rate is measured.
const speedPasses = 5

// timeColdPasses measures Otklik's predictions per second (wall and CPU
// time) on one goroutine: each pass loads the model afresh (so no pass
// profits from the token caches of an earlier one), collects garbage, then
// predicts every test text once. It returns the median rates of
// speedPasses passes and the shortest load time.
func timeColdPasses(ctx context.Context, path string, test []nlp.Example) (pps, ppsCPU, loadSec float64, err error) {
	var wall, cpu []float64
	loadSec = math.Inf(1)
	for range speedPasses {
		start := time.Now()
		m, err := nlp.LoadFile(path)
		if err != nil {
			return 0, 0, 0, err
		}
		loadSec = min(loadSec, time.Since(start).Seconds())
		if err := ctx.Err(); err != nil {
			return 0, 0, 0, err
		}
		runtime.GC()
		start, cpu0 := time.Now(), cpuSeconds()
		for _, e := range test {
			m.Top1(e.Text)
		}
		el, c := time.Since(start).Seconds(), cpuSeconds()-cpu0
		if el > 0 {
			wall = append(wall, float64(len(test))/el)
		}
		if c > 0 {
			cpu = append(cpu, float64(len(test))/c)
		}
	}
	return median(wall), median(cpu), loadSec, nil
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	slices.Sort(v)
	return v[len(v)/2]
}

func readBenchRows(ctx context.Context, path string, labelCols []string) ([]benchRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	const fixed = 8
	cols := append([]string{"text", "district", "executor_org", "category", "reason", "address", "latitude", "longitude"}, labelCols...)
	recs, err := nlp.ReadCSVColumns(ctx, bufio.NewReaderSize(f, 1<<20), cols...)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rows := make([]benchRow, 0, len(recs))
	for i, r := range recs {
		l := strings.Join(r[fixed:], nlp.LabelSep)
		if strings.TrimSpace(r[0]) == "" || r[fixed] == "" {
			continue
		}
		place, err := portalPlace(r[5], r[6], r[7])
		if err != nil {
			return nil, fmt.Errorf("%s: record %d: %w", path, i+1, err)
		}
		rows = append(rows, benchRow{text: r[0], district: r[1], executor: r[2], label: l, pair: r[3] + nlp.LabelSep + r[4], place: place})
	}
	return rows, nil
}

// portalPlace reads the portal's address field and map point: the address
// names a house when the address finder reads a house number in it.
func portalPlace(address, lat, lon string) (nlp.Place, error) {
	var p nlp.Place
	if a, ok := geo.FindAddress(address); ok {
		p.House = a.House != ""
		p.Street = strings.TrimSpace(a.StreetType + " " + a.Street)
	}
	if lat == "" && lon == "" {
		return p, nil
	}
	var err error
	if p.Lat, err = strconv.ParseFloat(lat, 64); err != nil {
		return p, fmt.Errorf("latitude %q: not a number", lat)
	}
	if p.Lon, err = strconv.ParseFloat(lon, 64); err != nil {
		return p, fmt.Errorf("longitude %q: not a number", lon)
	}
	p.HasPoint = true
	return p, nil
}

// routingOptions are the label model's options for routing: category +
// reason pairs (126 labels) learned from every training row, unweighted
// (routing is scored per message, so frequent labels matter more).
func routingOptions(threads int) nlp.TrainOptions {
	tf := trainFlags{minn: 3, maxn: -1, wordNgrams: 2, classWeight: 0, threads: threads, refit: "auto"}
	return tf.options(126)
}

// kindOptions are the executor-kind classifier's options for routing: as
// routingOptions, with 10 passes (its 45 kinds would get 4).
func kindOptions(threads int) nlp.TrainOptions {
	o := routingOptions(threads)
	o.Epochs = 10
	return o
}

// benchRouting learns executor rules, a category + reason model and an
// executor-kind model from the training part's history (every row, not
// deduplicated: the same text goes to different executors in different
// districts, and routing is scored per message) and scores top-1 on every
// test-part row: from the text and the district, and again with the place
// the portal's message carries.
func benchRouting(ctx context.Context, rows []benchRow, opts, kindOpts nlp.TrainOptions) (RoutingResult, error) {
	var hist []nlp.RoutingExample
	var trainRows, testRows []benchRow
	for _, r := range rows {
		if nlp.IsTestKey(nlp.SplitKey(r.text)) {
			testRows = append(testRows, r)
			continue
		}
		trainRows = append(trainRows, r)
		hist = append(hist, nlp.RoutingExample{District: r.district, Label: r.pair, Executor: r.executor})
	}
	var res RoutingResult
	em := nlp.LearnExecutors(hist, 0)
	kmap := nlp.LearnKindMap(hist)
	plain, err := routeFigures(ctx, trainRows, testRows, em, kmap, opts, kindOpts, func(r benchRow) string { return r.text })
	if err != nil {
		return res, err
	}
	place, err := routeFigures(ctx, trainRows, testRows, em, kmap, opts, kindOpts, func(r benchRow) string { return nlp.PlaceText(r.text, r.place) })
	if err != nil {
		return res, err
	}
	res.RouteFigures, res.Place = plain, &place
	var hitGold, hitD int
	for _, r := range testRows {
		if got := em.Route(r.district, []nlp.Prediction{{Label: r.pair, P: 1}}); len(got) > 0 && got[0].Executor == r.executor {
			hitGold++
		}
		if got := em.Route(r.district, nil); len(got) > 0 && got[0].Executor == r.executor {
			hitD++
		}
	}
	res.N = len(testRows)
	if res.N > 0 {
		res.Top1GoldLabel = float64(hitGold) / float64(res.N)
		res.Top1DistrictOnly = float64(hitD) / float64(res.N)
	}
	return res, nil
}

// routeFigures trains the label and kind models on input(row) of the
// training rows and scores routing on the test rows.
func routeFigures(ctx context.Context, trainRows, testRows []benchRow, em *nlp.ExecutorModel, kmap *nlp.KindMap,
	opts, kindOpts nlp.TrainOptions, input func(benchRow) string) (RouteFigures, error) {
	var res RouteFigures
	train := make([]nlp.Example, 0, len(trainRows))
	var kindTrain []nlp.Example
	for _, r := range trainRows {
		train = append(train, nlp.Example{Text: input(r), Label: r.pair})
		if r.executor != "" {
			kindTrain = append(kindTrain, nlp.KindExample(r.district, input(r), r.executor))
		}
	}
	start := time.Now()
	m, err := nlp.Train(ctx, train, opts)
	if err != nil {
		return res, err
	}
	kinds, err := nlp.Train(ctx, kindTrain, kindOpts)
	if err != nil {
		return res, err
	}
	res.TrainSeconds = time.Since(start).Seconds()
	router := nlp.NewRouter(m, em)
	mixed := nlp.NewMixedRouter(router, kinds, kmap, 0)
	var hit, hitRouter, hitLabel int
	type group struct {
		counts map[string]int
		pred   string
	}
	groups := map[[2]string]*group{}
	for i, r := range testRows {
		if i%1024 == 0 && ctx.Err() != nil {
			return res, ctx.Err()
		}
		text := input(r)
		pred := ""
		if got := mixed.Route(r.district, text); len(got) > 0 {
			pred = got[0].Executor
		}
		if pred == r.executor {
			hit++
		}
		if got := router.Route(r.district, text); len(got) > 0 && got[0].Executor == r.executor {
			hitRouter++
		}
		k := [2]string{nlp.SplitKey(r.text), r.district}
		g := groups[k]
		if g == nil {
			g = &group{counts: map[string]int{}, pred: pred}
			groups[k] = g
		}
		g.counts[r.executor]++
		if l, _ := m.Top1(text); l == r.pair {
			hitLabel++
		}
	}
	if len(testRows) == 0 {
		return res, nil
	}
	n := float64(len(testRows))
	res.Top1 = float64(hit) / n
	res.Top1Router = float64(hitRouter) / n
	res.LabelAccuracy = float64(hitLabel) / n
	hitG := 0
	for _, g := range groups {
		best, bn := "", 0
		for e, c := range g.counts {
			if c > bn || (c == bn && e < best) {
				best, bn = e, c
			}
		}
		if best == g.pred {
			hitG++
		}
	}
	res.Top1Dedup = float64(hitG) / float64(len(groups))
	res.NText, res.Top1Text = scoreByText(testRows, func(key, district string) string { return groups[[2]string{key, district}].pred })
	return res, nil
}

// scoreByText scores routing on one row per distinct normalised text of
// rows: its most frequent executor (ties: the first seen) in the district
// where that executor answered it most often (ties: the first seen), with
// pred giving the predicted executor of a text key in a district.
func scoreByText(rows []benchRow, pred func(key, district string) string) (n int, top1 float64) {
	type text struct {
		key   string
		execs []string                  // in order of first appearance
		n     map[string]int            // executor → rows
		dist  map[string][]string       // executor → districts in order of first appearance
		dn    map[string]map[string]int // executor → district → rows
	}
	idx := map[string]*text{}
	var order []*text
	for _, r := range rows {
		k := nlp.SplitKey(r.text)
		t := idx[k]
		if t == nil {
			t = &text{key: k, n: map[string]int{}, dist: map[string][]string{}, dn: map[string]map[string]int{}}
			idx[k] = t
			order = append(order, t)
		}
		if t.n[r.executor] == 0 {
			t.execs = append(t.execs, r.executor)
			t.dn[r.executor] = map[string]int{}
		}
		t.n[r.executor]++
		if t.dn[r.executor][r.district] == 0 {
			t.dist[r.executor] = append(t.dist[r.executor], r.district)
		}
		t.dn[r.executor][r.district]++
	}
	hit := 0
	for _, t := range order {
		best := t.execs[0]
		for _, e := range t.execs[1:] {
			if t.n[e] > t.n[best] {
				best = e
			}
		}
		d := t.dist[best][0]
		for _, x := range t.dist[best][1:] {
			if t.dn[best][x] > t.dn[best][d] {
				d = x
			}
		}
		if pred(t.key, d) == best {
			hit++
		}
	}
	if len(order) == 0 {
		return 0, 0
	}
	return len(order), float64(hit) / float64(len(order))
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
