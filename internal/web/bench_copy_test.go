package web

import (
	"context"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// TestCopyIntoEarlierPeriods checks the copies ten-million-incident benchmarks are made of: each incident, its
// message and its search terms are copied into each earlier 60-day period, the copies' open incidents are
// closed, they are folded like ingested ones, and the store goes on numbering after them.
func TestCopyIntoEarlierPeriods(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 26, 4, 0, 0, 0, time.UTC)
		generateBenchIncidents(t, st, 300, now, false)
		count := func(q string, args ...any) int {
			t.Helper()
			var n int
			if err := st.DB().QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			return n
		}
		open := count(`SELECT COUNT(*) FROM incidents WHERE status IN ('new', 'assigned', 'in_work', 'interim')`)
		terms := count(`SELECT COUNT(*) FROM incident_terms`)
		noResolution := `SELECT COUNT(*) FROM incidents WHERE status = 'resolved' AND resolved_at IS NULL`
		unresolved := count(noResolution)
		if open == 0 || terms == 0 {
			t.Fatalf("generated %d open incidents and %d terms", open, terms)
		}
		if err := copyIntoEarlierPeriods(ctx, st, 3); err != nil {
			t.Fatal(err)
		}
		cut := now.Add(-60 * 24 * time.Hour).UnixMilli()
		for _, c := range []struct {
			what      string
			got, want int
		}{
			{"incidents", count(`SELECT COUNT(*) FROM incidents`), 900},
			{"messages", count(`SELECT COUNT(*) FROM messages`), 900},
			{"distinct message ids", count(`SELECT COUNT(DISTINCT external_id) FROM messages`), 900},
			{"incidents with their message", count(`SELECT COUNT(*) FROM incidents i JOIN messages m ON m.incident_id = i.id`), 900},
			{"search terms", count(`SELECT COUNT(*) FROM incident_terms`), 3 * terms},
			{"open incidents", count(`SELECT COUNT(*) FROM incidents WHERE status IN ('new', 'assigned', 'in_work', 'interim')`), open},
			{"open incidents older than 60 days", count(`SELECT COUNT(*) FROM incidents WHERE status IN ('new', 'assigned', 'in_work', 'interim') AND created_at < $1`, cut), 0},
			{"copies older than 180 days", count(`SELECT COUNT(*) FROM incidents WHERE created_at < $1`, now.Add(-180*24*time.Hour).UnixMilli()), 0},
			{"resolved without a resolution time (as generated)", count(noResolution), 3 * unresolved},
			{"pending", count(`SELECT COUNT(*) FROM dash_pending`), 900},
			// Spread reaction times: one value for all closed copies would fill one bucket of the medians.
			{"distinct reaction hours of the closed copies above 40", min(41, count(`SELECT COUNT(DISTINCT (c.first_reaction_at - c.created_at) / 3600000)
				FROM incidents c JOIN incidents o ON o.id = (c.id - 1) % 300 + 1
				WHERE c.id > 300 AND o.status IN ('new', 'assigned', 'in_work', 'interim')`)), 41},
		} {
			if c.got != c.want {
				t.Errorf("%s: %d, want %d", c.what, c.got, c.want)
			}
		}
		if n, err := st.FoldDashboard(ctx); err != nil || n != 900 {
			t.Fatalf("folded %d: %v", n, err)
		}
		refs, err := st.LoadRefs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		res, err := st.Ingest(ctx, []store.IngestItem{{
			Message: model.Message{Source: "vk", ExternalID: "after-copies", Text: "Во дворе яма", PostedAt: now, ReceivedAt: now},
			Incident: &model.Incident{Number: "38-2026-", RegionID: refs.Regions[0].ID, Status: model.StatusNew, Priority: model.PriorityNormal,
				Summary: "Во дворе яма", Source: "vk", CreatedAt: now, UpdatedAt: now},
		}})
		if err != nil || res[0].IncidentID <= 900 {
			t.Fatalf("an incident stored after the copies: %+v, %v", res, err)
		}
	})
}
