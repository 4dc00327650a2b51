package nlp

import (
	"encoding/binary"
	"math"
	"slices"
	"sort"
	"sync"
)

// Example is one labelled text.
type Example struct {
	Text  string
	Label string
}

// Prediction is one label with its calibrated probability.
type Prediction struct {
	Label string  `json:"label"`
	P     float64 `json:"p"`
}

// Model is a linear multinomial logistic regression over hashed features
// with a softmax temperature fitted on held-out data. A Model is immutable
// after Train or Load and safe for concurrent use by many goroutines.
type Model struct {
	labels []string
	cfg    FeatureConfig
	nc     int
	// During training the weights are float32 (w). A finished model keeps
	// them quantised in qb: per bucket a row of stride = 4+nc bytes, a
	// little-endian float32 scale (0 for a bucket with no weights) followed
	// by one int8 per label; w is then nil. The int8 rows are 4× smaller and
	// keep the scale on the same cache line, so predictions touch about one
	// cache line per feature.
	w    []float32 // Buckets()*nc, row per bucket
	qb   []byte
	bias []float32
	temp float32 // logits are divided by temp before the softmax
	pool sync.Pool
}

type scratch struct {
	f      *Featurizer
	feats  []uint32
	logits []float64
	acc    []float32
}

func newModel(labels []string, cfg FeatureConfig) *Model {
	nc := len(labels)
	return &Model{
		labels: labels,
		cfg:    cfg,
		nc:     nc,
		w:      make([]float32, cfg.Buckets()*nc),
		bias:   make([]float32, nc),
		temp:   1,
	}
}

func (m *Model) getScratch() *scratch {
	if s, ok := m.pool.Get().(*scratch); ok {
		return s
	}
	return &scratch{f: NewFeaturizer(m.cfg), logits: make([]float64, m.nc), acc: make([]float32, m.nc)}
}

// Labels returns the model's labels in index order (a copy).
func (m *Model) Labels() []string { return slices.Clone(m.labels) }

// FeatureConfig returns the feature configuration the model was trained with.
func (m *Model) FeatureConfig() FeatureConfig { return m.cfg }

// Temperature returns the calibration temperature (1 when uncalibrated).
func (m *Model) Temperature() float64 { return float64(m.temp) }

// featureScale is the value of every feature occurrence: texts are L2
// normalised as if all features were distinct.
func featureScale(n int) float32 {
	if n == 0 {
		return 0
	}
	return float32(1 / math.Sqrt(float64(n)))
}

// logits computes raw (uncalibrated) scores of feats into out.
// acc is a scratch buffer of len(m.labels) float32s.
func (m *Model) logitsOf(feats []uint32, acc []float32, out []float64) {
	nc := m.nc
	acc = acc[:nc]
	clear(acc)
	if m.w == nil {
		stride := 4 + nc
		for _, f := range feats {
			off := int(f) * stride
			rec := m.qb[off : off+stride]
			sc := math.Float32frombits(binary.LittleEndian.Uint32(rec))
			if sc == 0 {
				continue
			}
			row := rec[4:]
			row = row[:len(acc)]
			for c, v := range row {
				acc[c] += float32(int8(v)) * sc
			}
		}
	} else {
		for _, f := range feats {
			row := m.w[int(f)*nc : int(f)*nc+nc]
			row = row[:len(acc)]
			for c, v := range row {
				acc[c] += v
			}
		}
	}
	x := featureScale(len(feats))
	for c := range out {
		out[c] = float64(acc[c]*x + m.bias[c])
	}
}

// Probabilities writes the calibrated probability of every label (in Labels
// order) into dst, growing it as needed, and returns it.
func (m *Model) Probabilities(text string, dst []float64) []float64 {
	s := m.getScratch()
	defer m.pool.Put(s)
	s.feats = s.f.Features(text, s.feats[:0])
	dst = slices.Grow(dst[:0], m.nc)[:m.nc]
	m.logitsOf(s.feats, s.acc, dst)
	softmax(dst, float64(m.temp))
	return dst
}

// Predict returns the k most probable labels, most probable first, with
// calibrated probabilities. k <= 0 or k > the number of labels means all.
func (m *Model) Predict(text string, k int) []Prediction {
	s := m.getScratch()
	defer m.pool.Put(s)
	s.feats = s.f.Features(text, s.feats[:0])
	m.logitsOf(s.feats, s.acc, s.logits)
	softmax(s.logits, float64(m.temp))
	return topK(m.labels, s.logits, k)
}

// Top1 returns the most probable label and its probability; it does not
// allocate after warm-up.
func (m *Model) Top1(text string) (string, float64) {
	s := m.getScratch()
	defer m.pool.Put(s)
	s.feats = s.f.Features(text, s.feats[:0])
	m.logitsOf(s.feats, s.acc, s.logits)
	softmax(s.logits, float64(m.temp))
	best := 0
	for c, p := range s.logits {
		if p > s.logits[best] {
			best = c
		}
	}
	return m.labels[best], s.logits[best]
}

func topK(labels []string, p []float64, k int) []Prediction {
	if k <= 0 || k > len(p) {
		k = len(p)
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	if k == 1 {
		best := 0
		for c := range p {
			if p[c] > p[best] {
				best = c
			}
		}
		return []Prediction{{Label: labels[best], P: p[best]}}
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	out := make([]Prediction, k)
	for i := range out {
		out[i] = Prediction{Label: labels[idx[i]], P: p[idx[i]]}
	}
	return out
}

// softmax turns logits into probabilities in place, dividing by temp first.
func softmax(z []float64, temp float64) {
	if len(z) == 0 {
		return
	}
	mx := math.Inf(-1)
	for i := range z {
		z[i] /= temp
		if z[i] > mx {
			mx = z[i]
		}
	}
	sum := 0.0
	for i := range z {
		z[i] = math.Exp(z[i] - mx)
		sum += z[i]
	}
	for i := range z {
		z[i] /= sum
	}
}

// quantise converts the float32 weights to int8 with one scale per bucket
// row (the model file's representation) and drops the float32 weights.
func (m *Model) quantise() {
	if m.w == nil {
		return
	}
	nc, n := m.nc, m.cfg.Buckets()
	stride := 4 + nc
	m.qb = make([]byte, n*stride)
	for r := 0; r < n; r++ {
		row := m.w[r*nc : r*nc+nc]
		var mx float32
		for _, v := range row {
			mx = max(mx, float32(math.Abs(float64(v))))
		}
		if mx == 0 {
			continue
		}
		sc := mx / 127
		rec := m.qb[r*stride : r*stride+stride]
		binary.LittleEndian.PutUint32(rec, math.Float32bits(sc))
		for c, v := range row {
			rec[4+c] = byte(int8(math.Round(float64(v / sc))))
		}
	}
	m.w = nil
}

// qrow returns bucket r's scale and int8 weights (as bytes) of a quantised model.
func (m *Model) qrow(r int) (float32, []byte) {
	stride := 4 + m.nc
	rec := m.qb[r*stride : r*stride+stride]
	return math.Float32frombits(binary.LittleEndian.Uint32(rec)), rec[4:]
}
