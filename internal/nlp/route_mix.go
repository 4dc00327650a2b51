package nlp

import (
	"math"
	"strings"
)

// KindExample turns a routed message from history into a training example
// of an executor-kind classifier: RouteText(district, text) labelled with
// ExecutorKind(executor, district), so that «СПб ГКУ ЖА Невского района»
// and «СПб ГКУ ЖА Выборгского района» teach the same class.
func KindExample(district, text, executor string) Example {
	return Example{Text: RouteText(district, text), Label: ExecutorKind(executor, district)}
}

// KindMap turns an executor kind back into the executor of a district: the
// one of that kind that answered most often there in history. It is
// immutable after LearnKindMap and safe for concurrent use.
type KindMap struct {
	m map[[2]string]string // kind, district → executor
}

// LearnKindMap builds a KindMap from history (only District and Executor
// are read).
func LearnKindMap(history []RoutingExample) *KindMap {
	type key struct{ kind, district, exec string }
	counts := map[key]float64{}
	for _, h := range history {
		if h.Executor == "" {
			continue
		}
		counts[key{ExecutorKind(h.Executor, h.District), h.District, h.Executor}] += h.weight()
	}
	best := map[[2]string]float64{}
	km := &KindMap{m: map[[2]string]string{}}
	for k, n := range counts {
		kd := [2]string{k.kind, k.district}
		if n > best[kd] || (n == best[kd] && k.exec < km.m[kd]) {
			best[kd] = n
			km.m[kd] = k.exec
		}
	}
	return km
}

// Executor returns the executor of a kind in a district: the most frequent
// in history, else the kind itself when it names no district, else "".
func (km *KindMap) Executor(kind, district string) string {
	if e, ok := km.m[[2]string{kind, district}]; ok {
		return e
	}
	if !strings.Contains(kind, DistrictPlaceholder) {
		return kind
	}
	return ""
}

// MixedRouter combines two views of where a message goes: a Router (topic
// labels × district rules from history) and an executor-kind classifier
// over RouteText(district, text) (trained on KindExample), whose kinds a
// KindMap turns into the district's executors. The scores are multiplied,
// the kind classifier's raised to a weight (a product of experts): the
// rules know which organisation handles a topic in which district, the
// kind classifier learns directly from the text which kind of organisation
// answered, and they err on different messages. It is safe for concurrent
// use.
type MixedRouter struct {
	router *Router
	kinds  *Model
	kmap   *KindMap
	weight float64
}

// DefaultKindWeight is the kind classifier's exponent in MixedRouter:
// chosen on a held-out tenth of the St Petersburg training part, where
// weights from 0.25 to 1 scored within 0.003 of each other (and 0, the
// Router alone, 0.01 to 0.025 lower).
const DefaultKindWeight = 0.5

// mixFloor keeps an executor one expert rules out from vetoing the other.
const mixFloor = 1e-3

// NewMixedRouter combines a Router with an executor-kind classifier and
// its KindMap; weight <= 0 means DefaultKindWeight.
func NewMixedRouter(r *Router, kinds *Model, kmap *KindMap, weight float64) *MixedRouter {
	if weight <= 0 {
		weight = DefaultKindWeight
	}
	return &MixedRouter{router: r, kinds: kinds, kmap: kmap, weight: weight}
}

// Route ranks the executors for a message, best first, with probabilities
// that sum to 1: P ∝ (P_router + ε) · (P_kind + ε)^weight, over every
// executor either of them names.
func (mr *MixedRouter) Route(district, text string) []ExecutorScore {
	base := mr.router.Route(district, text)
	pk := map[string]float64{}
	probs := mr.kinds.Probabilities(RouteText(district, text), nil)
	for c, q := range probs {
		if e := mr.kmap.Executor(mr.kinds.labels[c], district); e != "" {
			pk[e] += q
		}
	}
	if len(base) == 0 && len(pk) == 0 {
		return nil
	}
	pr := make(map[string]float64, len(base))
	for _, s := range base {
		pr[s.Executor] = s.P
	}
	out := make([]ExecutorScore, 0, len(pr)+len(pk))
	for e, p := range pr {
		out = append(out, ExecutorScore{Executor: e, P: math.Log(p+mixFloor) + mr.weight*math.Log(pk[e]+mixFloor)})
	}
	for e, p := range pk {
		if _, ok := pr[e]; !ok {
			out = append(out, ExecutorScore{Executor: e, P: math.Log(mixFloor) + mr.weight*math.Log(p+mixFloor)})
		}
	}
	hi := math.Inf(-1)
	for _, s := range out {
		hi = max(hi, s.P)
	}
	sum := 0.0
	for i := range out {
		out[i].P = math.Exp(out[i].P - hi)
		sum += out[i].P
	}
	for i := range out {
		out[i].P /= sum
	}
	sortScores(out)
	return out
}
