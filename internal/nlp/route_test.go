package nlp

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
)

func TestExecutorModel(t *testing.T) {
	var h []RoutingExample
	add := func(n int, d, l, e string) {
		for i := 0; i < n; i++ {
			h = append(h, RoutingExample{District: d, Label: l, Executor: e})
		}
	}
	add(10, "north", "heat", "north-housing")
	add(2, "north", "heat", "city-heat")
	add(10, "south", "heat", "south-housing")
	add(8, "north", "roads", "road-agency")
	add(1, "south", "roads", "south-admin") // too rare: backs off to label
	add(5, "south", "trash", "south-admin")
	em := LearnExecutors(h, 3)
	tests := []struct {
		name, district string
		labels         []Prediction
		want           string
	}{
		{"district x label", "north", []Prediction{{"heat", 1}}, "north-housing"},
		{"other district", "south", []Prediction{{"heat", 1}}, "south-housing"},
		{"rare cell backs off to label", "south", []Prediction{{"roads", 1}}, "road-agency"},
		{"unknown label backs off to district", "south", []Prediction{{"snow", 1}}, "south-housing"},
		{"unknown everything backs off to global", "east", []Prediction{{"snow", 1}}, "north-housing"},
		{"mixture of labels", "south", []Prediction{{"heat", 0.4}, {"trash", 0.6}}, "south-admin"},
	}
	for _, tt := range tests {
		got := em.Route(tt.district, tt.labels)
		if len(got) == 0 || got[0].Executor != tt.want {
			t.Errorf("%s: Route = %v, want %s first", tt.name, got, tt.want)
		}
	}
	if !em.Knows("heat") || em.Knows("snow") {
		t.Errorf("Knows: heat %v, snow %v; want true, false", em.Knows("heat"), em.Knows("snow"))
	}
	if got := LearnExecutors(nil, 0).Route("x", nil); len(got) != 0 {
		t.Errorf("empty history routed to %v", got)
	}
}

// TestExecutorModelCounts checks that an example with N stands for N
// repeated ones (the product learns from an aggregate query's counts), for
// the rules and for the kind map alike.
func TestExecutorModelCounts(t *testing.T) {
	cells := []struct {
		d, l, e string
		n       int
	}{
		{"north", "heat", "north-housing", 7},
		{"north", "heat", "city-heat", 3},
		{"south", "heat", "south-housing", 4},
		{"south", "roads", "south-admin", 1},
		{"north", "roads", "road-agency", 9},
	}
	var rep, agg []RoutingExample
	for _, c := range cells {
		for range c.n {
			rep = append(rep, RoutingExample{District: c.d, Label: c.l, Executor: c.e})
		}
		n := c.n
		if n == 1 {
			n = 0 // zero means one
		}
		agg = append(agg, RoutingExample{District: c.d, Label: c.l, Executor: c.e, N: n})
	}
	a, b := LearnExecutors(rep, 0), LearnExecutors(agg, 0)
	for _, d := range []string{"north", "south", "east"} {
		for _, labels := range [][]Prediction{nil, {{"heat", 1}}, {{"roads", 0.3}, {"heat", 0.7}}, {{"snow", 1}}} {
			ra, rb := a.Route(d, labels), b.Route(d, labels)
			if len(ra) != len(rb) {
				t.Fatalf("%s %v: %v against %v", d, labels, ra, rb)
			}
			for i := range ra {
				if ra[i].Executor != rb[i].Executor || math.Abs(ra[i].P-rb[i].P) > 1e-12 {
					t.Fatalf("%s %v: repeated rows give %v, counts %v", d, labels, ra, rb)
				}
			}
		}
	}
	if ka, kb := LearnKindMap(rep), LearnKindMap(agg); fmt.Sprint(ka.m) != fmt.Sprint(kb.m) {
		t.Fatalf("kind maps differ: %v against %v", ka.m, kb.m)
	}
}

func TestRetrainKeepsBetterModel(t *testing.T) {
	ctx := context.Background()
	var good, noisy []Example
	labels := []string{"heat", "roads", "trash"}
	for i := 0; i < 12; i++ {
		for j, e := range toyExamples() {
			text := fmt.Sprintf("%s %d", e.Text, i)
			good = append(good, Example{Text: text, Label: e.Label})
			// Labels that carry no relation to the text.
			noisy = append(noisy, Example{Text: text, Label: labels[(i+j*7)%3]})
		}
	}
	opts := TrainOptions{Features: FeatureConfig{Bits: 14, WordNgrams: 1, MinN: 3, MaxN: 4}, Threads: 1, Epochs: 5, CalibrationFraction: -1}
	oldGood, err := Train(ctx, good, opts)
	if err != nil {
		t.Fatal(err)
	}
	// An old model trained on noise is replaced by one trained on clean data.
	oldBad, err := Train(ctx, noisy, opts)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Retrain(ctx, oldBad, good, opts, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if res.KeptOld || res.Model == oldBad || res.New.MacroF1 <= res.Old.MacroF1 {
		t.Errorf("bad old model kept: old %.3f new %.3f", res.Old.MacroF1, res.New.MacroF1)
	}
	// New data whose training part is mislabelled (the held-out part,
	// chosen by the same hash Retrain uses, keeps true labels): the new
	// model is worse on the held-out part, so the old one is kept.
	var mixed []Example
	for k, e := range good {
		if !heldOutSplit(e.Text, 0.25) {
			e.Label = noisy[k].Label
		}
		mixed = append(mixed, e)
	}
	res, err = Retrain(ctx, oldGood, mixed, opts, 0.25)
	if err != nil {
		t.Fatal(err)
	}
	if !res.KeptOld || res.Model != oldGood || res.HeldOut == 0 {
		t.Errorf("good old model replaced: old %.3f new %.3f", res.Old.MacroF1, res.New.MacroF1)
	}
	if _, err := Retrain(ctx, nil, good[:1], opts, 0.25); err == nil {
		t.Error("one example: no error")
	}
}

func TestExecutorKind(t *testing.T) {
	tests := []struct{ exec, district, want string }{
		{"СПб ГКУ ЖА Невского района", "Невский", "СПб ГКУ ЖА {район} района"},
		{"Администрация Петродворцового района", "Петродворцовый", "Администрация {район} района"},
		{"ГКУ ДОДД (Центральный район)", "Центральный", "ГКУ ДОДД ({район} район)"},
		{"СПб ГБУ «Ленсвет»", "Невский", "СПб ГБУ «Ленсвет»"},
		{"Администрация Невского района", "", "Администрация Невского района"},
	}
	for _, tt := range tests {
		if got := ExecutorKind(tt.exec, tt.district); got != tt.want {
			t.Errorf("ExecutorKind(%q, %q) = %q, want %q", tt.exec, tt.district, got, tt.want)
		}
	}
}

func TestRouter(t *testing.T) {
	m := trainToy(t)
	var h []RoutingExample
	add := func(n int, d, l, e string) {
		for i := 0; i < n; i++ {
			h = append(h, RoutingExample{District: d, Label: l, Executor: e})
		}
	}
	add(6, "north", "heat", "north-heating")
	add(6, "south", "heat", "south-heating")
	add(6, "north", "trash", "north-housing")
	add(6, "south", "trash", "south-housing")
	add(6, "north", "roads", "road-agency")
	add(6, "south", "roads", "road-agency")
	r := NewRouter(m, LearnExecutors(h, 0))
	tests := []struct{ district, text, want string }{
		{"north", "батареи в квартире холодные", "north-heating"},
		{"south", "батареи в квартире холодные", "south-heating"},
		{"south", "мусор во дворе не вывозят", "south-housing"},
		{"north", "яма на дороге", "road-agency"},
		{"east", "яма на дороге", "road-agency"},
	}
	for _, tt := range tests {
		checkRoute(t, r.Route(tt.district, tt.text), tt.district, tt.text, tt.want)
	}
	if got := NewRouter(m, LearnExecutors(nil, 0)).Route("north", "яма"); len(got) != 0 {
		t.Errorf("no history routed to %v", got)
	}
}

func TestKindMap(t *testing.T) {
	km := LearnKindMap([]RoutingExample{
		{District: "Невский", Executor: "СПб ГКУ ЖА Невского района"},
		{District: "Невский", Executor: "СПб ГБУ «Ленсвет»"},
		{District: "Выборгский", Executor: "СПб ГКУ ЖА Выборгского района"},
	})
	tests := []struct{ kind, district, want string }{
		{"СПб ГКУ ЖА {район} района", "Невский", "СПб ГКУ ЖА Невского района"},
		{"СПб ГКУ ЖА {район} района", "Выборгский", "СПб ГКУ ЖА Выборгского района"},
		{"СПб ГКУ ЖА {район} района", "Кировский", ""},
		{"СПб ГБУ «Ленсвет»", "Кировский", "СПб ГБУ «Ленсвет»"},
	}
	for _, tt := range tests {
		if got := km.Executor(tt.kind, tt.district); got != tt.want {
			t.Errorf("Executor(%q, %q) = %q, want %q", tt.kind, tt.district, got, tt.want)
		}
	}
}

func TestMixedRouter(t *testing.T) {
	ctx := context.Background()
	labels := trainToy(t)
	// One topic label, "trash", that two kinds of organisation answer:
	// the housing agency for yards, the district administration for
	// streets. The rules alone send every trash message to the agency;
	// the kind classifier learns the difference from the texts.
	yard := []string{"мусор во дворе", "во дворе свалка мусора", "мешки с мусором у подъезда во дворе", "двор завален мусором"}
	street := []string{"мусор на улице у остановки", "на тротуаре вдоль улицы мусор", "улица в мусоре у остановки", "мусор на остановке"}
	var hist []RoutingExample
	var kindEx []Example
	for _, d := range []string{"Невский", "Выборгский"} {
		agency := "СПб ГКУ ЖА " + strings.TrimSuffix(d, "ий") + "ого района"
		admin := "Администрация " + strings.TrimSuffix(d, "ий") + "ого района"
		for i := 0; i < 3; i++ {
			for _, s := range yard {
				hist = append(hist, RoutingExample{District: d, Label: "trash", Executor: agency})
				kindEx = append(kindEx, KindExample(d, s, agency))
			}
			for _, s := range street[:3] {
				hist = append(hist, RoutingExample{District: d, Label: "trash", Executor: admin})
				kindEx = append(kindEx, KindExample(d, s, admin))
			}
			hist = append(hist, RoutingExample{District: d, Label: "heat", Executor: agency})
			kindEx = append(kindEx, KindExample(d, "батареи холодные", agency))
		}
	}
	kinds, err := Train(ctx, kindEx, TrainOptions{
		Features: FeatureConfig{Bits: 14, WordNgrams: 2, MinN: 3, MaxN: 5},
		Epochs:   30, LearningRate: 0.3, Threads: 1, CalibrationFraction: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	router := NewRouter(labels, LearnExecutors(hist, 0))
	mixed := NewMixedRouter(router, kinds, LearnKindMap(hist), 0)
	text := "мусор на улице у остановки не убирают"
	if got := router.Route("Невский", text); got[0].Executor != "СПб ГКУ ЖА Невского района" {
		t.Fatalf("rules alone: %v, want the agency first", got)
	}
	tests := []struct{ district, text, want string }{
		{"Невский", text, "Администрация Невского района"},
		{"Выборгский", text, "Администрация Выборгского района"},
		{"Выборгский", "мусор во дворе у подъезда", "СПб ГКУ ЖА Выборгского района"},
	}
	for _, tt := range tests {
		checkRoute(t, mixed.Route(tt.district, tt.text), tt.district, tt.text, tt.want)
	}
}

// checkRoute checks that a routing answer puts want first and its probabilities sum to one.
func checkRoute(t *testing.T, got []ExecutorScore, district, text, want string) {
	t.Helper()
	if len(got) == 0 || got[0].Executor != want {
		t.Errorf("Route(%q, %q) = %v, want %s first", district, text, got, want)
	}
	sum := 0.0
	for _, s := range got {
		sum += s.P
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("Route(%q, %q): probabilities sum to %v", district, text, sum)
	}
}

// BenchmarkExecutorModelRoute measures one routing-history suggestion as the ingest writer makes it for every
// new incident: a region's year of counts (40 territories × 24 subtopics, three executors a cell out of 120),
// from the incident's category alone and from five predicted topics.
func BenchmarkExecutorModelRoute(b *testing.B) {
	var h []RoutingExample
	for d := range 40 {
		for l := range 24 {
			for k := range 3 {
				h = append(h, RoutingExample{District: fmt.Sprint("t", d), Label: fmt.Sprint("c", l), Executor: fmt.Sprint("e", (d*7+l*3+k)%120), N: 1 + (d+l+k)%9})
			}
		}
	}
	em := LearnExecutors(h, 0)
	for _, bc := range []struct {
		name   string
		labels []Prediction
	}{
		{"category", []Prediction{{Label: "c5", P: 1}}},
		{"topics5", []Prediction{{Label: "c5", P: 0.5}, {Label: "c6", P: 0.2}, {Label: "c7", P: 0.1}, {Label: "c8", P: 0.1}, {Label: "c9", P: 0.1}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if r := em.Route("t17", bc.labels); len(r) == 0 {
					b.Fatal("no route")
				}
			}
		})
	}
}
