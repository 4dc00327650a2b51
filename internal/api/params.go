package api

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// checkParams rejects query parameters the endpoint does not know, naming the first one, so that a misspelt
// filter is an error rather than silently ignored.
func checkParams(q url.Values, known ...string) error {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if k != "" && !slices.Contains(known, k) { // an empty name ("?=x") is ignored like an empty pair
			return model.Invalid(k, "unknown query parameter; known: "+strings.Join(known, ", "))
		}
	}
	return nil
}

// listValues returns a repeatable parameter's values, each also split at commas, without empty ones.
func listValues(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// parseLimit reads "limit" in 1..max, def when absent.
func parseLimit(q url.Values, def, max int) (int, error) {
	v := q.Get("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > max {
		return 0, model.Invalid("limit", fmt.Sprintf("must be a whole number from 1 to %d; got %q", max, v))
	}
	return n, nil
}

// parseTime reads an RFC 3339 instant or a date (YYYY-MM-DD) in the region's time zone. A date given as the end
// of a range ("to") means the end of that day, so that from=2026-11-02&to=2026-11-02 is the whole day.
func parseTime(field, v string, loc *time.Location, endOfDay bool) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, loc)
	if err != nil {
		return time.Time{}, model.Invalid(field, fmt.Sprintf("must be RFC 3339 (2026-11-13T17:30:00+08:00) or a date (2026-11-13); got %q", v))
	}
	if endOfDay {
		d = d.AddDate(0, 0, 1)
	}
	return d.UTC(), nil
}

// parsePeriod reads the optional "from" and "to" parameters of a period (see parseTime); a zero time stands for
// an open end.
func parsePeriod(q url.Values, loc *time.Location) (from, to time.Time, err error) {
	if v := q.Get("from"); v != "" {
		if from, err = parseTime("from", v, loc, false); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	if v := q.Get("to"); v != "" {
		if to, err = parseTime("to", v, loc, true); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	return from, to, nil
}

// joinCodes lists string-like codes (statuses, actions, states) for an error message: "new, assigned, closed".
func joinCodes[T ~string](codes []T) string {
	out := make([]string, len(codes))
	for i, c := range codes {
		out[i] = string(c)
	}
	return strings.Join(out, ", ")
}

// location returns the time zone dates are read in: the (first) region's.
func (s *server) location(ctx context.Context, refs *store.Refs) *time.Location {
	if len(refs.Regions) == 0 {
		return time.UTC
	}
	cal, err := s.svc.Calendar(ctx, refs.Regions[0].ID)
	if err != nil || cal.Location == nil {
		return time.UTC
	}
	return cal.Location
}

// categoryIDs resolves category codes to ids: subtopics by category, topics by topic (a topic brings its
// subtopics along: the store keeps each incident's topic).
func categoryIDs(refs *store.Refs, codes []string) (cats, topics []int64, err error) {
	for _, code := range codes {
		c, ok := refs.CategoryByCode(code)
		if !ok {
			return nil, nil, model.Invalid("category", fmt.Sprintf("unknown category %q", code))
		}
		if c.ParentCode == "" {
			topics = append(topics, c.ID)
		} else {
			cats = append(cats, c.ID)
		}
	}
	return cats, topics, nil
}

func territoryID(refs *store.Refs, field, oktmo string) (int64, error) {
	if oktmo == "" {
		return 0, nil
	}
	t, ok := refs.TerritoryByOKTMO(oktmo)
	if !ok {
		return 0, model.Invalid(field, fmt.Sprintf("unknown territory OKTMO code %q", oktmo))
	}
	return t.ID, nil
}

func executorID(refs *store.Refs, field, code string) (int64, error) {
	if code == "" {
		return 0, nil
	}
	e, ok := refs.ExecutorByCode(code)
	if !ok {
		return 0, model.Invalid(field, fmt.Sprintf("unknown executor %q", code))
	}
	return e.ID, nil
}

// nothing is an id no row has: a forced filter for a user bound to nothing matches nothing.
const nothing = -1

// scope narrows what an actor may list: executors their organisation's incidents, territory-bound supervisors
// their territory's. It returns the forced executor and territory ids (0: not forced).
func scope(a model.Actor) (executor, territory int64) {
	switch a.Role {
	case model.RoleExecutor:
		executor = a.ExecutorID
		if executor == 0 {
			executor = nothing
		}
	case model.RoleSupervisor:
		territory = a.TerritoryID
	}
	return executor, territory
}

// force applies a forced filter value: it reports false when the request asked for something else, which the
// actor may not see (the result is then empty, never someone else's rows relabelled).
func force(requested *int64, forced int64) bool {
	if forced == 0 {
		return true
	}
	if *requested != 0 && *requested != forced {
		return false
	}
	*requested = forced
	return true
}
