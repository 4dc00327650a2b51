package workflow

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// DefaultHistoryWindow is how far back the routing history reaches: a year, so that an organisation that stopped
// answering a kind of appeal (a management company that lost its houses, say) ages out of the suggestions.
const DefaultHistoryWindow = 365 * 24 * time.Hour

// WithHistoryWindow sets how far back the routing history reaches (DefaultHistoryWindow when <= 0).
func WithHistoryWindow(d time.Duration) Option {
	return func(s *Service) {
		if d > 0 {
			s.historyWindow = d
		}
	}
}

// routeHistory is the executor model learned from the region's own answered incidents.
type routeHistory struct {
	em      *nlp.ExecutorModel
	cells   int
	answers int
}

// RefreshRoutingHistory learns again, from the incidents of the history window that their executor answered, which
// organisation answers which category in which territory (nlp.ExecutorModel: territory × category cells smoothed
// towards the category's and the territory's mix). Until the first refresh the router gets no suggestion. It reads
// the window's answered incidents once (store.RoutingHistory); serve runs it in the background (RunRoutingHistory).
func (s *Service) RefreshRoutingHistory(ctx context.Context) error {
	now := s.now()
	counts, err := s.st.RoutingHistory(ctx, now.Add(-s.historyWindow))
	if err != nil {
		return fmt.Errorf("workflow: learn routing history: %w", err)
	}
	ex := make([]nlp.RoutingExample, len(counts))
	h := &routeHistory{cells: len(counts)}
	for i, c := range counts {
		ex[i] = nlp.RoutingExample{District: c.Territory, Label: c.Category, Executor: c.Executor, N: c.N}
		h.answers += c.N
	}
	h.em = nlp.LearnExecutors(ex, 0)
	s.history.Store(h)
	return nil
}

// RunRoutingHistory refreshes the routing history now and then every period until ctx ends, logging failures
// (the previous history stays in use).
func (s *Service) RunRoutingHistory(ctx context.Context, every time.Duration) {
	refresh := func() {
		start := time.Now()
		if err := s.RefreshRoutingHistory(ctx); err != nil {
			if ctx.Err() == nil {
				s.log.Error("routing history", "err", err)
			}
			return
		}
		h := s.history.Load()
		s.log.Info("routing history learned", "answered", h.answers, "cells", h.cells, "took", time.Since(start).Round(time.Millisecond))
	}
	refresh()
	if every <= 0 {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			refresh()
		}
	}
}

// RouteInput describes an incident for the router, with the executor the routing history suggests for its
// territory and category: from the incident's category when it has one, else from the topics the text
// classifier predicted (each weighted by its probability), else none. Only categories the history has seen count
// (an unseen one would be routed by the territory's mix alone). The suggestion is the most likely executor that
// has not declined the incident and serves its territory (one restricted to other territories, or to any when
// the incident's territory is unknown, is never suggested).
func (s *Service) RouteInput(inc model.Incident, refs *store.Refs, topics []nlp.Prediction) routing.Input {
	in := routing.Input{Category: inc.CategoryCode, Territory: inc.TerritoryOKTMO, Address: inc.Address}
	for _, id := range inc.ExcludedExecutor {
		if e, ok := refs.ExecutorByID(id); ok {
			in.Excluded = append(in.Excluded, e.Code)
		}
	}
	h := s.history.Load()
	if h == nil {
		return in
	}
	var labels []nlp.Prediction
	if inc.CategoryCode != "" {
		topics = []nlp.Prediction{{Label: inc.CategoryCode, P: 1}}
	}
	for _, p := range topics {
		if h.em.Knows(p.Label) {
			labels = append(labels, p)
		}
	}
	if len(labels) == 0 {
		return in
	}
	for _, c := range h.em.Route(inc.TerritoryOKTMO, labels) {
		if slices.Contains(in.Excluded, c.Executor) || !servesTerritory(refs, c.Executor, inc.TerritoryOKTMO) {
			continue
		}
		in.Suggestion = &routing.Suggestion{Executor: c.Executor, P: c.P}
		break
	}
	return in
}

// servesTerritory reports whether an executor still exists and works in a territory: everywhere when it lists
// no territories, else only in those it lists.
func servesTerritory(refs *store.Refs, code, territory string) bool {
	e, ok := refs.ExecutorByCode(code)
	if !ok {
		return false
	}
	return len(e.Territories) == 0 || territory != "" && slices.Contains(e.Territories, territory)
}
