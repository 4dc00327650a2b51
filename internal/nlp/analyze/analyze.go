// Package analyze composes Otklik's text intelligence into one answer per
// message: the appeal detector's kind, the top topics, the territory and the
// street address found, and the priority.
package analyze

import (
	"errors"
	"fmt"

	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/appeal"
	"github.com/otklik/otklik/internal/nlp/geo"
)

// TopKTopics is how many topics an Analysis lists.
const TopKTopics = 3

// TopicClassifier is what analysis needs of a topic model; *nlp.Model
// satisfies it.
type TopicClassifier interface {
	Predict(text string, k int) []nlp.Prediction
}

// UrgencyFunc assesses a text's priority ("urgent", "high", "normal") and
// says why.
type UrgencyFunc func(text string) (priority string, reasons []string)

// Config lists the components of an Analyzer. Detector and Gazetteer are
// required; without Topics the topic fields stay empty, without Urgency the
// priority fields do.
type Config struct {
	Detector  *appeal.Detector
	Topics    TopicClassifier
	Gazetteer *geo.Gazetteer
	Urgency   UrgencyFunc
	// FallbackTerritory is the territory ID (OKTMO) used when the text
	// names none, typically the source's own territory; empty for none.
	FallbackTerritory string
}

// Analysis is what Otklik understands of one message.
type Analysis struct {
	Kind            string           `json:"kind"`
	KindP           float64          `json:"kind_p"`
	Topic           string           `json:"topic"`
	TopicP          float64          `json:"topic_p"`
	Topics          []nlp.Prediction `json:"topics"`
	Territory       string           `json:"territory"`
	TerritoryID     string           `json:"territory_id"`
	TerritoryP      float64          `json:"territory_p"`
	Address         string           `json:"address"`
	Priority        string           `json:"priority"`
	PriorityReasons []string         `json:"priority_reasons"`
}

// Analyzer analyses messages. It is immutable and safe for concurrent use
// when its components are (the shipped ones are).
type Analyzer struct {
	cfg Config
}

// New checks cfg and returns an Analyzer.
func New(cfg Config) (*Analyzer, error) {
	if cfg.Detector == nil {
		return nil, errors.New("analyze: no appeal detector")
	}
	if cfg.Gazetteer == nil {
		return nil, errors.New("analyze: no gazetteer")
	}
	if cfg.FallbackTerritory != "" && cfg.Gazetteer.Name(cfg.FallbackTerritory) == "" {
		return nil, fmt.Errorf("analyze: fallback territory %q is not in the gazetteer", cfg.FallbackTerritory)
	}
	return &Analyzer{cfg: cfg}, nil
}

// Analyze returns the analysis of one message.
func (a *Analyzer) Analyze(text string) Analysis {
	r := a.cfg.Detector.Detect(text)
	an := Analysis{
		Kind:            r.Kind,
		KindP:           round4(r.P),
		Topics:          []nlp.Prediction{},
		PriorityReasons: []string{},
	}
	if a.cfg.Topics != nil {
		for _, p := range a.cfg.Topics.Predict(text, TopKTopics) {
			an.Topics = append(an.Topics, nlp.Prediction{Label: p.Label, P: round4(p.P)})
		}
		if len(an.Topics) > 0 {
			an.Topic, an.TopicP = an.Topics[0].Label, an.Topics[0].P
		}
	}
	t := a.cfg.Gazetteer.Find(text, a.cfg.FallbackTerritory)
	if t.TerritoryID != "" {
		an.Territory, an.TerritoryID, an.TerritoryP = t.Name, t.TerritoryID, round4(t.Confidence)
	}
	if addr, ok := geo.FindAddress(text); ok {
		an.Address = addr.Raw
	}
	if a.cfg.Urgency != nil {
		an.Priority, an.PriorityReasons = a.cfg.Urgency(text)
		if an.PriorityReasons == nil {
			an.PriorityReasons = []string{}
		}
	}
	return an
}

func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }
