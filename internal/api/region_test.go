package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/sla"
	"github.com/otklik/otklik/internal/store"
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
