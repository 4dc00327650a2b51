package api

import (
	"net/http"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// listExecutors serves GET /api/v1/executors.
func (s *server) listExecutors(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Store().Executors(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

// listCategories serves GET /api/v1/categories.
func (s *server) listCategories(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Store().Categories(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

// listTerritories serves GET /api/v1/territories.
func (s *server) listTerritories(w http.ResponseWriter, r *http.Request) {
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Store().Territories(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": nonNil(list)})
}

// listUsers serves GET /api/v1/users (admins only).
func (s *server) listUsers(w http.ResponseWriter, r *http.Request) {
	if actorFrom(r.Context()).Role != model.RoleAdmin {
		s.fail(w, r, forbidden("only an admin may list users"))
		return
	}
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	list, err := s.svc.Store().Users(r.Context())
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
	loc := s.location(ctx, refs)
	if v := q.Get("from"); v != "" {
		if f.From, err = parseTime("from", v, loc, false); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if v := q.Get("to"); v != "" {
		if f.To, err = parseTime("to", v, loc, true); err != nil {
			s.fail(w, r, err)
			return
		}
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
