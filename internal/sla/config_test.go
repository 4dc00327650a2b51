package sla

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestParseConfig(t *testing.T) {
	c, err := ParseConfig([]byte(`{"time_zone": "Asia/Irkutsk", "mode": "working",
		"start": "08:30", "end": "17:30", "lunch_start": "12:30", "lunch_end": "13:15",
		"weekdays": ["mon", "tue", "wed", "thu", "fri", "Sat"],
		"holidays": ["2026-08-21"], "working_days": ["2026-11-08"], "short_days": ["2026-12-30"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Location.String() != "Asia/Irkutsk" || c.Mode != WorkingHours || c.Production != ProductionRussia {
		t.Errorf("zone/mode/production: %v %v %v", c.Location, c.Mode, c.Production)
	}
	if c.Start != ClockOf(8, 30) || c.End != ClockOf(17, 30) || c.LunchStart != ClockOf(12, 30) || c.LunchEnd != ClockOf(13, 15) {
		t.Errorf("hours: %s–%s lunch %s–%s", c.Start, c.End, c.LunchStart, c.LunchEnd)
	}
	if !c.Weekdays.Has(time.Saturday) || c.Weekdays.Has(time.Sunday) {
		t.Errorf("weekdays %b", c.Weekdays)
	}
	kinds := map[string]DayKind{
		"2026-08-21": NonWorking, // an extra regional holiday on a Friday
		"2026-08-22": FullDay,    // Saturday on a six-day week
		"2026-11-08": FullDay,    // an extra working Sunday
		"2026-12-30": ShortDay,
		"2026-11-04": NonWorking, // still the federal holiday
	}
	for s, want := range kinds {
		d, _ := ParseDate(s)
		if got := c.DayKind(d); got != want {
			t.Errorf("%s: %v, want %v", s, got, want)
		}
	}

	// Defaults.
	c, err = ParseConfig([]byte(`{"time_zone": "Europe/Moscow"}`))
	if err != nil {
		t.Fatal(err)
	}
	if c.Mode != CalendarHours || c.Start != ClockOf(9, 0) || c.End != ClockOf(18, 0) || c.LunchStart != c.LunchEnd ||
		c.Weekdays != MondayToFriday || c.Production != ProductionRussia {
		t.Errorf("defaults: %+v", c)
	}
}

func TestParseConfigErrors(t *testing.T) {
	tests := []struct {
		name, json, field string
	}{
		{"no time zone", `{"mode": "working"}`, "time_zone"},
		{"unknown zone", `{"time_zone": "Asia/Nowhere"}`, "time_zone"},
		{"local zone", `{"time_zone": "Local"}`, "time_zone"},
		{"bad mode", `{"time_zone": "UTC", "mode": "hours"}`, "mode"},
		{"bad production", `{"time_zone": "UTC", "production_calendar": "de"}`, "production_calendar"},
		{"start without minutes", `{"time_zone": "UTC", "start": "9"}`, "start"},
		{"end 25:00", `{"time_zone": "UTC", "end": "25:00"}`, "end"},
		{"end before start", `{"time_zone": "UTC", "start": "18:00", "end": "09:00"}`, "end"},
		{"lunch start alone", `{"time_zone": "UTC", "lunch_start": "13:00"}`, "lunch_end"},
		{"lunch end alone", `{"time_zone": "UTC", "lunch_end": "14:00"}`, "lunch_start"},
		{"lunch outside hours", `{"time_zone": "UTC", "lunch_start": "19:00", "lunch_end": "20:00"}`, "lunch_start"},
		{"lunch reversed", `{"time_zone": "UTC", "lunch_start": "14:00", "lunch_end": "13:00"}`, "lunch_end"},
		{"empty lunch", `{"time_zone": "UTC", "lunch_start": "13:00", "lunch_end": "13:00"}`, "lunch_end"},
		{"bad weekday", `{"time_zone": "UTC", "weekdays": ["mon", "funday"]}`, "weekdays[1]"},
		{"no weekdays", `{"time_zone": "UTC", "weekdays": []}`, "weekdays"},
		{"bad holiday", `{"time_zone": "UTC", "holidays": ["2026-11-04", "2026-13-01"]}`, "holidays[1]"},
		{"bad working day", `{"time_zone": "UTC", "working_days": ["04.11.2026"]}`, "working_days[0]"},
		{"bad short day", `{"time_zone": "UTC", "short_days": [""]}`, "short_days[0]"},
		{"holiday and working", `{"time_zone": "UTC", "holidays": ["2026-11-07"], "working_days": ["2026-11-07"]}`, "working_days"},
		{"unknown field", `{"time_zone": "UTC", "timezone": "UTC"}`, "timezone"},
		{"wrong type", `{"time_zone": "UTC", "start": 9}`, "start"},
	}
	for _, tt := range tests {
		_, err := ParseConfig([]byte(tt.json))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: error %v, want a FieldError on %q", tt.name, err, tt.field)
		}
	}
	for _, bad := range []string{``, `{`, `[]`, `{"time_zone": "UTC"} {}`, `null x`} {
		if _, err := ParseConfig([]byte(bad)); err == nil {
			t.Errorf("ParseConfig(%q) accepted", bad)
		}
	}
}

func TestConfigRoundTrip(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	c := Russian(irk, WorkingHours)
	c.Holidays = NewDateSet(NewDate(2026, 8, 21), NewDate(2026, 1, 20))
	cfg := ConfigOf(c)
	if !reflect.DeepEqual(cfg.Holidays, []string{"2026-01-20", "2026-08-21"}) {
		t.Errorf("holidays %v", cfg.Holidays)
	}
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseConfig(data)
	if err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	if !reflect.DeepEqual(ConfigOf(back), cfg) {
		t.Errorf("round trip: %+v != %+v", ConfigOf(back), cfg)
	}
}

func TestParseClockAndDate(t *testing.T) {
	good := map[string]Clock{"00:00": 0, "9:05": 545, "09:05": 545, "24:00": 1440, " 13:00 ": 780}
	for s, want := range good {
		if got, err := ParseClock(s); err != nil || got != want {
			t.Errorf("ParseClock(%q) = %v, %v; want %v", s, got, err, want)
		}
	}
	for _, s := range []string{"", "9", "24:01", "12:60", "-1:00", "+9:00", "9:+5", "12:5", "123:00", "ab:cd"} {
		if _, err := ParseClock(s); err == nil {
			t.Errorf("ParseClock(%q) accepted", s)
		}
	}
	if d, err := ParseDate("2028-02-29"); err != nil || d != (Date{2028, time.February, 29}) {
		t.Errorf("ParseDate leap day: %v %v", d, err)
	}
	for _, s := range []string{"2027-02-29", "2026-1-1", "2026/01/01", ""} {
		if _, err := ParseDate(s); err == nil {
			t.Errorf("ParseDate(%q) accepted", s)
		}
	}
	if d := NewDate(2026, 12, 31).AddDays(1); d != (Date{2027, time.January, 1}) {
		t.Errorf("AddDays over the year: %v", d)
	}
	if d := NewDate(2028, 3, 1).AddDays(-1); d != (Date{2028, time.February, 29}) {
		t.Errorf("AddDays back over a leap day: %v", d)
	}
	if d := NewDate(2026, 4, 31); d != (Date{2026, time.May, 1}) {
		t.Errorf("NewDate normalises: %v", d)
	}
	if NewDate(2028, 12, 31).YearDay() != 366 || NewDate(2027, 3, 1).YearDay() != 60 {
		t.Error("YearDay")
	}
}

func FuzzParseConfig(f *testing.F) {
	f.Add([]byte(`{"time_zone": "Asia/Irkutsk", "mode": "working", "start": "09:00", "end": "18:00",
		"lunch_start": "13:00", "lunch_end": "14:00", "holidays": ["2026-11-04"], "working_days": ["2026-11-07"]}`))
	f.Add([]byte(`{"time_zone": "Europe/Berlin", "mode": "working", "start": "00:00", "end": "24:00",
		"weekdays": ["sun"], "production_calendar": "none"}`))
	f.Add([]byte(`{"time_zone": "UTC", "short_days": ["2026-12-30"], "weekdays": ["sat", "sun"]}`))
	f.Add([]byte(`{"time_zone": "UTC", "start": "23:59", "end": "24:00", "mode": "working", "short_days": ["2026-01-13"]}`))
	f.Add([]byte(`{"time_zone": "../etc", "start": "9:0"}`))
	start := time.Date(2026, 1, 12, 23, 59, 30, 0, time.UTC)
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseConfig(data)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("parsed calendar invalid: %v", err)
		}
		// The calendar is usable: Add terminates and agrees with Between.
		d := 10*time.Hour + 7*time.Minute
		end := c.Add(start, d)
		if got := c.Between(start, end); got != d {
			t.Fatalf("Between(start, Add(start, %v)) = %v for %s", d, got, data)
		}
		// And it survives a trip through its own Config.
		cfg := ConfigOf(c)
		js, err := json.Marshal(cfg)
		if err != nil {
			t.Fatal(err)
		}
		back, err := ParseConfig(js)
		if err != nil {
			t.Fatalf("re-parse %s: %v", js, err)
		}
		if !reflect.DeepEqual(ConfigOf(back), cfg) {
			t.Fatalf("round trip changed %s", js)
		}
	})
}
