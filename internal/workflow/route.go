package workflow

import (
	"context"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/nlp"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// Router returns the region's compiled routing table, cached like the reference data.
func (s *Service) Router(ctx context.Context) (*routing.Router, error) {
	refs, err := s.Refs(ctx)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	if s.router != nil && s.routerRefs == refs {
		r := s.router
		s.mu.Unlock()
		return r, nil
	}
	s.mu.Unlock()
	rules, err := s.st.RoutingRules(ctx)
	if err != nil {
		return nil, err
	}
	buildings, err := s.st.Buildings(ctx)
	if err != nil {
		return nil, err
	}
	t := routing.Table{}
	for _, r := range rules {
		t.Rules = append(t.Rules, routing.Rule{ID: r.ID, Position: r.Position, Category: r.Category, Territory: r.Territory, Kind: r.Kind, Executor: r.Executor, Note: r.Note})
	}
	for _, b := range buildings {
		t.Buildings = append(t.Buildings, routing.Building{Address: b.Address, Territory: b.Territory, Executor: b.Executor})
	}
	for _, e := range refs.Executors {
		t.Executors = append(t.Executors, routing.Executor{Code: e.Code, Name: e.Name, Kind: e.Kind, Territories: e.Territories, Categories: e.Categories})
	}
	r := routing.New(t)
	s.mu.Lock()
	s.router, s.routerRefs = r, refs
	s.mu.Unlock()
	return r, nil
}

// Suggest returns where the router would send an incident now, and why (the operator sees it). topics are the
// classifier's for the incident's text, if known: the routing history reads them when the incident has no category.
func (s *Service) Suggest(ctx context.Context, inc model.Incident, topics []nlp.Prediction) (routing.Decision, error) {
	refs, err := s.Refs(ctx)
	if err != nil {
		return routing.Decision{}, err
	}
	r, err := s.Router(ctx)
	if err != nil {
		return routing.Decision{}, err
	}
	return r.Route(s.RouteInput(inc, refs, topics)), nil
}

// reroute runs after a decline, in its transaction: the router picks the next executor without the ones that
// declined and the incident is assigned to it by the system, or it stays in the triage queue. Either way the
// decision and its reason are recorded.
func (s *Service) reroute(ctx context.Context, tx *store.Tx, refs *store.Refs, inc *model.Incident, now time.Time) error {
	r, err := s.Router(ctx)
	if err != nil {
		return err
	}
	d := r.Route(s.RouteInput(*inc, refs, nil))
	data := map[string]any{"via": d.Via, "reason": d.Reason}
	if d.RuleID != 0 {
		data["rule_id"] = d.RuleID
	}
	if d.Executor == "" {
		return tx.AddEvent(ctx, event(model.SystemActor(), inc.ID, 0, "routed", "", string(inc.Status), data, now))
	}
	ex, ok := refs.ExecutorByCode(d.Executor)
	if !ok {
		return fmt.Errorf("workflow: router chose unknown executor %q", d.Executor)
	}
	from := inc.Status
	to, err := model.IncidentTransition(model.SystemActor(), *inc, model.ActAssign)
	if err != nil {
		return err
	}
	inc.Status, inc.ExecutorID, inc.ExecutorCode = to, ex.ID, ex.Code
	data["executor"] = ex.Code
	return tx.AddEvent(ctx, event(model.SystemActor(), inc.ID, 0, string(model.ActAssign), string(from), string(to), data, now))
}
