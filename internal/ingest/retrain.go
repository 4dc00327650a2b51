package ingest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/otklik/otklik/internal/nlp"
)

// Topics is a topic classifier that can be replaced while the pipeline runs: the retraining job swaps in a
// better model without stopping anything. It implements analyze.TopicClassifier.
type Topics struct {
	m atomic.Pointer[nlp.Model]
}

// NewTopics starts with a model.
func NewTopics(m *nlp.Model) *Topics {
	t := &Topics{}
	t.m.Store(m)
	return t
}

// Predict implements analyze.TopicClassifier.
func (t *Topics) Predict(text string, k int) []nlp.Prediction { return t.m.Load().Predict(text, k) }

// Model returns the model in use.
func (t *Topics) Model() *nlp.Model { return t.m.Load() }

// Swap replaces the model.
func (t *Topics) Swap(m *nlp.Model) { t.m.Store(m) }

// ExampleSource gives the examples a region's operators confirmed (store.ConfirmedCategories, adapted).
type ExampleSource interface {
	Examples(ctx context.Context) ([]nlp.Example, error)
}

// Retrainer retrains the topic model on the categories operators set or confirmed, when enough new ones have
// gathered since the last training, and keeps the old model when the new one scores worse on a held-out part.
// The chosen model is saved to Path (when set), from which the next start loads it.
type Retrainer struct {
	Topics   *Topics
	Source   ExampleSource
	Path     string        // where the region's own model is kept; "" keeps it in memory only
	Every    time.Duration // how often to look (default 6 h)
	MinNew   int           // new examples needed for a retraining (default 200)
	Options  nlp.TrainOptions
	Logger   *slog.Logger
	trainedN int // examples the current model was trained on (0: the shipped model)
}

// LoadSaved replaces the model with the region's saved one, if there is one.
func (r *Retrainer) LoadSaved() error {
	if r.Path == "" {
		return nil
	}
	m, err := nlp.LoadFile(r.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("ingest: load the region's topic model: %w", err)
	}
	r.Topics.Swap(m)
	return nil
}

// Once retrains if enough new examples exist; it reports whether the model changed.
func (r *Retrainer) Once(ctx context.Context) (bool, error) {
	minNew := r.MinNew
	if minNew <= 0 {
		minNew = 200
	}
	ex, err := r.Source.Examples(ctx)
	if err != nil {
		return false, err
	}
	if len(ex)-r.trainedN < minNew {
		return false, nil
	}
	res, err := nlp.Retrain(ctx, r.Topics.Model(), ex, r.Options, 0.2)
	if err != nil {
		return false, err
	}
	r.trainedN = len(ex)
	log := r.Logger
	if log == nil {
		log = slog.Default()
	}
	if res.KeptOld {
		log.Info("topic model retrained, old one kept", "examples", len(ex), "held_out", res.HeldOut,
			"old_macro_f1", res.Old.MacroF1, "new_macro_f1", res.New.MacroF1)
		return false, nil
	}
	r.Topics.Swap(res.Model)
	log.Info("topic model retrained and replaced", "examples", len(ex), "held_out", res.HeldOut,
		"old_macro_f1", res.Old.MacroF1, "new_macro_f1", res.New.MacroF1)
	if r.Path != "" {
		if err := res.Model.Save(r.Path); err != nil {
			return true, fmt.Errorf("ingest: save the topic model: %w", err)
		}
	}
	return true, nil
}

// Run calls Once every r.Every until ctx ends.
func (r *Retrainer) Run(ctx context.Context) {
	every := r.Every
	if every <= 0 {
		every = 6 * time.Hour
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if _, err := r.Once(ctx); err != nil && ctx.Err() == nil {
			slog.Default().Warn("topic model retraining", "err", err)
		}
	}
}
