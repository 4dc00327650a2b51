package ingest

import (
	"fmt"

	"github.com/otklik/otklik/internal/nlp/analyze"
	"github.com/otklik/otklik/internal/nlp/appeal"
	"github.com/otklik/otklik/internal/nlp/geo"
	"github.com/otklik/otklik/internal/nlp/model"
)

// DefaultAnalyzer builds the analyzer the server runs: the shipped appeal detector, the region's gazetteer,
// the urgency rules and a topic model: the given one, else the shipped base model.
func DefaultAnalyzer(topics analyze.TopicClassifier) (*analyze.Analyzer, error) {
	if topics == nil {
		base, err := model.Base()
		if err != nil {
			return nil, fmt.Errorf("ingest: base topic model: %w", err)
		}
		topics = base
	}
	det, err := appeal.Default()
	if err != nil {
		return nil, fmt.Errorf("ingest: appeal detector: %w", err)
	}
	cfg := analyze.Config{Detector: det, Gazetteer: geo.IrkutskGazetteer(), Urgency: analyze.Urgency, Topics: topics}
	return analyze.New(cfg)
}
