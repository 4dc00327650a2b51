package web

import (
	"fmt"
	"math"
	"net/http"
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
	st, err := s.st.Stats(ctx, f)
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
