package nlp

import (
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
}

// ExecutorModel routes a message to an executor organisation from its
// district and its (predicted) topic label, with rules learned from
// history: the most frequent executor for district × label, backed off to
// label alone and then district alone when a combination is rare. It is
// immutable after LearnExecutors and safe for concurrent use.
type ExecutorModel struct {
	byDL     map[[2]string]map[string]int
	byL      map[string]map[string]int
	byD      map[string]map[string]int
	global   map[string]int
	minCount int
}

// LearnExecutors builds an ExecutorModel from history. minCount (default 3
// when <= 0) is how many examples a district × label cell needs before it
// is trusted without backing off.
func LearnExecutors(history []RoutingExample, minCount int) *ExecutorModel {
	if minCount <= 0 {
		minCount = 3
	}
	em := &ExecutorModel{
		byDL:     map[[2]string]map[string]int{},
		byL:      map[string]map[string]int{},
		byD:      map[string]map[string]int{},
		global:   map[string]int{},
		minCount: minCount,
	}
	inc := func(m map[string]int, k string) { m[k]++ }
	for _, h := range history {
		if h.Executor == "" {
			continue
		}
		k := [2]string{h.District, h.Label}
		if em.byDL[k] == nil {
			em.byDL[k] = map[string]int{}
		}
		if em.byL[h.Label] == nil {
			em.byL[h.Label] = map[string]int{}
		}
		if em.byD[h.District] == nil {
			em.byD[h.District] = map[string]int{}
		}
		inc(em.byDL[k], h.Executor)
		inc(em.byL[h.Label], h.Executor)
		inc(em.byD[h.District], h.Executor)
		inc(em.global, h.Executor)
	}
	return em
}

// distribution returns P(executor | district, label) with back-off.
func (em *ExecutorModel) distribution(district, label string, add func(exec string, p float64), weight float64) {
	cells := []map[string]int{em.byDL[[2]string{district, label}], em.byL[label], em.byD[district], em.global}
	// The first cell with enough history wins; when none has minCount
	// examples, the first non-empty one does.
	for _, need := range []int{em.minCount, 1} {
		for _, c := range cells {
			total := 0
			for _, n := range c {
				total += n
			}
			if total >= need {
				for e, n := range c {
					add(e, weight*float64(n)/float64(total))
				}
				return
			}
		}
	}
}

// ExecutorScore is one candidate executor with its estimated probability.
type ExecutorScore struct {
	Executor string  `json:"executor"`
	P        float64 `json:"p"`
}

// Route ranks executors for a district given predicted labels with their
// probabilities (e.g. Model.Predict(text, 5)): each executor's score is the
// sum over labels of P(label | text) · P(executor | district, label). The
// best comes first; an empty result means no history at all.
func (em *ExecutorModel) Route(district string, labels []Prediction) []ExecutorScore {
	scores := map[string]float64{}
	add := func(e string, p float64) { scores[e] += p }
	total := 0.0
	for _, l := range labels {
		total += l.P
	}
	for _, l := range labels {
		w := l.P
		if total > 0 {
			w /= total
		}
		em.distribution(district, l.Label, add, w)
	}
	if len(labels) == 0 {
		em.distribution(district, "", add, 1)
	}
	out := make([]ExecutorScore, 0, len(scores))
	for e, p := range scores {
		out = append(out, ExecutorScore{Executor: e, P: p})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].P != out[j].P {
			return out[i].P > out[j].P
		}
		return out[i].Executor < out[j].Executor
	})
	return out
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
