package api

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/store"
)

// Limits of the routing configuration.
const (
	MaxRules         = 5000    // rules in one table
	MaxBuildingBatch = 10000   // houses per POST /api/v1/routing/buildings
	MaxBuildingsBody = 4 << 20 // 4 MiB: POST /api/v1/routing/buildings
	MaxRuleNote      = 500     // bytes of a rule's note
)

// RouteDecision is where the router would send an incident now, and why.
type RouteDecision struct {
	IncidentID      int64  `json:"incident_id"`
	Number          string `json:"number"`
	CurrentExecutor string `json:"current_executor,omitempty"` // the executor it is assigned to now, if any
	ExecutorName    string `json:"executor_name,omitempty"`    // the name of the decision's executor
	routing.Decision
}

// incidentRoute serves GET /api/v1/incidents/{id}/route (operators and admins): the router's decision for the
// incident as it is now (its category, territory, address and the executors that declined) and the reason.
func (s *server) incidentRoute(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.incidentRef(ctx, a, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if a.Role != model.RoleOperator && a.Role != model.RoleAdmin {
		s.fail(w, r, forbidden("only operators and admins see routing decisions"))
		return
	}
	d, err := s.svc.Suggest(ctx, inc, nil)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := RouteDecision{IncidentID: inc.ID, Number: inc.Number, CurrentExecutor: inc.ExecutorCode, Decision: d}
	if e, ok := refs.ExecutorByCode(d.Executor); ok {
		out.ExecutorName = e.Name
	}
	writeJSON(w, http.StatusOK, out)
}

// mayReadRouting reports whether a role may read the rule table: the centre's staff and supervisors. Executors
// see only their own houses of the building registry.
func mayReadRouting(a model.Actor) bool {
	switch a.Role {
	case model.RoleAdmin, model.RoleOperator, model.RoleModerator, model.RoleSupervisor:
		return true
	}
	return false
}

// listRoutingRules serves GET /api/v1/routing/rules: the rule table in order.
func (s *server) listRoutingRules(w http.ResponseWriter, r *http.Request) {
	if !mayReadRouting(actorFrom(r.Context())) {
		s.fail(w, r, forbidden("executors do not read the routing table"))
		return
	}
	listAll(s, w, r, s.svc.Store().RoutingRules)
}

// RulesRequest is the body of PUT /api/v1/routing/rules: the whole table, which replaces the old one.
type RulesRequest struct {
	Rules []json.RawMessage `json:"rules"`
}

// validateRule checks one rule against the reference data; field errors are named with prefix ("rules[3].").
// A position of 0 means the rule's place in the list, in steps of ten (10, 20, …) as `otklik routing
// import-rules` numbers lines without one, leaving room to insert.
func validateRule(refs *store.Refs, rule *store.RoutingRule, i int, prefix string) error {
	rule.ID = 0
	rule.Category, rule.Territory = strings.TrimSpace(rule.Category), strings.TrimSpace(rule.Territory)
	rule.Kind, rule.Executor = strings.TrimSpace(rule.Kind), strings.TrimSpace(rule.Executor)
	if rule.Position < 0 {
		return model.Invalid(prefix+"position", fmt.Sprintf("must be 0 (its place in the list) or more; got %d", rule.Position))
	}
	if rule.Position == 0 {
		rule.Position = (i + 1) * 10
	}
	if rule.Category != "" {
		if _, ok := refs.CategoryByCode(rule.Category); !ok {
			return model.Invalid(prefix+"category", fmt.Sprintf("unknown category %q", rule.Category))
		}
	}
	if rule.Territory != "" {
		if _, ok := refs.TerritoryByOKTMO(rule.Territory); !ok {
			return model.Invalid(prefix+"territory", fmt.Sprintf("unknown territory OKTMO code %q", rule.Territory))
		}
	}
	if rule.Kind != "" && !slices.Contains(model.ExecutorKinds, rule.Kind) {
		return model.Invalid(prefix+"kind", fmt.Sprintf("unknown executor kind %q; one of %s", rule.Kind, strings.Join(model.ExecutorKinds, ", ")))
	}
	if rule.Executor == "" {
		return model.Invalid(prefix+"executor", "required: an executor code")
	}
	e, ok := refs.ExecutorByCode(rule.Executor)
	if !ok {
		return model.Invalid(prefix+"executor", fmt.Sprintf("unknown executor %q", rule.Executor))
	}
	if rule.Kind != "" && e.Kind != rule.Kind {
		return model.Invalid(prefix+"kind", fmt.Sprintf("executor %q is of kind %q, not %q: the rule would never match", e.Code, e.Kind, rule.Kind))
	}
	if len(rule.Note) > MaxRuleNote {
		return model.Invalid(prefix+"note", fmt.Sprintf("longer than %d bytes", MaxRuleNote))
	}
	return nil
}

// putRoutingRules serves PUT /api/v1/routing/rules (admins only): the whole table is replaced when every rule
// is valid, or nothing changes and the first bad field is named ("rules[3].executor").
func (s *server) putRoutingRules(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.adminOnly(w, r, "change the routing table") {
		return
	}
	var req RulesRequest
	if err := decodeBody(w, r, MaxBody, &req); err != nil {
		s.fail(w, r, err)
		return
	}
	if req.Rules == nil {
		s.fail(w, r, model.Invalid("rules", "required: the whole table (an empty list clears it)"))
		return
	}
	if len(req.Rules) > MaxRules {
		s.fail(w, r, model.Invalid("rules", fmt.Sprintf("at most %d rules", MaxRules)))
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rules := make([]store.RoutingRule, len(req.Rules))
	for i, raw := range req.Rules {
		prefix := fmt.Sprintf("rules[%d].", i)
		if err := decodeJSON(raw, &rules[i], prefix); err != nil {
			s.fail(w, r, err)
			return
		}
		if err := validateRule(refs, &rules[i], i, prefix); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if err := s.svc.Store().ReplaceRoutingRules(ctx, rules); err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	out, err := s.svc.Store().RoutingRules(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(out)})
}

// BuildingPage is one page of the building registry.
type BuildingPage struct {
	Items  []store.Building `json:"items"`
	Total  int              `json:"total"` // houses matching the filters
	Limit  int              `json:"limit"`
	Offset int              `json:"offset"`
}

// listBuildings serves GET /api/v1/routing/buildings: the registry, filtered by territory, executor and a
// substring of the address, a page at a time. An executor sees only its own houses.
func (s *server) listBuildings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	q := r.URL.Query()
	if err := checkParams(q, "territory", "executor", "q", "limit", "offset"); err != nil {
		s.fail(w, r, err)
		return
	}
	limit, err := parseLimit(q, 100, MaxListLimit)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	offset := 0
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			s.fail(w, r, model.Invalid("offset", fmt.Sprintf("must be a whole number, 0 or more; got %q", v)))
			return
		}
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	territory, executor := q.Get("territory"), q.Get("executor")
	if _, err := territoryID(refs, "territory", territory); err != nil {
		s.fail(w, r, err)
		return
	}
	if _, err := executorID(refs, "executor", executor); err != nil {
		s.fail(w, r, err)
		return
	}
	page := BuildingPage{Items: []store.Building{}, Limit: limit, Offset: offset}
	if a.Role == model.RoleExecutor {
		own, ok := refs.ExecutorByID(a.ExecutorID)
		if !ok || (executor != "" && executor != own.Code) {
			writeJSON(w, http.StatusOK, page)
			return
		}
		executor = own.Code
	}
	all, err := s.svc.Store().Buildings(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	needle := strings.ToLower(strings.TrimSpace(q.Get("q")))
	for _, b := range all {
		if (territory != "" && b.Territory != territory) || (executor != "" && b.Executor != executor) ||
			(needle != "" && !strings.Contains(strings.ToLower(b.Address), needle)) {
			continue
		}
		if page.Total >= offset && len(page.Items) < limit {
			page.Items = append(page.Items, b)
		}
		page.Total++
	}
	writeJSON(w, http.StatusOK, page)
}

// BuildingsRequest is the body of POST /api/v1/routing/buildings; a bare JSON array of houses is accepted too.
type BuildingsRequest struct {
	Buildings []json.RawMessage `json:"buildings"`
}

// BuildingsResult says how many houses were stored.
type BuildingsResult struct {
	Stored int `json:"stored"`
}

// postBuildings serves POST /api/v1/routing/buildings (admins only): houses are upserted by territory and
// normalised address, all or nothing; a house without a recognisable house number is 422 naming
// "buildings[i].address".
func (s *server) postBuildings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if !s.adminOnly(w, r, "change the building registry") {
		return
	}
	body, err := readBody(w, r, MaxBuildingsBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var req BuildingsRequest
	if trimmed := strings.TrimSpace(string(body)); strings.HasPrefix(trimmed, "[") {
		err = decodeJSON(body, &req.Buildings, "buildings.")
	} else {
		err = decodeJSON(body, &req, "")
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if len(req.Buildings) == 0 {
		s.fail(w, r, model.Invalid("buildings", "required: at least one house"))
		return
	}
	if len(req.Buildings) > MaxBuildingBatch {
		s.fail(w, r, model.Invalid("buildings", fmt.Sprintf("at most %d houses per request", MaxBuildingBatch)))
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	bs := make([]store.Building, len(req.Buildings))
	for i, raw := range req.Buildings {
		prefix := fmt.Sprintf("buildings[%d].", i)
		var in struct {
			Address   string `json:"address"`
			Territory string `json:"territory"`
			Executor  string `json:"executor"`
		}
		if err := decodeJSON(raw, &in, prefix); err != nil {
			s.fail(w, r, err)
			return
		}
		b := store.Building{Address: strings.TrimSpace(in.Address), Territory: strings.TrimSpace(in.Territory), Executor: strings.TrimSpace(in.Executor)}
		if b.Address == "" {
			s.fail(w, r, model.Invalid(prefix+"address", "required"))
			return
		}
		if b.Key = routing.AddressKey(b.Address); b.Key == "" {
			s.fail(w, r, model.Invalid(prefix+"address", fmt.Sprintf("no street and house number found in %q", b.Address)))
			return
		}
		if b.Territory != "" {
			if _, ok := refs.TerritoryByOKTMO(b.Territory); !ok {
				s.fail(w, r, model.Invalid(prefix+"territory", fmt.Sprintf("unknown territory OKTMO code %q", b.Territory)))
				return
			}
		}
		if b.Executor == "" {
			s.fail(w, r, model.Invalid(prefix+"executor", "required: the executor code of the house's management company"))
			return
		}
		if _, ok := refs.ExecutorByCode(b.Executor); !ok {
			s.fail(w, r, model.Invalid(prefix+"executor", fmt.Sprintf("unknown executor %q", b.Executor)))
			return
		}
		bs[i] = b
	}
	n, err := s.svc.Store().PutBuildings(ctx, bs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.svc.InvalidateRefs()
	writeJSON(w, http.StatusOK, BuildingsResult{Stored: n})
}
