package analyze

import "github.com/otklik/otklik/internal/nlp"

// defaultUrgency is the urgency assessment the command uses. Package
// urgency has not landed yet; until it does, the priority fields stay
// empty. Wire urgency.Assess here when it exists.
func defaultUrgency() UrgencyFunc { return nil }

// defaultTopics is the shipped topic model the command uses without
// --model. The base model (internal/nlp/model) has not landed yet; until it
// does, topics come only from --model.
func defaultTopics() (*nlp.Model, error) { return nil, nil }
