package api

import (
	"fmt"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// A message posted on a Friday at 17:30 in Irkutsk, in working-hours mode (09:00–18:00, Monday to Friday): half
// an hour counts on Friday, the rest from Monday 09:00.
func TestDeadlineFridayEvening(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		friday := time.Date(2026, 11, 13, 17, 30, 0, 0, irkutsk)
		e.now = friday
		posted := friday.Format(time.RFC3339)
		res := e.ingest(t,
			map[string]any{"source": "vk", "external_id": "fri-1", "text": "Яма на перекрёстке у рынка", "category": "roads.potholes", "posted_at": posted},
			map[string]any{"source": "vk", "external_id": "fri-2", "text": "Во дворе не убран снег", "posted_at": posted},
		)
		cases := []struct {
			name string
			id   int64
			want time.Time
		}{
			// 8 working hours: 0.5 on Friday, 7.5 on Monday → Monday 16:30.
			{"8-hour category", res.Results[0].IncidentID, time.Date(2026, 11, 16, 16, 30, 0, 0, irkutsk)},
			// 24 working hours (no category): 0.5 + 9 (Mon) + 9 (Tue) + 5.5 → Wednesday 14:30.
			{"default 24 hours", res.Results[1].IncidentID, time.Date(2026, 11, 18, 14, 30, 0, 0, irkutsk)},
		}
		for _, c := range cases {
			var d IncidentDetail
			e.do(t, "GET", fmt.Sprintf("/api/v1/incidents/%d", c.id), "operator", nil).want(t, 200, &d)
			inc := d.Incident
			if inc.ReactionDue == nil || !inc.ReactionDue.Equal(c.want) || inc.DueAt == nil || !inc.DueAt.Equal(c.want) {
				t.Fatalf("%s: reaction due %v, want %v", c.name, inc.ReactionDue, c.want.UTC())
			}
			if !inc.CreatedAt.Equal(friday) {
				t.Fatalf("%s: created %v", c.name, inc.CreatedAt)
			}
		}
		// Monday 17:00: the pothole is overdue, the snow is not.
		e.now = time.Date(2026, 11, 16, 17, 0, 0, 0, irkutsk)
		var page store.IncidentPage
		e.do(t, "GET", "/api/v1/incidents?overdue=true", "operator", nil).want(t, 200, &page)
		if len(page.Items) != 1 || page.Items[0].ID != res.Results[0].IncidentID || !page.Items[0].Overdue {
			t.Fatalf("overdue on Monday 17:00: %+v", page.Items)
		}
		var stats store.Stats
		e.do(t, "GET", "/api/v1/stats", "operator", nil).want(t, 200, &stats)
		if stats.Total != 2 || stats.Overdue != 1 || stats.ByStatus[model.StatusNew] != 2 {
			t.Fatalf("stats = %+v", stats)
		}
	})
}
