package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/sla"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// TestRegionCalendar: an admin replaces the region's working calendar as a whole; a bad field is refused by name
// and nothing is stored; the workflow counts with the new calendar at once.
func TestRegionCalendar(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		path := "/api/v1/region/calendar"
		var before model.Region
		e.do(t, "GET", "/api/v1/region", "admin", nil).want(t, http.StatusOK, &before)
		for _, c := range []struct {
			login  string
			body   any
			status int
			code   string
			field  string
		}{
			{"operator", map[string]any{"mode": "working"}, 403, "forbidden", ""},
			{"admin", map[string]any{"mode": "shifts"}, 422, "invalid", "mode"},
			{"admin", map[string]any{"mode": "working", "start": "9 утра"}, 422, "invalid", "start"},
			{"admin", map[string]any{"start": "18:00", "end": "09:00"}, 422, "invalid", "end"},
			{"admin", map[string]any{"lunch_start": "13:00"}, 422, "invalid", "lunch_end"},
			{"admin", map[string]any{"weekdays": []string{"mon", "пт"}}, 422, "invalid", "weekdays[1]"},
			{"admin", map[string]any{"weekdays": []string{}}, 422, "invalid", "weekdays"},
			{"admin", map[string]any{"holidays": []string{"2026-12-31", "31.12.2026"}}, 422, "invalid", "holidays[1]"},
			{"admin", map[string]any{"holidays": []string{"2026-12-31"}, "working_days": []string{"2026-12-31"}}, 422, "invalid", "working_days"},
			{"admin", map[string]any{"production_calendar": "by"}, 422, "invalid", "production_calendar"},
			{"admin", map[string]any{"mode": 1}, 422, "invalid", "mode"},
			{"admin", map[string]any{"night": true}, 422, "invalid", "night"},
		} {
			e.do(t, "PUT", path, c.login, c.body).wantErr(t, c.status, c.code, c.field)
		}
		var reg model.Region
		e.do(t, "GET", "/api/v1/region", "admin", nil).want(t, http.StatusOK, &reg)
		if reg.Calendar.Mode != before.Calendar.Mode || reg.Calendar.Start != before.Calendar.Start {
			t.Fatalf("a refused calendar was stored: %+v", reg.Calendar)
		}

		want := model.Calendar{Mode: "working", Start: "08:00", End: "17:00", LunchStart: "12:00", LunchEnd: "13:00",
			Weekdays: []string{"mon", "tue", "wed", "thu", "fri", "sat"}, Holidays: []string{"2026-12-30"}}
		var got model.Region
		e.do(t, "PUT", path, "admin", want).want(t, http.StatusOK, &got)
		if got.Calendar.Mode != "working" || got.Calendar.Start != "08:00" || len(got.Calendar.Weekdays) != 6 || got.TimeZone != before.TimeZone {
			t.Fatalf("after PUT: %+v", got)
		}
		cal, err := e.svc.Calendar(context.Background(), got.ID)
		if err != nil {
			t.Fatal(err)
		}
		if cal.Mode != sla.WorkingHours || !cal.Weekdays.Has(6) || cal.Start != sla.ClockOf(8, 0) {
			t.Fatalf("the workflow's calendar: %+v", cal)
		}
	})
}

// TestReferenceAPI: an admin reads the reference document and merges changes into it: a new executor bound to a
// territory, a renamed category; a bad field is refused by name with nothing written; other roles may not.
func TestReferenceAPI(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		var doc workflow.Reference
		e.do(t, "GET", "/api/v1/reference", "admin", nil).want(t, http.StatusOK, &doc)
		if doc.Region == nil || doc.Region.Code != "38" || len(doc.Territories) != 3 || len(doc.Executors) != 3 || len(doc.Categories) != 5 {
			t.Fatalf("the document: %+v", doc)
		}
		e.do(t, "GET", "/api/v1/reference", "operator", nil).wantErr(t, 403, "forbidden", "")
		newEx := map[string]any{"code": "uk-yug", "name": "УК «Юг»", "kind": "uk", "territories": []string{terAngarsk}, "categories": []string{"zhkh"}}
		for _, c := range []struct {
			body  any
			field string
		}{
			{map[string]any{"executors": []any{map[string]any{"code": "uk-yug", "name": "УК «Юг»", "kind": "uk", "territories": []string{"99999999"}}}}, "executors[0].territories[0]"},
			{map[string]any{"executors": []any{newEx, newEx}}, "executors[1].code"},
			{map[string]any{"categories": []any{map[string]any{"code": "zhkh.lift", "parent": "zhkh", "name": "Лифты", "default_priority": "soon"}}}, "categories[0].default_priority"},
			{map[string]any{"region": map[string]any{"code": "77", "name": "Москва", "time_zone": "Europe/Moscow"}}, "region.code"},
		} {
			e.do(t, "POST", "/api/v1/reference", "admin", c.body).wantErr(t, 422, "invalid", c.field)
		}
		e.do(t, "POST", "/api/v1/reference", "operator", map[string]any{"executors": []any{newEx}}).wantErr(t, 403, "forbidden", "")
		var rep workflow.ReferenceReport
		e.do(t, "POST", "/api/v1/reference", "admin", map[string]any{"executors": []any{newEx},
			"categories": []any{map[string]any{"code": "zhkh.water", "parent": "zhkh", "name": "Холодная и горячая вода", "reaction_hours": 12}}}).
			want(t, http.StatusOK, &rep)
		if rep.Executors != 1 || rep.Categories != 1 || rep.Region || rep.Territories != 0 {
			t.Fatalf("report %+v", rep)
		}
		refs, err := e.svc.Refs(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		ex, ok := refs.ExecutorByCode("uk-yug")
		c, ok2 := refs.CategoryByCode("zhkh.water")
		if !ok || len(ex.Territories) != 1 || ex.Territories[0] != terAngarsk || !ok2 || c.Name != "Холодная и горячая вода" || c.ReactionHours != 12 {
			t.Fatalf("after the merge: %+v %+v", ex, c)
		}
		if _, ok := refs.ExecutorByCode("uk-a"); !ok {
			t.Fatal("an executor the document did not name is gone")
		}
	})
}
