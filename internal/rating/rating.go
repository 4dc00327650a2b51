// Package rating ranks executors and territories over a period (рейтинг): how often they answer on time, how
// fast they react, how good their answers are, how rarely moderators return formal replies, how satisfied
// residents are, and how much is answered by executors connected to Otklik. Each indicator is put on a 0–1
// scale that does not depend on the other participants, the composite score is the weighted mean of the
// indicators known for the participant, times 100. It is pure: no I/O, no clocks, no global mutable state.
// docs/ratings.md describes the formula and the defaults; Config.Formula renders it in Russian for the page.
package rating

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"
)

// Input is what is known of one participant (an executor or a territory) over the period. The store's dashboard
// breakdown rows convert to it (store.BreakdownRow.RatingInput).
type Input struct {
	ID   int64
	Code string
	Name string

	Received        int // incidents received in the period
	Answered        int // of those, with a first reaction (an interim or final answer published)
	AnsweredOnTime  int // answered by the reaction deadline
	AwaitingOverdue int // open, no reaction yet, reaction deadline passed
	// ConnectedAnswered is the answered incidents whose executor is connected to Otklik.
	ConnectedAnswered int
	MedianReaction    *time.Duration // median time from receipt to first reaction; nil when nothing was answered
	MeanGrade         *float64       // mean automatic grade (plainness and informativeness, 0–100) of published answers
	Submitted         int            // answers submitted for review
	FormalReturned    int            // answers flagged as formal replies (отписки) and returned by a moderator
	MeanScore         *float64       // residents' mean satisfaction score, 1–5; nil when nobody rated
	Rated             int            // residents' ratings behind MeanScore
}

// Weights are the shares of the indicators in the composite score. Only their ratios matter: the score divides
// by the sum of the weights of the indicators known for a participant.
type Weights struct {
	OnTime       float64 `json:"on_time"`      // share answered on time
	Reaction     float64 `json:"reaction"`     // median time to first reaction
	Grade        float64 `json:"grade"`        // mean answer grade
	Formal       float64 `json:"formal"`       // share of answers returned as formal replies (a penalty)
	Satisfaction float64 `json:"satisfaction"` // residents' mean score
	Connected    float64 `json:"connected"`    // share answered by connected executors
}

// DefaultWeights are the documented defaults: timeliness first, then the quality of the answer, then how fast
// and how residents judge it, then formal replies and connection.
func DefaultWeights() Weights {
	return Weights{OnTime: 0.30, Reaction: 0.15, Grade: 0.20, Formal: 0.10, Satisfaction: 0.15, Connected: 0.10}
}

// Config is the rating's configuration. Start from DefaultConfig.
type Config struct {
	Weights Weights `json:"weights"`
	// MinIncidents is the number of incidents received in the period below which a participant is listed but
	// not ranked: a rank made of two incidents says nothing (default 10).
	MinIncidents int `json:"min_incidents"`
	// ReactionTarget is the reaction deadline the reaction indicator is measured against: a median of zero scores
	// 1, a median equal to the target 0.5, twice the target or more 0 (default 24 h).
	ReactionTarget time.Duration `json:"reaction_target"`
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{Weights: DefaultWeights(), MinIncidents: 10, ReactionTarget: 24 * time.Hour}
}

// Validate reports a configuration that cannot rank: negative or non-finite weights, all weights zero, a
// negative minimum, a non-positive reaction target.
func (c Config) Validate() error {
	var errs []error
	sum := 0.0
	for _, w := range c.Weights.list() {
		if w.v < 0 || math.IsNaN(w.v) || math.IsInf(w.v, 0) {
			errs = append(errs, fmt.Errorf("rating: weight %s must be a finite number ≥ 0, not %v", w.name, w.v))
		}
		sum += w.v
	}
	if sum <= 0 && len(errs) == 0 {
		errs = append(errs, errors.New("rating: at least one weight must be positive"))
	}
	if c.MinIncidents < 0 {
		errs = append(errs, fmt.Errorf("rating: min_incidents must be ≥ 0, not %d", c.MinIncidents))
	}
	if c.ReactionTarget <= 0 {
		errs = append(errs, fmt.Errorf("rating: reaction_target must be positive, not %v", c.ReactionTarget))
	}
	return errors.Join(errs...)
}

type namedWeight struct {
	name string
	v    float64
}

func (w Weights) list() []namedWeight {
	return []namedWeight{{"on_time", w.OnTime}, {"reaction", w.Reaction}, {"grade", w.Grade}, {"formal", w.Formal},
		{"satisfaction", w.Satisfaction}, {"connected", w.Connected}}
}

// Parts are a participant's indicators on the 0–1 scale (1 is best); nil when there is no data for one.
type Parts struct {
	OnTime       *float64 `json:"on_time,omitempty"`
	Reaction     *float64 `json:"reaction,omitempty"`
	Grade        *float64 `json:"grade,omitempty"`
	Formal       *float64 `json:"formal,omitempty"`
	Satisfaction *float64 `json:"satisfaction,omitempty"`
	Connected    *float64 `json:"connected,omitempty"`
}

// Entry is one participant in the rating.
type Entry struct {
	Input
	// The indicators in their own units, for display: shares 0–1, the grade 0–100, the score 1–5.
	OnTimeShare    *float64 `json:"on_time_share,omitempty"`   // AnsweredOnTime ÷ (Answered + AwaitingOverdue)
	FormalShare    *float64 `json:"formal_share,omitempty"`    // FormalReturned ÷ Submitted
	ConnectedShare *float64 `json:"connected_share,omitempty"` // ConnectedAnswered ÷ Answered
	Parts          Parts    `json:"parts"`                     // the indicators on the 0–1 scale
	Score          *float64 `json:"score,omitempty"`           // composite, 0–100, rounded to 0.1; nil without any indicator
	Ranked         bool     `json:"ranked"`                    // false: listed but not ranked (see Note)
	Rank           int      `json:"rank,omitempty"`            // 1 is best; equal scores share a rank (1, 2, 2, 4); 0 when not ranked
	Note           string   `json:"note,omitempty"`            // why the participant is not ranked, in Russian
}

// Rank computes every participant's indicators and score and ranks those with at least MinIncidents incidents
// and a score. The result lists the ranked participants first, best first (equal scores by name, then code),
// then the others by name. An empty input gives an empty result.
func Rank(in []Input, cfg Config) ([]Entry, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	out := make([]Entry, len(in))
	for i, p := range in {
		e := Entry{Input: p}
		e.OnTimeShare = ratio(p.AnsweredOnTime, p.Answered+p.AwaitingOverdue)
		e.FormalShare = ratio(p.FormalReturned, p.Submitted)
		e.ConnectedShare = ratio(p.ConnectedAnswered, p.Answered)
		e.Parts = parts(e, cfg)
		e.Score = composite(e.Parts, cfg.Weights)
		switch {
		case p.Received < cfg.MinIncidents:
			e.Note = fmt.Sprintf("не ранжируется: %s за период, нужно не меньше %d", incidents(p.Received), cfg.MinIncidents)
		case e.Score == nil:
			e.Note = "не ранжируется: нет данных ни по одному показателю"
		default:
			e.Ranked = true
		}
		out[i] = e
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Ranked != b.Ranked {
			return a.Ranked
		}
		if a.Ranked && *a.Score != *b.Score {
			return *a.Score > *b.Score
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		return a.Code < b.Code
	})
	for i := range out {
		if !out[i].Ranked {
			break
		}
		out[i].Rank = i + 1
		if i > 0 && *out[i].Score == *out[i-1].Score {
			out[i].Rank = out[i-1].Rank
		}
	}
	return out, nil
}

func ratio(n, d int) *float64 {
	if d <= 0 {
		return nil
	}
	v := float64(n) / float64(d)
	return &v
}

func clamp01(v float64) *float64 {
	v = math.Max(0, math.Min(1, v))
	return &v
}

// parts puts each indicator on the 0–1 scale, 1 best.
func parts(e Entry, cfg Config) Parts {
	var p Parts
	if e.OnTimeShare != nil {
		p.OnTime = clamp01(*e.OnTimeShare)
	}
	if e.MedianReaction != nil {
		p.Reaction = clamp01(1 - float64(*e.MedianReaction)/float64(2*cfg.ReactionTarget))
	}
	if e.MeanGrade != nil && !math.IsNaN(*e.MeanGrade) {
		p.Grade = clamp01(*e.MeanGrade / 100)
	}
	if e.FormalShare != nil {
		p.Formal = clamp01(1 - *e.FormalShare)
	}
	if e.MeanScore != nil && e.Rated > 0 && !math.IsNaN(*e.MeanScore) {
		p.Satisfaction = clamp01((*e.MeanScore - 1) / 4)
	}
	if e.ConnectedShare != nil {
		p.Connected = clamp01(*e.ConnectedShare)
	}
	return p
}

// composite is 100 × Σ wᵢ·sᵢ ÷ Σ wᵢ over the known indicators with a positive weight, rounded to 0.1.
func composite(p Parts, w Weights) *float64 {
	num, den := 0.0, 0.0
	for _, x := range []struct {
		s *float64
		w float64
	}{{p.OnTime, w.OnTime}, {p.Reaction, w.Reaction}, {p.Grade, w.Grade}, {p.Formal, w.Formal},
		{p.Satisfaction, w.Satisfaction}, {p.Connected, w.Connected}} {
		if x.s == nil || x.w <= 0 {
			continue
		}
		num += x.w * *x.s
		den += x.w
	}
	if den == 0 {
		return nil
	}
	v := math.Round(1000*num/den) / 10
	return &v
}

// incidents says "n обращений" with the right Russian plural.
func incidents(n int) string {
	form := "обращений"
	switch m10, m100 := n%10, n%100; {
	case m10 == 1 && m100 != 11:
		form = "обращение"
	case m10 >= 2 && m10 <= 4 && (m100 < 12 || m100 > 14):
		form = "обращения"
	}
	return fmt.Sprintf("%d %s", n, form)
}

// Formula explains the ranking in Russian, with this configuration's weights, minimum and reaction target, as
// the rating page shows it verbatim (plain text, paragraphs separated by blank lines).
func (c Config) Formula() string {
	sum := 0.0
	for _, w := range c.Weights.list() {
		sum += w.v
	}
	pct := func(v float64) string {
		if sum <= 0 {
			return "0 %"
		}
		return strings.Replace(fmt.Sprintf("%.0f %%", 100*v/sum), ".", ",", 1)
	}
	target := hours(c.ReactionTarget)
	var b strings.Builder
	fmt.Fprintf(&b, "Итоговый балл (от 0 до 100) — взвешенное среднее шести показателей, каждый из которых приведён к шкале от 0 до 1 (1 — лучше всего):\n\n")
	fmt.Fprintf(&b, "1. Ответы в срок (вес %s): доля обращений, на которые первый ответ дан до истечения срока реакции, среди всех обращений с ответом и тех, срок ответа на которые уже истёк.\n", pct(c.Weights.OnTime))
	fmt.Fprintf(&b, "2. Скорость реакции (вес %s): медиана времени до первого ответа; 0 ч — 1, %s — 0,5, %s и больше — 0.\n", pct(c.Weights.Reaction), target, hours(2*c.ReactionTarget))
	fmt.Fprintf(&b, "3. Качество ответов (вес %s): средняя автоматическая оценка простоты изложения и информативности опубликованных ответов, делённая на 100.\n", pct(c.Weights.Grade))
	fmt.Fprintf(&b, "4. Отсутствие отписок (вес %s): 1 минус доля ответов, возвращённых модератором как формальные отписки.\n", pct(c.Weights.Formal))
	fmt.Fprintf(&b, "5. Удовлетворённость жителей (вес %s): средняя оценка жителей от 1 до 5, пересчитанная как (оценка − 1) ÷ 4.\n", pct(c.Weights.Satisfaction))
	fmt.Fprintf(&b, "6. Подключённость (вес %s): доля обращений с ответом, на которые ответил исполнитель, подключённый к системе.\n\n", pct(c.Weights.Connected))
	fmt.Fprintf(&b, "Балл = 100 × Σ (вес × показатель) ÷ Σ весов; если данных по показателю нет (например, никто из жителей не поставил оценку), он не учитывается, а веса остальных пересчитываются. Балл округляется до десятых.\n\n")
	fmt.Fprintf(&b, "В рейтинг попадают участники, получившие за период не меньше %s; остальные показаны в списке без места. Участники с равным баллом делят одно место, следующее место пропускается (1, 2, 2, 4).", incidentsGen(c.MinIncidents))
	return b.String()
}

// incidentsGen says "n обращений" in the genitive after «не меньше».
func incidentsGen(n int) string {
	form := "обращений"
	if n%10 == 1 && n%100 != 11 {
		form = "обращения"
	}
	return fmt.Sprintf("%d %s", n, form)
}

func hours(d time.Duration) string {
	h := d.Hours()
	if h == math.Trunc(h) {
		return fmt.Sprintf("%.0f ч", h)
	}
	return strings.Replace(fmt.Sprintf("%.1f ч", h), ".", ",", 1)
}
