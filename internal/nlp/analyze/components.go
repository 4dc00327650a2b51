package analyze

import (
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/nlp/model"
	"github.com/otklik/otklik/internal/nlp/urgency"
)

// Urgency adapts urgency.Assess to an UrgencyFunc.
func Urgency(text string) (string, []string) {
	r := urgency.Assess(text)
	return r.Priority, r.Reasons
}

// defaultUrgency is the urgency assessment the command uses.
func defaultUrgency() UrgencyFunc { return Urgency }

// defaultTopics is the shipped base topic model (internal/nlp/model), which
// the command uses without --model.
func defaultTopics() (*nlp.Model, error) { return model.Base() }
