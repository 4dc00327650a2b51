package analyze

import (
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/urgency"
)

// Urgency adapts urgency.Assess to an UrgencyFunc.
func Urgency(text string) (string, []string) {
	r := urgency.Assess(text)
	return r.Priority, r.Reasons
}

// defaultUrgency is the urgency assessment the command uses.
func defaultUrgency() UrgencyFunc { return Urgency }

// defaultTopics is the shipped topic model the command uses without
// --model. The base model (internal/nlp/model) has not landed yet; until it
// does, topics come only from --model.
func defaultTopics() (*nlp.Model, error) { return nil, nil }
