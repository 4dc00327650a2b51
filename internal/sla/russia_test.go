package sla

import (
	"slices"
	"testing"
	"time"
)

// yearTotals counts the working days of each month of year and the working
// hours of the year (8-hour day, 7 on a short day) of the Russian calendar.
func yearTotals(t *testing.T, year int) (days [12]int, hours int) {
	t.Helper()
	c := Russian(time.UTC, WorkingHours)
	for d := (Date{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
		switch c.DayKind(d) {
		case FullDay:
			days[d.Month-1]++
			hours += 8
		case ShortDay:
			days[d.Month-1]++
			hours += 7
		}
	}
	return days, hours
}

func sum(a [12]int) int {
	n := 0
	for _, v := range a {
		n += v
	}
	return n
}

// TestRussianProductionTotals pins the published totals of the production
// calendars: working days per month, per year, and the 40-hour-week norm.
func TestRussianProductionTotals(t *testing.T) {
	tests := []struct {
		year   int
		months [12]int
		hours  int
	}{
		{2025, [12]int{17, 20, 21, 22, 18, 19, 23, 21, 22, 23, 19, 22}, 1972},
		{2026, [12]int{15, 19, 21, 22, 19, 21, 23, 21, 22, 22, 20, 22}, 1972},
		// 2027 by the Labour Code alone (no decree yet): the January holidays that
		// fall on Sat 2 and Sun 3 are not moved, so two more working days than a
		// decree would likely leave; short days 22 Feb, 30 Apr, 11 Jun, 3 Nov, 31 Dec.
		{2027, [12]int{15, 19, 22, 22, 19, 21, 22, 22, 22, 21, 21, 23}, 249*8 - 5},
	}
	for _, tt := range tests {
		months, hours := yearTotals(t, tt.year)
		if months != tt.months {
			t.Errorf("%d: working days per month %v, want %v", tt.year, months, tt.months)
		}
		if got, want := sum(months), sum(tt.months); got != want {
			t.Errorf("%d: %d working days, want %d", tt.year, got, want)
		}
		if hours != tt.hours {
			t.Errorf("%d: %d hours, want %d", tt.year, hours, tt.hours)
		}
	}
}

func TestRussianDayKinds(t *testing.T) {
	c := Russian(nil, WorkingHours)
	tests := []struct {
		date string
		want DayKind
	}{
		{"2025-01-08", NonWorking},
		{"2025-01-09", FullDay},
		{"2025-03-07", ShortDay},
		{"2025-05-02", NonWorking}, // moved from 4 January
		{"2025-05-08", NonWorking},
		{"2025-06-13", NonWorking},
		{"2025-11-01", ShortDay}, // working Saturday, pre-holiday
		{"2025-11-03", NonWorking},
		{"2025-11-04", NonWorking},
		{"2025-12-31", NonWorking}, // moved from 5 January
		{"2026-01-09", NonWorking}, // moved from 3 January
		{"2026-01-12", FullDay},
		{"2026-02-20", FullDay}, // Friday before Monday 23 February: not pre-holiday
		{"2026-02-23", NonWorking},
		{"2026-03-06", FullDay},
		{"2026-03-09", NonWorking}, // 8 March is a Sunday
		{"2026-04-30", ShortDay},
		{"2026-05-08", ShortDay},
		{"2026-05-11", NonWorking}, // 9 May is a Saturday
		{"2026-06-11", ShortDay},
		{"2026-11-03", ShortDay},
		{"2026-11-04", NonWorking},
		{"2026-12-30", FullDay},
		{"2026-12-31", NonWorking}, // moved from 4 January
		{"2027-01-08", NonWorking},
		{"2027-01-11", FullDay},
		{"2027-02-22", ShortDay},
		{"2027-04-30", ShortDay},
		{"2027-05-03", NonWorking}, // 1 May is a Saturday
		{"2027-05-10", NonWorking}, // 9 May is a Sunday
		{"2027-06-14", NonWorking}, // 12 June is a Saturday
		{"2027-12-31", ShortDay},
		{"2100-05-03", NonWorking},
		{"2100-05-10", NonWorking},
		{"2348-11-03", ShortDay},
		{"2348-11-04", NonWorking},
		{"2348-11-06", NonWorking}, // an ordinary Saturday
	}
	for _, tt := range tests {
		d, err := ParseDate(tt.date)
		if err != nil {
			t.Fatal(err)
		}
		if got := c.DayKind(d); got != tt.want {
			t.Errorf("DayKind(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestRussianProductionYear(t *testing.T) {
	for _, y := range []int{2025, 2026} {
		if !RussianProductionYear(y).Decreed {
			t.Errorf("%d not reported as decreed", y)
		}
	}
	for _, y := range []int{2024, 2027, 2099} {
		if RussianProductionYear(y).Decreed {
			t.Errorf("%d reported as decreed", y)
		}
	}
	// The 2026 decree differs from the Labour Code alone only by the two days off
	// moved from the January weekend.
	decreed := RussianProductionYear(2026)
	code := labourCodeYear(2026)
	var extra []string
	for _, d := range decreed.NonWorking {
		if code[d.YearDay()]&flagOff == 0 {
			extra = append(extra, d.String())
		}
	}
	if want := []string{"2026-01-09", "2026-12-31"}; !slices.Equal(extra, want) {
		t.Errorf("2026 decree moved %v, want %v", extra, want)
	}
	y27 := RussianProductionYear(2027)
	if len(y27.WorkingWeekends) != 0 {
		t.Errorf("2027 working weekends %v, want none before a decree", y27.WorkingWeekends)
	}
	var short []string
	for _, d := range y27.ShortDays {
		short = append(short, d.String())
	}
	if want := []string{"2027-02-22", "2027-04-30", "2027-06-11", "2027-11-03", "2027-12-31"}; !slices.Equal(short, want) {
		t.Errorf("2027 short days %v, want %v", short, want)
	}
}
