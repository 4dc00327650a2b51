package api

import (
	"context"
	"net/http"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// listExecutors serves GET /api/v1/executors.
func (s *server) listExecutors(w http.ResponseWriter, r *http.Request) {
	listAll(s, w, r, s.svc.Store().Executors)
}

// listCategories serves GET /api/v1/categories.
func (s *server) listCategories(w http.ResponseWriter, r *http.Request) {
	listAll(s, w, r, s.svc.Store().Categories)
}

// listTerritories serves GET /api/v1/territories.
func (s *server) listTerritories(w http.ResponseWriter, r *http.Request) {
	listAll(s, w, r, s.svc.Store().Territories)
}

// listUsers serves GET /api/v1/users (admins only).
func (s *server) listUsers(w http.ResponseWriter, r *http.Request) {
	if !s.adminOnly(w, r, "list users") {
		return
	}
	listAll(s, w, r, s.svc.Store().Users)
}

// listAll serves a list endpoint that takes no query parameters: everything load returns, as {"items": [...]}
// (an empty list rather than null).
func listAll[T any](s *server, w http.ResponseWriter, r *http.Request, load func(context.Context) ([]T, error)) {
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := load(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

// stats serves GET /api/v1/stats: counts by status, overdue, answered and the median time to first reaction,
// within the caller's scope (an executor's organisation, a supervisor's territory).
func (s *server) stats(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	if err := checkParams(q, "territory", "executor", "from", "to"); err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := store.StatsFilter{Now: s.svc.Now()}
	if f.TerritoryID, err = territoryID(refs, "territory", q.Get("territory")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.ExecutorID, err = executorID(refs, "executor", q.Get("executor")); err != nil {
		s.fail(w, r, err)
		return
	}
	if f.From, f.To, err = parsePeriod(q, s.location(ctx, refs)); err != nil {
		s.fail(w, r, err)
		return
	}
	ex, ter := scope(actorFrom(ctx))
	if !force(&f.ExecutorID, ex) || !force(&f.TerritoryID, ter) {
		writeJSON(w, http.StatusOK, store.Stats{ByStatus: map[model.Status]int{}})
		return
	}
	st, err := s.svc.Store().Stats(ctx, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := StatsResponse{Stats: st}
	// Ratings are counted for the whole region: they are left out of statistics narrowed to an executor or a
	// territory rather than shown as if they were theirs.
	if f.ExecutorID == 0 && f.TerritoryID == 0 {
		sat, err := s.svc.Store().SatisfactionStats(ctx, f.From, f.To)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Satisfaction = &sat
	}
	writeJSON(w, http.StatusOK, out)
}

// StatsResponse is GET /api/v1/stats: the incident statistics and the residents' verdicts on answers whose
// rating links were created in the same period.
type StatsResponse struct {
	store.Stats
	Satisfaction *store.Satisfaction `json:"satisfaction,omitempty"`
}
