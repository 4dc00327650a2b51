package rating

import (
	"math"
	"strings"
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }

func dur(h float64) *time.Duration { d := time.Duration(h * float64(time.Hour)); return &d }

func TestParts(t *testing.T) {
	cfg := DefaultConfig()
	tests := []struct {
		name string
		in   Input
		want Parts
	}{
		{"perfect", Input{Received: 20, Answered: 20, AnsweredOnTime: 20, ConnectedAnswered: 20, MedianReaction: dur(0),
			MeanGrade: f(100), Submitted: 20, MeanScore: f(5), Rated: 3},
			Parts{OnTime: f(1), Reaction: f(1), Grade: f(1), Formal: f(1), Satisfaction: f(1), Connected: f(1)}},
		{"middling", Input{Received: 20, Answered: 8, AnsweredOnTime: 6, AwaitingOverdue: 4, ConnectedAnswered: 2, MedianReaction: dur(24),
			MeanGrade: f(55), Submitted: 10, FormalReturned: 3, MeanScore: f(3), Rated: 4},
			Parts{OnTime: f(0.5), Reaction: f(0.5), Grade: f(0.55), Formal: f(0.7), Satisfaction: f(0.5), Connected: f(0.25)}},
		{"very slow is clamped to zero", Input{Received: 1, Answered: 1, MedianReaction: dur(100)},
			Parts{OnTime: f(0), Reaction: f(0), Connected: f(0)}},
		{"nothing known", Input{Received: 3}, Parts{}},
		{"score without raters ignored", Input{MeanScore: f(4), Rated: 0}, Parts{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Rank([]Input{tt.in}, cfg)
			if err != nil {
				t.Fatal(err)
			}
			p := got[0].Parts
			for _, c := range []struct {
				name      string
				got, want *float64
			}{{"on time", p.OnTime, tt.want.OnTime}, {"reaction", p.Reaction, tt.want.Reaction}, {"grade", p.Grade, tt.want.Grade},
				{"formal", p.Formal, tt.want.Formal}, {"satisfaction", p.Satisfaction, tt.want.Satisfaction}, {"connected", p.Connected, tt.want.Connected}} {
				if (c.got == nil) != (c.want == nil) || c.got != nil && math.Abs(*c.got-*c.want) > 1e-9 {
					t.Errorf("%s: got %v, want %v", c.name, show(c.got), show(c.want))
				}
			}
		})
	}
}

func show(p *float64) any {
	if p == nil {
		return "nil"
	}
	return *p
}

func TestScore(t *testing.T) {
	// middling: 0.3·0.5 + 0.15·0.5 + 0.2·0.55 + 0.1·0.7 + 0.15·0.5 + 0.1·0.25 = 0.505 → 50.5
	in := Input{Name: "a", Received: 20, Answered: 8, AnsweredOnTime: 6, AwaitingOverdue: 4, ConnectedAnswered: 2, MedianReaction: dur(24),
		MeanGrade: f(55), Submitted: 10, FormalReturned: 3, MeanScore: f(3), Rated: 4}
	got, err := Rank([]Input{in}, DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Score == nil || *got[0].Score != 50.5 || !got[0].Ranked || got[0].Rank != 1 {
		t.Errorf("score %v rank %d ranked %v", show(got[0].Score), got[0].Rank, got[0].Ranked)
	}
	// Without residents' scores the satisfaction weight drops out: (0.505 − 0.075) ÷ 0.85 = 0.50588… → 50.6.
	in.MeanScore, in.Rated = nil, 0
	got, _ = Rank([]Input{in}, DefaultConfig())
	if got[0].Score == nil || *got[0].Score != 50.6 {
		t.Errorf("renormalised score %v, want 50.6", show(got[0].Score))
	}
	// Only on time weighted.
	cfg := DefaultConfig()
	cfg.Weights = Weights{OnTime: 2}
	got, _ = Rank([]Input{in}, cfg)
	if *got[0].Score != 50 {
		t.Errorf("on-time-only score %v, want 50", *got[0].Score)
	}
}

func TestRankOrder(t *testing.T) {
	onTime := func(name string, received, onTime, late int) Input {
		return Input{Name: name, Code: strings.ToLower(name), Received: received, Answered: onTime + late, AnsweredOnTime: onTime}
	}
	tests := []struct {
		name      string
		in        []Input
		wantOrder []string
		wantRanks []int
	}{
		{"empty period", nil, []string{}, []int{}},
		{"minimum count: listed, not ranked, after the ranked",
			[]Input{onTime("Б", 9, 9, 0), onTime("А", 10, 5, 5), onTime("В", 30, 30, 0)},
			[]string{"В", "А", "Б"}, []int{1, 2, 0}},
		{"ties share a rank and the next is skipped; equal scores by name",
			[]Input{onTime("Г", 10, 1, 9), onTime("В", 10, 8, 2), onTime("Б", 20, 16, 4), onTime("А", 10, 10, 0)},
			[]string{"А", "Б", "В", "Г"}, []int{1, 2, 2, 4}},
		{"all zero: everyone at 0, all first",
			[]Input{{Name: "Б", Received: 10, AwaitingOverdue: 10}, {Name: "А", Received: 10, AwaitingOverdue: 3}},
			[]string{"А", "Б"}, []int{1, 1}},
		{"no data at all: not ranked",
			[]Input{{Name: "Б", Received: 12}, onTime("А", 10, 1, 0)},
			[]string{"А", "Б"}, []int{1, 0}},
		{"zero received everywhere", []Input{{Name: "Б"}, {Name: "А"}}, []string{"А", "Б"}, []int{0, 0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Rank(tt.in, DefaultConfig())
			if err != nil {
				t.Fatal(err)
			}
			names, ranks := []string{}, []int{}
			for _, e := range got {
				names, ranks = append(names, e.Name), append(ranks, e.Rank)
				if e.Ranked != (e.Rank > 0) {
					t.Errorf("%s: ranked %v with rank %d", e.Name, e.Ranked, e.Rank)
				}
				if !e.Ranked && e.Note == "" {
					t.Errorf("%s: not ranked without a note", e.Name)
				}
			}
			if strings.Join(names, ",") != strings.Join(tt.wantOrder, ",") || !equalInts(ranks, tt.wantRanks) {
				t.Errorf("order %v ranks %v, want %v %v", names, ranks, tt.wantOrder, tt.wantRanks)
			}
		})
	}
}

func TestNote(t *testing.T) {
	got, _ := Rank([]Input{{Name: "А", Received: 1}, {Name: "Б", Received: 3}, {Name: "В", Received: 12}}, DefaultConfig())
	want := []string{"не ранжируется: 1 обращение за период, нужно не меньше 10", "не ранжируется: 3 обращения за период, нужно не меньше 10",
		"не ранжируется: нет данных ни по одному показателю"}
	for i, e := range got {
		if e.Note != want[i] {
			t.Errorf("%s: note %q, want %q", e.Name, e.Note, want[i])
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestValidate(t *testing.T) {
	ok := DefaultConfig()
	if err := ok.Validate(); err != nil {
		t.Fatalf("defaults: %v", err)
	}
	tests := []struct {
		name string
		edit func(*Config)
	}{
		{"negative weight", func(c *Config) { c.Weights.Grade = -1 }},
		{"NaN weight", func(c *Config) { c.Weights.OnTime = math.NaN() }},
		{"all zero", func(c *Config) { c.Weights = Weights{} }},
		{"negative minimum", func(c *Config) { c.MinIncidents = -1 }},
		{"zero target", func(c *Config) { c.ReactionTarget = 0 }},
	}
	for _, tt := range tests {
		c := DefaultConfig()
		tt.edit(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("%s: accepted", tt.name)
		}
		if _, err := Rank([]Input{{Received: 1}}, c); err == nil {
			t.Errorf("%s: Rank accepted", tt.name)
		}
	}
}

func TestDefaultWeightsSumToOne(t *testing.T) {
	sum := 0.0
	for _, w := range DefaultWeights().list() {
		sum += w.v
	}
	if math.Abs(sum-1) > 1e-9 {
		t.Errorf("default weights sum to %v", sum)
	}
}

func TestFormula(t *testing.T) {
	got := DefaultConfig().Formula()
	for _, want := range []string{"Ответы в срок (вес 30 %)", "Скорость реакции (вес 15 %)", "24 ч — 0,5, 48 ч и больше — 0",
		"Качество ответов (вес 20 %)", "Отсутствие отписок (вес 10 %)", "Удовлетворённость жителей (вес 15 %)",
		"Подключённость (вес 10 %)", "не меньше 10 обращений", "(1, 2, 2, 4)"} {
		if !strings.Contains(got, want) {
			t.Errorf("formula lacks %q:\n%s", want, got)
		}
	}
	c := DefaultConfig()
	c.Weights, c.MinIncidents, c.ReactionTarget = Weights{OnTime: 1, Grade: 3}, 21, 4*time.Hour
	got = c.Formula()
	for _, want := range []string{"Ответы в срок (вес 25 %)", "Качество ответов (вес 75 %)", "Скорость реакции (вес 0 %)", "4 ч — 0,5, 8 ч",
		"не меньше 21 обращения"} {
		if !strings.Contains(got, want) {
			t.Errorf("formula lacks %q:\n%s", want, got)
		}
	}
}

func BenchmarkRank500(b *testing.B) {
	in := make([]Input, 500)
	for i := range in {
		in[i] = Input{Name: strings.Repeat("я", i%7+1), Code: string(rune('a' + i%26)), Received: i % 40, Answered: i % 30, AnsweredOnTime: i % 20,
			AwaitingOverdue: i % 5, ConnectedAnswered: i % 10, MedianReaction: dur(float64(i % 50)), MeanGrade: f(float64(i % 100)),
			Submitted: i % 30, FormalReturned: i % 3, MeanScore: f(float64(1 + i%5)), Rated: i % 4}
	}
	cfg := DefaultConfig()
	for b.Loop() {
		if _, err := Rank(in, cfg); err != nil {
			b.Fatal(err)
		}
	}
}
