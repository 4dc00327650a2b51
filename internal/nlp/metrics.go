package nlp

import (
	"sort"
)

// ClassScore is precision, recall and F1 of one label.
type ClassScore struct {
	Label     string  `json:"label"`
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
	Support   int     `json:"support"`
}

// Confusion is how often the gold label True was predicted as Pred.
type Confusion struct {
	True  string `json:"true"`
	Pred  string `json:"pred"`
	Count int    `json:"count"`
}

// Scores summarises predictions against gold labels.
type Scores struct {
	N        int          `json:"n"`
	Accuracy float64      `json:"accuracy"`
	MacroF1  float64      `json:"macro_f1"`
	Classes  []ClassScore `json:"classes"`
	// Confusions are the most frequent errors, largest first.
	Confusions []Confusion `json:"confusions"`
}

// Score compares predicted with gold labels (same length). Macro-F1 is the
// mean F1 over the labels that occur in gold or in pred.
func Score(gold, pred []string) Scores {
	type cnt struct{ tp, fp, fn, support int }
	per := map[string]*cnt{}
	get := func(l string) *cnt {
		c := per[l]
		if c == nil {
			c = &cnt{}
			per[l] = c
		}
		return c
	}
	conf := map[[2]string]int{}
	correct := 0
	for i := range gold {
		g, p := gold[i], pred[i]
		get(g).support++
		if g == p {
			correct++
			get(g).tp++
			continue
		}
		get(g).fn++
		get(p).fp++
		conf[[2]string{g, p}]++
	}
	s := Scores{N: len(gold)}
	if len(gold) > 0 {
		s.Accuracy = float64(correct) / float64(len(gold))
	}
	labels := make([]string, 0, len(per))
	for l := range per {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	sum := 0.0
	for _, l := range labels {
		c := per[l]
		cs := ClassScore{Label: l, Support: c.support}
		if c.tp+c.fp > 0 {
			cs.Precision = float64(c.tp) / float64(c.tp+c.fp)
		}
		if c.tp+c.fn > 0 {
			cs.Recall = float64(c.tp) / float64(c.tp+c.fn)
		}
		if cs.Precision+cs.Recall > 0 {
			cs.F1 = 2 * cs.Precision * cs.Recall / (cs.Precision + cs.Recall)
		}
		sum += cs.F1
		s.Classes = append(s.Classes, cs)
	}
	if len(labels) > 0 {
		s.MacroF1 = sum / float64(len(labels))
	}
	for k, n := range conf {
		s.Confusions = append(s.Confusions, Confusion{True: k[0], Pred: k[1], Count: n})
	}
	sort.Slice(s.Confusions, func(i, j int) bool {
		a, b := s.Confusions[i], s.Confusions[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		if a.True != b.True {
			return a.True < b.True
		}
		return a.Pred < b.Pred
	})
	return s
}

// Evaluate predicts every example with m and scores the result.
func Evaluate(m *Model, examples []Example) Scores {
	gold := make([]string, len(examples))
	pred := make([]string, len(examples))
	for i, e := range examples {
		gold[i] = e.Label
		pred[i], _ = m.Top1(e.Text)
	}
	return Score(gold, pred)
}
