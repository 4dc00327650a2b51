package nlp

import (
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// RoutingExample is one routed message from history: where it came from,
// what it was about, and which organisation answered it.
type RoutingExample struct {
	District string
	Label    string
	Executor string
	// N is how many messages this example stands for (a count from an
	// aggregate query); 0 means one.
	N int
}

// weight is how many messages the example stands for.
func (h RoutingExample) weight() float64 {
	if h.N > 0 {
		return float64(h.N)
	}
	return 1
}

// ExecutorModel routes a message to an executor organisation from its
// district and its (predicted) topic label, with rules learned from
// history: P(executor | district, label) estimated from counts and smoothed
// towards P(executor | label), which is smoothed towards P(executor |
// district), which is smoothed towards the global executor frequencies
// (Dirichlet back-off: a rare district × label cell leans on its label,
// an unknown label on its district, an unknown district on everything). It
// is immutable after LearnExecutors and safe for concurrent use.
type ExecutorModel struct {
	execs []string
	idx   map[string]int
	// Counts per district × label cell (sparse), per label and per
	// district (dense over execs), and overall.
	byDL   map[[2]string]*execCounts
	byL    map[string]*execCounts
	byD    map[string]*execCounts
	global *execCounts
	// a and b are the pseudo-counts of the back-off priors of a district ×
	// label cell and of a label.
	a, b float64
}

// execCounts is how often each executor (by index) answered.
type execCounts struct {
	n     []float64 // dense over ExecutorModel.execs (only byL, byD, global)
	cells []execCount
	total float64
}

type execCount struct {
	e int
	n float64
}

// labelPrior is the pseudo-count of a label's prior (its district's
// executor mix): chosen on a held-out part of the St Petersburg training
// data together with the cell prior (LearnExecutors' minCount); the
// routing figure moves by less than 0.002 between 0.5 and 20.
const labelPrior = 5

// LearnExecutors builds an ExecutorModel from history. minCount (default 2
// when <= 0) is the weight, in examples, of a district × label cell's
// back-off prior: a cell with that many examples is trusted half and half.
func LearnExecutors(history []RoutingExample, minCount int) *ExecutorModel {
	if minCount <= 0 {
		minCount = 2
	}
	em := &ExecutorModel{
		idx:  map[string]int{},
		byDL: map[[2]string]*execCounts{},
		byL:  map[string]*execCounts{},
		byD:  map[string]*execCounts{},
		a:    float64(minCount),
		b:    labelPrior,
	}
	for _, h := range history {
		if h.Executor == "" {
			continue
		}
		if _, ok := em.idx[h.Executor]; !ok {
			em.idx[h.Executor] = len(em.execs)
			em.execs = append(em.execs, h.Executor)
		}
	}
	ne := len(em.execs)
	dense := func(m map[string]*execCounts, k string) *execCounts {
		c := m[k]
		if c == nil {
			c = &execCounts{n: make([]float64, ne)}
			m[k] = c
		}
		return c
	}
	em.global = &execCounts{n: make([]float64, ne)}
	for _, h := range history {
		if h.Executor == "" {
			continue
		}
		e, w := em.idx[h.Executor], h.weight()
		for _, c := range []*execCounts{dense(em.byL, h.Label), dense(em.byD, h.District), em.global} {
			c.n[e] += w
			c.total += w
		}
		k := [2]string{h.District, h.Label}
		c := em.byDL[k]
		if c == nil {
			c = &execCounts{}
			em.byDL[k] = c
		}
		c.total += w
		found := false
		for i := range c.cells {
			if c.cells[i].e == e {
				c.cells[i].n += w
				found = true
				break
			}
		}
		if !found {
			c.cells = append(c.cells, execCount{e: e, n: w})
		}
	}
	return em
}

// Knows reports whether history holds the label at all (an unknown one would be routed by the district's mix
// alone).
func (em *ExecutorModel) Knows(label string) bool {
	_, ok := em.byL[label]
	return ok
}

// Executors returns the executors seen in history (a copy).
func (em *ExecutorModel) Executors() []string { return slices.Clone(em.execs) }

// districtPrior writes P(executor | district), smoothed towards the global
// frequencies with one pseudo-example, into dst.
func (em *ExecutorModel) districtPrior(district string, dst []float64) {
	g := em.global
	d := em.byD[district]
	for e := range dst {
		pg := g.n[e] / g.total
		if d == nil {
			dst[e] = pg
			continue
		}
		dst[e] = (d.n[e] + pg) / (d.total + 1)
	}
}

// addLabel adds w · P(executor | district, label) to scores, given the
// district's prior pd.
func (em *ExecutorModel) addLabel(district, label string, pd []float64, w float64, scores []float64) {
	// P(e | label) = (n_le + b·pd) / (n_l + b); the cell's own counts
	// then sit on top of a·P(e | label).
	var ln []float64
	var lt float64
	if l := em.byL[label]; l != nil {
		ln, lt = l.n, l.total
	}
	var ct float64
	cell := em.byDL[[2]string{district, label}]
	if cell != nil {
		ct = cell.total
	}
	wPrior := w * em.a / (ct + em.a)
	if ln == nil {
		for e, p := range pd {
			scores[e] += wPrior * p
		}
	} else {
		inv := 1 / (lt + em.b)
		for e, p := range pd {
			scores[e] += wPrior * (ln[e] + em.b*p) * inv
		}
	}
	if cell != nil {
		wc := w / (ct + em.a)
		for _, c := range cell.cells {
			scores[c.e] += wc * c.n
		}
	}
}

// ExecutorScore is one candidate executor with its estimated probability.
type ExecutorScore struct {
	Executor string  `json:"executor"`
	P        float64 `json:"p"`
}

// Route ranks executors for a district given predicted labels with their
// probabilities (e.g. Model.Predict(text, 0) for all of them): each
// executor's score is the sum over labels of P(label | text) · P(executor
// | district, label), the label weights normalised to sum to 1. The best
// comes first; an empty result means no history at all. Without labels
// the district's own executor mix decides.
func (em *ExecutorModel) Route(district string, labels []Prediction) []ExecutorScore {
	if len(em.execs) == 0 {
		return nil
	}
	pd := make([]float64, len(em.execs))
	em.districtPrior(district, pd)
	scores := make([]float64, len(em.execs))
	total := 0.0
	for _, l := range labels {
		total += l.P
	}
	if len(labels) == 0 || total <= 0 {
		copy(scores, pd)
	} else {
		for _, l := range labels {
			if l.P > 0 {
				em.addLabel(district, l.Label, pd, l.P/total, scores)
			}
		}
	}
	return em.ranked(scores)
}

func (em *ExecutorModel) ranked(scores []float64) []ExecutorScore {
	out := make([]ExecutorScore, 0, len(scores))
	for e, p := range scores {
		if p > 0 {
			out = append(out, ExecutorScore{Executor: em.execs[e], P: p})
		}
	}
	sortScores(out)
	return out
}

// sortScores orders executors by probability, highest first, ties by name.
func sortScores(out []ExecutorScore) {
	sort.Slice(out, func(i, j int) bool {
		if out[i].P != out[j].P {
			return out[i].P > out[j].P
		}
		return out[i].Executor < out[j].Executor
	})
}

// Router routes a message to an executor organisation from its text and
// its district: a topic model (trained on the labels the history was
// routed by, e.g. category + reason pairs) gives P(label | text) over all
// its labels, and the ExecutorModel's rules turn each label into executors
// for the district. It is safe for concurrent use.
type Router struct {
	labels *Model
	execs  *ExecutorModel
}

// NewRouter combines a label model and executor rules learned with the
// same labels.
func NewRouter(labels *Model, execs *ExecutorModel) *Router {
	return &Router{labels: labels, execs: execs}
}

// routeMinP is the label probability below which a label is left out of
// the sum (it cannot change the ranking measurably).
const routeMinP = 1e-4

// Route ranks the executors for a message, best first (see
// ExecutorModel.Route).
func (r *Router) Route(district, text string) []ExecutorScore {
	em := r.execs
	if len(em.execs) == 0 {
		return nil
	}
	p := r.labels.Probabilities(text, nil)
	pd := make([]float64, len(em.execs))
	em.districtPrior(district, pd)
	scores := make([]float64, len(em.execs))
	total := 0.0
	for _, q := range p {
		if q >= routeMinP {
			total += q
		}
	}
	for c, q := range p {
		if q >= routeMinP {
			em.addLabel(district, r.labels.labels[c], pd, q/total, scores)
		}
	}
	if total == 0 {
		copy(scores, pd)
	}
	return em.ranked(scores)
}

// ExecutorKind generalises an executor's name over districts: the word
// naming the district inside it («СПб ГКУ ЖА Невского района» for district
// «Невский») becomes "{район}", so that «СПб ГКУ ЖА {район} района» is one
// kind of executor that a text classifier can learn across all districts.
// Names without the district are returned unchanged.
func ExecutorKind(executor, district string) string {
	stem := districtStem(district)
	if stem == "" {
		return executor
	}
	lowExec := strings.ToLower(executor)
	i := strings.Index(lowExec, stem)
	if i < 0 || len(lowExec) != len(executor) {
		return executor
	}
	j := i + len(stem)
	for j < len(executor) {
		r, size := utf8.DecodeRuneInString(executor[j:])
		if !unicode.IsLetter(r) {
			break
		}
		j += size
	}
	return executor[:i] + DistrictPlaceholder + executor[j:]
}

// DistrictPlaceholder stands for the district's name in an executor kind.
const DistrictPlaceholder = "{район}"

// districtStem is the lower-case district name without its last two
// letters (the adjective ending): «Невский» → «невск».
func districtStem(district string) string {
	d := []rune(strings.ToLower(strings.TrimSpace(district)))
	if len(d) < 5 {
		return ""
	}
	return string(d[:len(d)-2])
}

// RouteText is the input of an executor-kind classifier: the district as a
// leading word, then the message, so a linear model can learn both what
// the text is about and which districts route which kinds differently.
func RouteText(district, text string) string {
	return "район_" + strings.ToLower(strings.Join(strings.Fields(district), "_")) + " " + text
}
