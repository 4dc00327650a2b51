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
	// vocab are the training data's frequent words (stored in the file)
	// and shared their precomputed summed weights (see vocab.go).
	vocab  []vocabWord
	shared *tokenTable
	pool   sync.Pool
}

// scratch is one goroutine's working memory for predictions (pooled).
type scratch struct {
	f      *Featurizer
	feats  []uint32
	logits []float64
	acc    []float32
	// The token cache of a quantised model: per distinct token seen
	// (outside the model's vocabulary), its hash for bigrams and the
	// summed weights of the features it contributes on its own (unigram
	// and character n-grams), so a token seen before costs one look-up
	// and nc additions instead of a weight row per feature. Bounded:
	// emptied when full.
	tokens  *tokenTable
	touched byte // keeps the prefetching loads of textLogits alive
	tmp     []uint32
	row     []float32
	hword   []uint32
}

// tokenCacheBytes bounds the summed weights one scratch caches (a
// variable so that tests can make the cache small).
var tokenCacheBytes = 8 << 20

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
	return &scratch{f: NewFeaturizer(m.cfg), logits: make([]float64, m.nc), acc: make([]float32, m.nc), row: make([]float32, m.nc)}
}

// maxTokens is how many tokens a scratch's cache holds.
func (m *Model) maxTokens() int {
	return max(256, min(maxWordCache*2, tokenCacheBytes/(4*max(m.nc, 1))))
}

// textLogits writes the raw (uncalibrated) scores of text into s.logits.
func (m *Model) textLogits(s *scratch, text string) {
	if m.w != nil {
		s.feats = s.f.Features(text, s.feats[:0])
		m.logitsOf(s.feats, s.acc, s.logits)
		return
	}
	f := s.f
	nc := m.nc
	acc := s.acc[:nc]
	clear(acc)
	n := 0
	s.hword = s.hword[:0]
	for _, t := range f.normTokens(text) {
		h := hashToken(t.Text)
		tt := m.shared
		off, ok := tt.find(t.Text, h)
		if !ok {
			if s.tokens == nil {
				s.tokens = newTokenTable(nc, m.maxTokens())
			}
			tt = s.tokens
			if off, ok = tt.find(t.Text, h); !ok {
				off = m.addToken(s, t, h)
			}
		}
		hw, cnt, sums := tt.entry(off)
		s.hword = append(s.hword, hw)
		n += int(cnt)
		sums = sums[:len(acc)]
		for c, v := range sums {
			acc[c] += math.Float32frombits(v)
		}
	}
	if m.cfg.WordNgrams >= 2 && len(s.hword) > 1 {
		// First touch every bigram's weight row, then add them: the
		// touches are independent loads the CPU overlaps, where adding
		// row after row would wait for each cache miss in turn.
		s.feats = s.feats[:0]
		stride := 4 + nc
		var touch byte
		for i := 1; i < len(s.hword); i++ {
			b := bigramFeature(s.hword[i-1], s.hword[i], f.mask)
			s.feats = append(s.feats, b)
			touch |= m.qb[int(b)*stride]
		}
		s.touched |= touch
		for _, b := range s.feats {
			m.addRow(acc, b)
		}
		n += len(s.feats)
	}
	x := featureScale(n)
	out := s.logits[:nc]
	for c := range out {
		out[c] = float64(acc[c]*x + m.bias[c])
	}
}

// addToken computes a token's entry in the scratch's token cache
// (emptying the cache first when it is full) and returns its offset.
func (m *Model) addToken(s *scratch, t Token, h uint64) int {
	if s.tokens.full() {
		s.tokens.reset()
	}
	var hw uint32
	hw, s.tmp = s.f.tokenFeatures(t, s.tmp[:0])
	clear(s.row)
	for _, ft := range s.tmp {
		m.addRow(s.row, ft)
	}
	return s.tokens.insert(t.Text, h, hw, uint32(len(s.tmp)), s.row)
}

// addRow adds the (dequantised) weights of bucket f to acc.
func (m *Model) addRow(acc []float32, f uint32) {
	stride := 4 + m.nc
	off := int(f) * stride
	rec := m.qb[off : off+stride]
	sc := math.Float32frombits(binary.LittleEndian.Uint32(rec))
	if sc == 0 {
		return
	}
	row := rec[4:]
	row = row[:len(acc)]
	for c, v := range row {
		acc[c] += float32(int8(v)) * sc
	}
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
	m.textLogits(s, text)
	dst = slices.Grow(dst[:0], m.nc)[:m.nc]
	copy(dst, s.logits)
	softmax(dst, float64(m.temp))
	return dst
}

// Predict returns the k most probable labels, most probable first, with
// calibrated probabilities. k <= 0 or k > the number of labels means all.
func (m *Model) Predict(text string, k int) []Prediction {
	s := m.getScratch()
	defer m.pool.Put(s)
	m.textLogits(s, text)
	softmax(s.logits, float64(m.temp))
	return topK(m.labels, s.logits, k)
}

// Top1 returns the most probable label and its probability; it does not
// allocate after warm-up.
func (m *Model) Top1(text string) (string, float64) {
	s := m.getScratch()
	defer m.pool.Put(s)
	m.textLogits(s, text)
	z := s.logits
	best := 0
	for c, v := range z {
		if v > z[best] {
			best = c
		}
	}
	// p(best) = 1 / Σ exp((z_c − z_best) / T); labels more than 40
	// temperatures behind add nothing a float64 can hold.
	inv := 1 / float64(m.temp)
	sum := 0.0
	for _, v := range z {
		if d := (v - z[best]) * inv; d > -40 {
			sum += math.Exp(d)
		}
	}
	return m.labels[best], 1 / sum
}

func topK(labels []string, p []float64, k int) []Prediction {
	if k <= 0 || k > len(p) {
		k = len(p)
	}
	out := make([]Prediction, 0, k)
	if k <= 8 {
		// Selection: k passes over the labels, ties to the lower index.
		for len(out) < k {
			best := -1
			for c, v := range p {
				if (best < 0 || v > p[best]) && !taken(out, labels[c]) {
					best = c
				}
			}
			out = append(out, Prediction{Label: labels[best], P: p[best]})
		}
		return out
	}
	idx := make([]int, len(p))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return p[idx[a]] > p[idx[b]] })
	for _, i := range idx[:k] {
		out = append(out, Prediction{Label: labels[i], P: p[i]})
	}
	return out
}

// taken reports whether label is already among the predictions.
func taken(out []Prediction, label string) bool {
	for _, o := range out {
		if o.Label == label {
			return true
		}
	}
	return false
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
