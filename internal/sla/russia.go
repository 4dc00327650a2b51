package sla

import (
	"fmt"
	"time"
)

// Production names a national production calendar (производственный календарь):
// the public holidays, the days off the government moves, the transferred working
// Saturdays and the shortened pre-holiday days of a five-day week.
type Production uint8

const (
	// ProductionNone adds nothing: only Weekdays and the Calendar's own date sets count.
	ProductionNone Production = iota
	// ProductionRussia is the Russian production calendar: the Government decrees
	// on moving days off for the years this package tabulates (2025 and 2026), and
	// for every other year the Labour Code alone (art. 112 holidays, the automatic
	// move of a holiday falling on a weekend to the next working day, art. 95
	// pre-holiday short days).
	ProductionRussia
)

// String returns "none" or "ru".
func (p Production) String() string {
	switch p {
	case ProductionNone:
		return "none"
	case ProductionRussia:
		return "ru"
	}
	return fmt.Sprintf("Production(%d)", uint8(p))
}

// ParseProduction parses "none" or "ru" (also "" for "ru", "russia").
func ParseProduction(s string) (Production, error) {
	switch s {
	case "", "ru", "RU", "russia":
		return ProductionRussia, nil
	case "none":
		return ProductionNone, nil
	}
	return 0, fmt.Errorf("sla: unknown production calendar %q (want \"ru\" or \"none\")", s)
}

// Russian returns the calendar of a Russian regional body: five-day week
// 09:00–18:00 with lunch 13:00–14:00 in loc, the Russian production calendar,
// counting in mode. A nil loc means UTC.
func Russian(loc *time.Location, mode Mode) Calendar {
	if loc == nil {
		loc = time.UTC
	}
	return Calendar{
		Location:   loc,
		Mode:       mode,
		Start:      ClockOf(9, 0),
		End:        ClockOf(18, 0),
		LunchStart: ClockOf(13, 0),
		LunchEnd:   ClockOf(14, 0),
		Weekdays:   MondayToFriday,
		Production: ProductionRussia,
	}
}

// ProductionYear lists one year of a production calendar.
type ProductionYear struct {
	Year int
	// Decreed is true when the year comes from a Government decree on moving days
	// off; false when only the Labour Code rules were applied (the decree for the
	// year is not issued yet, or the year is outside the tabulated ones).
	Decreed bool
	// NonWorking holds the public holidays and the days off moved onto them,
	// including holidays that fall on a Saturday or Sunday.
	NonWorking []Date
	// WorkingWeekends holds Saturdays and Sundays that are working days.
	WorkingWeekends []Date
	// ShortDays holds the working days one hour shorter (pre-holiday days).
	ShortDays []Date
}

// RussianProductionYear returns the Russian production calendar for year.
func RussianProductionYear(year int) ProductionYear {
	t, decreed := russiaYear(year)
	py := ProductionYear{Year: year, Decreed: decreed}
	for d := (Date{year, time.January, 1}); d.Year == year; d = d.AddDays(1) {
		f := t[d.YearDay()]
		if f&flagOff != 0 {
			py.NonWorking = append(py.NonWorking, d)
		}
		if f&flagWork != 0 {
			py.WorkingWeekends = append(py.WorkingWeekends, d)
		}
		if f&flagShort != 0 {
			py.ShortDays = append(py.ShortDays, d)
		}
	}
	return py
}

// yearTable holds the production-calendar flags of one year, indexed by YearDay.
type yearTable [367]uint8

const (
	flagOff   uint8 = 1 << iota // non-working: a holiday or a day off moved here
	flagWork                    // working although a Saturday or Sunday
	flagShort                   // pre-holiday day, one hour shorter
)

// russiaDecreed holds the years fixed by Government decrees (read-only).
//
// 2025: Government decree of 4 October 2024 No. 1335. Days off moved from Sat
// 4 Jan to Fri 2 May, from Sun 5 Jan to Wed 31 Dec, from Sun 23 Feb to Thu 8 May,
// from Sat 8 Mar to Fri 13 Jun, from Sat 1 Nov to Mon 3 Nov (1 November is a
// working, pre-holiday short Saturday). Short days 7 Mar, 30 Apr, 11 Jun, 1 Nov.
// 247 working days, 1972 hours at 40 hours a week.
//
// 2026: Government decree signed 24 September 2025. Days off moved from Sat 3 Jan
// to Fri 9 Jan and from Sun 4 Jan to Thu 31 Dec; 8 March (Sun) and 9 May (Sat)
// move by the Labour Code to Mon 9 March and Mon 11 May. Short days 30 Apr,
// 8 May, 11 Jun, 3 Nov. 247 working days, 1972 hours at 40 hours a week.
//
// The tests pin these yearly and monthly totals of the published calendars.
var russiaDecreed = map[int]*yearTable{
	2025: decreedYear(2025,
		[]string{"01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07", "01-08",
			"02-23", "03-08", "05-01", "05-02", "05-08", "05-09", "06-12", "06-13",
			"11-03", "11-04", "12-31"},
		[]string{"11-01"},
		[]string{"03-07", "04-30", "06-11", "11-01"}),
	2026: decreedYear(2026,
		[]string{"01-01", "01-02", "01-03", "01-04", "01-05", "01-06", "01-07", "01-08", "01-09",
			"02-23", "03-08", "03-09", "05-01", "05-09", "05-11", "06-12", "11-04", "12-31"},
		nil,
		[]string{"04-30", "05-08", "06-11", "11-03"}),
}

func decreedYear(year int, off, work, short []string) *yearTable {
	t := new(yearTable)
	set := func(days []string, f uint8) {
		for _, s := range days {
			d, err := ParseDate(fmt.Sprintf("%04d-%s", year, s))
			if err != nil {
				panic(err) // a typo in the tables above; caught by every test run
			}
			t[d.YearDay()] |= f
		}
	}
	set(off, flagOff)
	set(work, flagWork)
	set(short, flagShort)
	return t
}

// russiaYear returns the table for year and whether it was decreed.
func russiaYear(year int) (*yearTable, bool) {
	if t, ok := russiaDecreed[year]; ok {
		return t, true
	}
	return labourCodeYear(year), false
}

// russianHolidays returns the non-working public holidays of art. 112 of the
// Labour Code in year, in order.
func russianHolidays(year int) [14]Date {
	return [14]Date{
		{year, time.January, 1}, {year, time.January, 2}, {year, time.January, 3},
		{year, time.January, 4}, {year, time.January, 5}, {year, time.January, 6},
		{year, time.January, 7}, {year, time.January, 8},
		{year, time.February, 23}, {year, time.March, 8}, {year, time.May, 1},
		{year, time.May, 9}, {year, time.June, 12}, {year, time.November, 4},
	}
}

func isWeekend(d Date) bool {
	w := d.Weekday()
	return w == time.Saturday || w == time.Sunday
}

// labourCodeYear applies the Labour Code alone: the holidays, the move of a day
// off when a holiday other than the New Year holidays and Christmas (1–8
// January) falls on a Saturday or Sunday to the next working day (art. 112
// part 2), and the pre-holiday short day (art. 95).
func labourCodeYear(year int) *yearTable {
	t := new(yearTable)
	hols := russianHolidays(year)
	for _, h := range hols {
		t[h.YearDay()] |= flagOff
	}
	for _, h := range hols {
		if h.Month == time.January || !isWeekend(h) {
			continue
		}
		for d := h.AddDays(1); d.Year == year; d = d.AddDays(1) {
			if !isWeekend(d) && t[d.YearDay()]&flagOff == 0 {
				t[d.YearDay()] |= flagOff
				break
			}
		}
	}
	mark := func(h Date) {
		p := h.AddDays(-1)
		if p.Year == year && !isWeekend(p) && t[p.YearDay()]&flagOff == 0 {
			t[p.YearDay()] |= flagShort
		}
	}
	for _, h := range hols {
		mark(h)
	}
	mark(Date{year + 1, time.January, 1}) // 31 December
	return t
}
