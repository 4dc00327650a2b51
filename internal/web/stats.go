package web

import (
	"fmt"
	"math"
	"net/http"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// statsPeriods are the periods the public statistics offer, in days (0: all time).
var statsPeriods = []int{7, 30, 90, 0}

// statsView is the public statistics' data: counts only, never a resident's data.
type statsView struct {
	Region      string
	Territories []option
	Territory   string
	Periods     []int
	Period      int
	Received    int // appeals: everything but rejected non-appeals and merged duplicates
	Answered    int // with a first reaction published
	InWork      int // open
	Resolved    int
	Overdue     int
	Median      string // median time to the first reaction, in words
	HasMedian   bool
}

// stats shows the region's public statistics for a period and, optionally, one territory.
func (s *Server) stats(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	reg, loc, err := s.region(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := statsView{Region: reg.Name, Periods: statsPeriods, Period: 30}
	q := r.URL.Query()
	if p := q.Get("period"); p != "" {
		var n int
		if _, err := fmt.Sscanf(p, "%d", &n); err == nil {
			for _, x := range statsPeriods {
				if x == n {
					v.Period = n
				}
			}
		}
	}
	now := s.now()
	f := store.StatsFilter{Now: now}
	if v.Period > 0 {
		// Whole days in the region's time zone: from the start of the day Period-1 days ago.
		y, m, d := now.In(loc).Date()
		f.From = time.Date(y, m, d-(v.Period-1), 0, 0, 0, 0, loc)
	}
	for _, t := range refs.Territories {
		if t.RegionID == reg.ID {
			v.Territories = append(v.Territories, option{Value: t.OKTMO, Label: t.Name})
		}
	}
	if t, ok := refs.TerritoryByOKTMO(q.Get("territory")); ok && t.RegionID == reg.ID {
		v.Territory, f.TerritoryID = t.OKTMO, t.ID
	}
	st, err := s.statsCache.get(fmt.Sprintf("%d/%s", v.Period, v.Territory), now, func() (store.Stats, error) { return s.st.Stats(ctx, f) })
	if err != nil {
		s.fail(w, r, err)
		return
	}
	by := st.ByStatus
	v.Received = st.Total - by[model.StatusRejected] - by[model.StatusMerged]
	v.Answered = st.Answered
	v.InWork = by[model.StatusNew] + by[model.StatusAssigned] + by[model.StatusInWork] + by[model.StatusInterim]
	v.Resolved = by[model.StatusResolved]
	v.Overdue = st.Overdue
	if st.MedianFirstReactionSecs != nil {
		v.HasMedian = true
		v.Median = durationWords(stateOf(r).lang, time.Duration(*st.MedianFirstReactionSecs*float64(time.Second)))
	}
	s.render(w, r, http.StatusOK, "stats.html", "stats.title", v)
}

// StatsTTL is how long the public statistics are served from memory before they are counted again: the
// counts run over every incident of the period, and a public page must not let anyone make the server do that
// at every request.
const StatsTTL = 5 * time.Minute

// statsCache keeps the public statistics per period and territory for StatsTTL. Its keys are bounded by the
// periods offered times the region's territories.
type statsCache struct {
	mu sync.Mutex
	m  map[string]cachedStats
}

type cachedStats struct {
	st store.Stats
	at time.Time
}

// get returns the cached statistics under key when younger than StatsTTL, else counts them with load. Two
// requests arriving together for a stale key may both count; the later result wins.
func (c *statsCache) get(key string, now time.Time, load func() (store.Stats, error)) (store.Stats, error) {
	c.mu.Lock()
	e, ok := c.m[key]
	c.mu.Unlock()
	if ok && now.Sub(e.at) < StatsTTL && !now.Before(e.at) {
		return e.st, nil
	}
	st, err := load()
	if err != nil {
		return st, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]cachedStats{}
	}
	c.m[key] = cachedStats{st: st, at: now}
	c.mu.Unlock()
	return st, nil
}

// durationWords renders a duration as hours and minutes ("5 ч 20 мин" / "5 h 20 min").
func durationWords(lang string, d time.Duration) string {
	mins := int(math.Round(d.Minutes()))
	h, m := mins/60, mins%60
	hu, mu := "ч", "мин"
	if lang == "en" {
		hu, mu = "h", "min"
	}
	switch {
	case h == 0:
		return fmt.Sprintf("%d %s", m, mu)
	case m == 0:
		return fmt.Sprintf("%d %s", h, hu)
	}
	return fmt.Sprintf("%d %s %d %s", h, hu, m, mu)
}
