package ingest

import (
	"fmt"

	"github.com/otklik/otklik/internal/nlp/analyze"
	"github.com/otklik/otklik/internal/nlp/appeal"
	"github.com/otklik/otklik/internal/nlp/geo"
)

// DefaultAnalyzer builds the analyzer the server runs: the shipped appeal detector, the region's gazetteer,
// the urgency rules and, when given, a topic model.
func DefaultAnalyzer(topics analyze.TopicClassifier) (*analyze.Analyzer, error) {
	det, err := appeal.Default()
	if err != nil {
		return nil, fmt.Errorf("ingest: appeal detector: %w", err)
	}
	cfg := analyze.Config{Detector: det, Gazetteer: geo.IrkutskGazetteer(), Urgency: analyze.Urgency}
	if topics != nil {
		cfg.Topics = topics
	}
	return analyze.New(cfg)
}
