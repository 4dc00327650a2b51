package nlp

import (
	"context"
	"crypto/sha1"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
)

// TrainOptions tune Train. The zero value gives sensible defaults.
type TrainOptions struct {
	// Features selects the features; zero means DefaultFeatureConfig.
	Features FeatureConfig
	// Epochs over the training data (default 10).
	Epochs int
	// LearningRate is AdaGrad's base step (default 0.1).
	LearningRate float64
	// ClassWeightPower weights each example by (n/(K·n_label))^power:
	// 0 trains unweighted, 1 fully balances classes, values in between
	// trade accuracy for macro-F1 (default 0).
	ClassWeightPower float64
	// CalibrationFraction of the examples (chosen by a hash of the text) is
	// held out to fit the softmax temperature (default 0.1; negative
	// disables calibration and keeps temperature 1).
	CalibrationFraction float64
	// Refit retrains on all examples after calibration, keeping the fitted
	// temperature (costs a second training pass, gains the held-out data).
	Refit bool
	// Threads for featurisation and hogwild SGD (default 2).
	Threads int
	// Seed for shuffling (any value; the same seed gives the same model
	// with Threads = 1).
	Seed uint64
	// Vocabulary is how many of the training data's most frequent words
	// the model stores with their stems so that
	// predictions skip stemming and n-gram look-ups for them: 0 picks a
	// size from the label count (at most 65,536 words, about 8 MB of
	// precomputed weights in memory), negative stores none.
	Vocabulary int
	// Progress, if set, is called after each epoch with (epoch, total).
	Progress func(done, total int)
}

func (o TrainOptions) withDefaults() TrainOptions {
	if o.Features == (FeatureConfig{}) {
		o.Features = DefaultFeatureConfig
	}
	if o.Epochs <= 0 {
		o.Epochs = 10
	}
	if o.LearningRate <= 0 {
		o.LearningRate = 0.1
	}
	if o.CalibrationFraction == 0 {
		o.CalibrationFraction = 0.1
	}
	if o.Threads <= 0 {
		o.Threads = 2
	}
	return o
}

// ErrNoExamples is returned by Train when there is nothing to learn from.
var ErrNoExamples = errors.New("nlp: no labelled examples")

// featurised holds the feature indexes of many texts in one flat slice.
type featurised struct {
	feats []uint32
	off   []int // len n+1
	label []int32
}

func (d *featurised) row(i int) []uint32 { return d.feats[d.off[i]:d.off[i+1]] }

func featuriseAll(ctx context.Context, cfg FeatureConfig, ex []Example, labelIdx map[string]int, threads int) (*featurised, error) {
	d, _, err := featuriseCount(ctx, cfg, ex, labelIdx, threads, false)
	return d, err
}

// featuriseCount is featuriseAll that also counts the word tokens of the
// texts when count is set.
func featuriseCount(ctx context.Context, cfg FeatureConfig, ex []Example, labelIdx map[string]int, threads int, count bool) (*featurised, map[string]*vocabCount, error) {
	n := len(ex)
	parts := make([][]uint32, threads)
	counts := make([]map[string]*vocabCount, threads)
	lens := make([]int, n)
	var wg sync.WaitGroup
	chunk := (n + threads - 1) / threads
	errs := make([]error, threads)
	for t := 0; t < threads; t++ {
		lo, hi := t*chunk, min((t+1)*chunk, n)
		if lo >= hi {
			continue
		}
		wg.Add(1)
		go func(t, lo, hi int) {
			defer wg.Done()
			f := NewFeaturizer(cfg)
			var buf []uint32
			if count {
				counts[t] = map[string]*vocabCount{}
			}
			for i := lo; i < hi; i++ {
				if i%1024 == 0 && ctx.Err() != nil {
					errs[t] = ctx.Err()
					return
				}
				before := len(buf)
				buf = f.Features(ex[i].Text, buf)
				lens[i] = len(buf) - before
				if count {
					f.countWords(counts[t])
				}
			}
			parts[t] = buf
		}(t, lo, hi)
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	var all map[string]*vocabCount
	if count {
		all = counts[0]
		for _, c := range counts[1:] {
			if all == nil {
				all = c
			} else {
				mergeCounts(all, c)
			}
		}
	}
	d := &featurised{off: make([]int, n+1), label: make([]int32, n)}
	total := 0
	for _, p := range parts {
		total += len(p)
	}
	d.feats = make([]uint32, 0, total)
	for _, p := range parts {
		d.feats = append(d.feats, p...)
	}
	for i := range ex {
		d.off[i+1] = d.off[i] + lens[i]
		d.label[i] = int32(labelIdx[ex[i].Label])
	}
	return d, all, nil
}

// heldOut reports whether a text belongs to a held-out fraction, by hash.
func heldOut(text string, fraction float64) bool {
	if fraction <= 0 {
		return false
	}
	h := sha1.Sum([]byte(text))
	return float64(binary.BigEndian.Uint64(h[:8])%10000) < fraction*10000
}

// Train fits a topic model on examples. Labels are the distinct Label
// values (sorted); examples with an empty label are ignored.
func Train(ctx context.Context, examples []Example, opts TrainOptions) (*Model, error) {
	opts = opts.withDefaults()
	if err := opts.Features.Validate(); err != nil {
		return nil, err
	}
	labelSet := map[string]int{}
	var labels []string
	for _, e := range examples {
		if e.Label == "" {
			continue
		}
		if _, ok := labelSet[e.Label]; !ok {
			labelSet[e.Label] = 0
			labels = append(labels, e.Label)
		}
	}
	if len(labels) == 0 {
		return nil, ErrNoExamples
	}
	sort.Strings(labels)
	for i, l := range labels {
		labelSet[l] = i
	}
	var fit, cal []Example
	for _, e := range examples {
		if e.Label == "" {
			continue
		}
		if opts.CalibrationFraction > 0 && heldOut(e.Text, opts.CalibrationFraction) {
			cal = append(cal, e)
		} else {
			fit = append(fit, e)
		}
	}
	if len(fit) == 0 {
		fit, cal = cal, nil
	}
	all, counts, err := featuriseCount(ctx, opts.Features, append(fit, cal...), labelSet, opts.Threads, opts.Vocabulary >= 0)
	if err != nil {
		return nil, fmt.Errorf("nlp: train: %w", err)
	}
	m := newModel(labels, opts.Features)
	weights := classWeights(all.label, len(labels), opts.ClassWeightPower)
	fitIdx := make([]int, len(fit))
	for i := range fitIdx {
		fitIdx[i] = i
	}
	if err := sgd(ctx, m, all, fitIdx, weights, opts); err != nil {
		return nil, err
	}
	if len(cal) > 0 {
		calIdx := make([]int, len(cal))
		for i := range calIdx {
			calIdx[i] = len(fit) + i
		}
		m.temp = float32(fitTemperature(m, all, calIdx))
		if opts.Refit {
			t := m.temp
			m = newModel(labels, opts.Features)
			allIdx := make([]int, len(fit)+len(cal))
			for i := range allIdx {
				allIdx[i] = i
			}
			if err := sgd(ctx, m, all, allIdx, weights, opts); err != nil {
				return nil, err
			}
			m.temp = t
		}
	}
	m.quantise()
	if opts.Vocabulary >= 0 {
		size := opts.Vocabulary
		if size == 0 {
			size = m.maxTokens()
		}
		m.vocab = pickVocabulary(counts, size)
		m.buildShared()
	}
	return m, nil
}

func classWeights(labels []int32, nc int, power float64) []float32 {
	w := make([]float32, nc)
	counts := make([]int, nc)
	for _, l := range labels {
		counts[l]++
	}
	n := float64(len(labels))
	// Normalise so that the mean weight per example is 1.
	sum := 0.0
	for c := range w {
		if counts[c] == 0 {
			continue
		}
		v := math.Pow(n/(float64(nc)*float64(counts[c])), power)
		w[c] = float32(v)
		sum += v * float64(counts[c])
	}
	for c := range w {
		w[c] *= float32(n / sum)
	}
	return w
}

// sgd trains m on the rows idx of d with row-wise AdaGrad; with more than
// one thread it runs hogwild (lock-free updates of shared weights, which
// sparse text features tolerate well).
func sgd(ctx context.Context, m *Model, d *featurised, idx []int, cw []float32, opts TrainOptions) error {
	nc := m.nc
	g2 := make([]float32, m.cfg.Buckets()) // AdaGrad accumulator per bucket row
	gb := make([]float32, nc)
	var gbMu sync.Mutex
	rng := rand.New(rand.NewPCG(opts.Seed, 0x6f746b6c))
	order := append([]int(nil), idx...)
	lr := float32(opts.LearningRate)
	const eps = 1e-6
	const gradFloor = 1e-4
	for epoch := 0; epoch < opts.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		threads := opts.Threads
		chunk := (len(order) + threads - 1) / threads
		var wg sync.WaitGroup
		var canceled bool
		var cmu sync.Mutex
		for t := 0; t < threads; t++ {
			lo, hi := t*chunk, min((t+1)*chunk, len(order))
			if lo >= hi {
				continue
			}
			wg.Add(1)
			go func(part []int) {
				defer wg.Done()
				acc := make([]float32, nc)
				p := make([]float64, nc)
				grad := make([]float32, nc)
				active := make([]int32, 0, nc)
				for k, i := range part {
					if k%2048 == 0 && ctx.Err() != nil {
						cmu.Lock()
						canceled = true
						cmu.Unlock()
						return
					}
					feats := d.row(i)
					y := int(d.label[i])
					m.logitsOf(feats, acc, p)
					softmax(p, 1)
					x := featureScale(len(feats))
					wy := cw[y]
					var gsq float32
					active = active[:0]
					for c := range grad {
						g := float32(p[c]) * wy
						if c == y {
							g -= wy
						}
						grad[c] = g
						gsq += g * g
						// Classes with a negligible gradient are skipped in
						// the weight update: with many labels most are.
						if g > gradFloor || g < -gradFloor {
							active = append(active, int32(c))
						}
					}
					gsq *= x * x / float32(nc)
					for _, f := range feats {
						a := g2[f] + gsq
						g2[f] = a
						step := lr * x / float32(math.Sqrt(float64(a)+eps))
						row := m.w[int(f)*nc : int(f)*nc+nc]
						if len(active) == nc {
							row = row[:len(grad)]
							for c, g := range grad {
								row[c] -= step * g
							}
						} else {
							for _, c := range active {
								row[c] -= step * grad[c]
							}
						}
					}
					gbMu.Lock()
					for c, g := range grad {
						gb[c] += g * g
						m.bias[c] -= lr * 0.1 * g / float32(math.Sqrt(float64(gb[c])+eps))
					}
					gbMu.Unlock()
				}
			}(order[lo:hi])
		}
		wg.Wait()
		if canceled {
			return fmt.Errorf("nlp: train: %w", ctx.Err())
		}
		if opts.Progress != nil {
			opts.Progress(epoch+1, opts.Epochs)
		}
	}
	return nil
}

// fitTemperature finds the softmax temperature minimising the negative
// log-likelihood of the held-out rows (golden-section search on log T).
func fitTemperature(m *Model, d *featurised, idx []int) float64 {
	logits := make([][]float64, len(idx))
	acc := make([]float32, m.nc)
	for k, i := range idx {
		z := make([]float64, m.nc)
		m.logitsOf(d.row(i), acc, z)
		logits[k] = z
	}
	p := make([]float64, m.nc)
	nll := func(logT float64) float64 {
		t := math.Exp(logT)
		sum := 0.0
		for k, z := range logits {
			copy(p, z)
			softmax(p, t)
			sum -= math.Log(max(p[d.label[idx[k]]], 1e-12))
		}
		return sum
	}
	a, b := math.Log(0.05), math.Log(20)
	const phi = 0.6180339887498949
	c, e := b-phi*(b-a), a+phi*(b-a)
	fc, fe := nll(c), nll(e)
	for i := 0; i < 40; i++ {
		if fc < fe {
			b, e, fe = e, c, fc
			c = b - phi*(b-a)
			fc = nll(c)
		} else {
			a, c, fc = c, e, fe
			e = a + phi*(b-a)
			fe = nll(e)
		}
	}
	return math.Exp((a + b) / 2)
}
