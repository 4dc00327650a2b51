package seed

import (
	"context"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

func TestSeed(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	rep, err := Seed(ctx, st, Options{Now: now, Incidents: 200})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Seeded || rep.Territories != 42 || rep.Incidents != 200 || rep.AdminToken == "" {
		t.Fatalf("report = %+v", rep)
	}
	stats, err := st.Stats(ctx, store.StatsFilter{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range model.Statuses {
		if stats.ByStatus[s] == 0 {
			t.Errorf("no demo incident in status %s: %v", s, stats.ByStatus)
		}
	}
	if stats.MedianFirstReactionSecs == nil || *stats.MedianFirstReactionSecs > 2*86400 {
		t.Errorf("median first reaction = %v", stats.MedianFirstReactionSecs)
	}
	// Every event and every incident lies in the past of the demo's "today".
	page, err := st.ListIncidents(ctx, store.IncidentFilter{Limit: 500, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range page.Items {
		if inc.CreatedAt.After(now) || inc.UpdatedAt.After(now) {
			t.Fatalf("%s lies in the future: %+v", inc.Number, inc)
		}
	}
	if u, err := st.UserByToken(ctx, auth.HashToken(rep.AdminToken)); err != nil || u.Role != model.RoleAdmin {
		t.Fatalf("admin token: %+v, %v", u, err)
	}
	// A second run leaves the data alone and mints a fresh token.
	rep2, err := Seed(ctx, st, Options{Now: now})
	if err != nil || rep2.Seeded || rep2.AdminToken == "" || rep2.AdminToken == rep.AdminToken {
		t.Fatalf("second seed = %+v, %v", rep2, err)
	}
	if n, _ := st.CountRows(ctx, "incidents"); n != 200 {
		t.Fatalf("%d incidents after the second seed", n)
	}
}
