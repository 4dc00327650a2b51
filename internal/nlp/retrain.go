package nlp

import (
	"context"
	"fmt"
)

// RetrainResult says what Retrain decided and why.
type RetrainResult struct {
	// Model is the model to use from now on: the new one, or old when kept.
	Model *Model
	// KeptOld is true when the new model scored lower macro-F1 than the
	// old one on the held-out part.
	KeptOld bool
	// Old and New are the held-out scores (Old is zero when old is nil).
	Old, New Scores
	// HeldOut is the number of held-out examples.
	HeldOut int
}

// Retrain trains a new model on examples minus a held-out part (the
// fraction heldOutFraction, chosen by a hash of each text so the choice is
// stable between runs), scores the new and the old model on the held-out
// part, and returns the old model when the new one has lower macro-F1.
// With old == nil the new model is always taken. It has no side effects.
func Retrain(ctx context.Context, old *Model, examples []Example, opts TrainOptions, heldOutFraction float64) (RetrainResult, error) {
	if heldOutFraction <= 0 || heldOutFraction >= 1 {
		heldOutFraction = 0.2
	}
	var train, hold []Example
	for _, e := range examples {
		if heldOutSplit(e.Text, heldOutFraction) {
			hold = append(hold, e)
		} else {
			train = append(train, e)
		}
	}
	if len(hold) == 0 || len(train) == 0 {
		return RetrainResult{}, fmt.Errorf("nlp: retrain: %d examples are too few to hold some out", len(examples))
	}
	m, err := Train(ctx, train, opts)
	if err != nil {
		return RetrainResult{}, fmt.Errorf("nlp: retrain: %w", err)
	}
	res := RetrainResult{Model: m, New: Evaluate(m, hold), HeldOut: len(hold)}
	if old != nil {
		res.Old = Evaluate(old, hold)
		if res.New.MacroF1 < res.Old.MacroF1 {
			res.Model, res.KeptOld = old, true
		}
	}
	return res, nil
}

// heldOutSplit uses a different salt from Train's calibration hold-out so
// the two parts are independent.
func heldOutSplit(text string, fraction float64) bool {
	return heldOut("retrain\x00"+text, fraction)
}
