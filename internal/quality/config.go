// Package quality grades an official's answer to a resident: promptness (оперативность), plain language
// (простота изложения) and informativeness (информативность), each 0–100 with reasons an official can act on,
// and flags a formal reply (отписка). It is pure: no I/O, no clocks, no global mutable state. The formulas and
// defaults are described in docs/quality.md.
package quality

import (
	"fmt"
	"time"
)

// Config holds the thresholds and weights. Start from DefaultConfig and change what you need.
type Config struct {
	// Promptness.
	Deadline          time.Duration // deadline for the first public reaction when Input.Deadline is zero (24 h)
	PromptFastShare   float64       // reacting within this share of the deadline scores 100 (0.1)
	PromptAtDeadline  float64       // score exactly at the deadline (50)
	PromptZeroAtShare float64       // score falls to 0 at this multiple of the deadline (2.0)
	PromptLateShare   float64       // a reason is given when more than this share of the deadline was used (0.75)

	// Plain language.
	ReadabilityTarget     float64 // Oborneva's reading ease at or above which no penalty applies (50)
	ReadabilityWeight     float64 // penalty at reading ease 0 and below (30)
	TargetSentenceWords   float64 // average sentence length without penalty (15)
	AvgSentencePenalty    float64 // penalty per word of average length above the target (1.5), capped at 20
	LongSentenceWords     int     // a sentence longer than this is flagged (25)
	LongSentencePenalty   float64 // penalty per long sentence (5), capped at 15
	BureauPer100Penalty   float64 // penalty per bureaucratic phrase per 100 words (4), capped at 30
	LegalRefPenalty       float64 // penalty per unexplained legal reference (10), capped at 20
	GenitiveChainLen      int     // genitive-looking nouns in a row that make a chain (3)
	GenitiveChainPenalty  float64 // penalty per chain (4), capped at 12
	PassiveShareThreshold float64 // share of «-ется/-ются» verbs among words above which a penalty applies (0.04)
	PassivePenalty        float64 // penalty per 1 % above the threshold (2), capped at 10

	// Informativeness: points per component, summing to 100.
	PointsAction    int // something done, or planned (planned gets PlannedShare of it) (30)
	PlannedShare    float64
	PointsDate      int // a date or a period (20; a loose date such as «летом» gets half)
	PointsPlace     int // an address or a place (10)
	PointsWho       int // a responsible organisation or person (10)
	PointsContact   int // a phone, an e-mail, a site (5)
	PointsProof     int // photos attached when the category requires them (10)
	PointsRelevance int // shared content words with the question (15)
	RelevanceTarget int // shared stems for full relevance points (3)
	MinContentWords int // fewer content words than this is "no substance" (5)

	// Formal reply (отписка) rules.
	FormalPlanWithoutDate bool // a planned action without any date (and nothing done) is formal (true)
	OffTopicMinStems      int  // the off-topic rule applies when the question has at least this many content stems (4)
}

// DefaultConfig returns the documented defaults.
func DefaultConfig() Config {
	return Config{
		Deadline:          24 * time.Hour,
		PromptFastShare:   0.1,
		PromptAtDeadline:  50,
		PromptZeroAtShare: 2.0,
		PromptLateShare:   0.75,

		ReadabilityTarget:     50,
		ReadabilityWeight:     30,
		TargetSentenceWords:   15,
		AvgSentencePenalty:    1.5,
		LongSentenceWords:     25,
		LongSentencePenalty:   5,
		BureauPer100Penalty:   4,
		LegalRefPenalty:       10,
		GenitiveChainLen:      3,
		GenitiveChainPenalty:  4,
		PassiveShareThreshold: 0.04,
		PassivePenalty:        2,

		PointsAction:    30,
		PlannedShare:    0.8,
		PointsDate:      20,
		PointsPlace:     10,
		PointsWho:       10,
		PointsContact:   5,
		PointsProof:     10,
		PointsRelevance: 15,
		RelevanceTarget: 3,
		MinContentWords: 5,

		FormalPlanWithoutDate: true,
		OffTopicMinStems:      4,
	}
}

// Validate reports a configuration that cannot work.
func (c Config) Validate() error {
	switch {
	case c.Deadline <= 0:
		return fmt.Errorf("quality: config: deadline must be positive, got %v", c.Deadline)
	case c.PromptFastShare < 0 || c.PromptFastShare >= 1:
		return fmt.Errorf("quality: config: fast share must be in [0,1), got %v", c.PromptFastShare)
	case c.PromptZeroAtShare <= 1:
		return fmt.Errorf("quality: config: zero-at share must exceed 1, got %v", c.PromptZeroAtShare)
	case c.LongSentenceWords <= 0 || c.GenitiveChainLen <= 1:
		return fmt.Errorf("quality: config: sentence and chain lengths must be positive")
	case c.RelevanceTarget <= 0:
		return fmt.Errorf("quality: config: relevance target must be positive")
	}
	sum := c.PointsAction + c.PointsDate + c.PointsPlace + c.PointsWho + c.PointsContact + c.PointsProof + c.PointsRelevance
	if sum != 100 {
		return fmt.Errorf("quality: config: informativeness points sum to %d, want 100", sum)
	}
	return nil
}
