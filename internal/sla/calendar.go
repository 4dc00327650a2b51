package sla

import (
	"fmt"
	"time"
)

// Mode says how a deadline clock runs.
type Mode uint8

const (
	// CalendarHours counts elapsed time: every hour of every day.
	CalendarHours Mode = iota
	// WorkingHours counts only working time of the region's working days.
	WorkingHours
)

// String returns "calendar" or "working".
func (m Mode) String() string {
	switch m {
	case CalendarHours:
		return "calendar"
	case WorkingHours:
		return "working"
	}
	return fmt.Sprintf("Mode(%d)", uint8(m))
}

// ParseMode parses "calendar" or "working".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "calendar":
		return CalendarHours, nil
	case "working":
		return WorkingHours, nil
	}
	return 0, fmt.Errorf("sla: unknown mode %q (want \"calendar\" or \"working\")", s)
}

// MarshalText implements encoding.TextMarshaler.
func (m Mode) MarshalText() ([]byte, error) {
	if m > WorkingHours {
		return nil, fmt.Errorf("sla: invalid mode %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Mode) UnmarshalText(b []byte) error {
	v, err := ParseMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// ShortBy is how much shorter a pre-holiday short day is: its working time ends
// this much earlier (art. 95 of the Labour Code).
const ShortBy = time.Hour

// Calendar is a region's deadline calendar. The zero value counts calendar
// hours in UTC. It is plain data, safe to copy and to use from many goroutines
// as long as its date sets are not modified.
type Calendar struct {
	// Location is the region's time zone; working hours are wall-clock times in
	// it. nil means UTC.
	Location *time.Location
	// Mode says whether Add and Between count calendar or working time.
	Mode Mode
	// Start and End bound the working day (End is exclusive; 24:00 allowed).
	// Both zero means 09:00–18:00.
	Start, End Clock
	// LunchStart and LunchEnd bound a break inside the working day; both zero
	// (or equal) means no break.
	LunchStart, LunchEnd Clock
	// Weekdays are the regular working days; zero means Monday to Friday.
	Weekdays WeekdaySet
	// Holidays are extra non-working dates (regional holidays, closures). They
	// win over everything else.
	Holidays DateSet
	// WorkingWeekends are extra working dates outside Weekdays (transferred
	// working Saturdays). They win over the production calendar.
	WorkingWeekends DateSet
	// ShortDays are extra working dates that end ShortBy earlier.
	ShortDays DateSet
	// Production adds a national production calendar (see Russian).
	Production Production
}

// DayKind classifies a date of a Calendar.
type DayKind uint8

const (
	// NonWorking is a weekend, a holiday or a day off moved there.
	NonWorking DayKind = iota
	// FullDay is an ordinary working day.
	FullDay
	// ShortDay is a working day ending ShortBy earlier (a pre-holiday day).
	ShortDay
)

// String returns "non-working", "full" or "short".
func (k DayKind) String() string {
	switch k {
	case NonWorking:
		return "non-working"
	case FullDay:
		return "full"
	case ShortDay:
		return "short"
	}
	return fmt.Sprintf("DayKind(%d)", uint8(k))
}

// Validate reports the first inconsistency of c as a *FieldError.
func (c Calendar) Validate() error {
	if c.Mode > WorkingHours {
		return &FieldError{Field: "mode", Message: fmt.Sprintf("invalid mode %d", uint8(c.Mode))}
	}
	if c.Production > ProductionRussia {
		return &FieldError{Field: "production_calendar", Message: fmt.Sprintf("invalid production calendar %d", uint8(c.Production))}
	}
	start, end := c.hours()
	if start < 0 || start > 1440 {
		return &FieldError{Field: "start", Message: "must be between 00:00 and 24:00"}
	}
	if end < 0 || end > 1440 {
		return &FieldError{Field: "end", Message: "must be between 00:00 and 24:00"}
	}
	if start >= end {
		return &FieldError{Field: "end", Message: fmt.Sprintf("must be after start %s", start)}
	}
	if c.LunchStart != c.LunchEnd {
		if c.LunchStart < start || c.LunchStart >= end {
			return &FieldError{Field: "lunch_start", Message: fmt.Sprintf("must be within working hours %s–%s", start, end)}
		}
		if c.LunchEnd <= c.LunchStart || c.LunchEnd > end {
			return &FieldError{Field: "lunch_end", Message: fmt.Sprintf("must be after lunch_start %s and not after end %s", c.LunchStart, end)}
		}
		if c.LunchStart == start && c.LunchEnd == end {
			return &FieldError{Field: "lunch_end", Message: "lunch covers the whole working day"}
		}
	}
	for d := range c.Holidays {
		if c.WorkingWeekends.Has(d) {
			return &FieldError{Field: "working_days", Message: fmt.Sprintf("%s is also a holiday", d)}
		}
	}
	return nil
}

func (c Calendar) hours() (Clock, Clock) {
	if c.Start == 0 && c.End == 0 {
		return ClockOf(9, 0), ClockOf(18, 0)
	}
	return c.Start, c.End
}

// DayKind classifies date d.
func (c Calendar) DayKind(d Date) DayKind {
	v := c.view()
	return v.kind(d)
}

// IsWorkingDay reports whether d is a working day (full or short).
func (c Calendar) IsWorkingDay(d Date) bool { return c.DayKind(d) != NonWorking }

// Span is a half-open interval [From, To) of working time.
type Span struct{ From, To time.Time }

// WorkingSpans returns the working intervals of date d in the calendar's zone
// (none on a non-working day; two when there is a lunch break).
func (c Calendar) WorkingSpans(d Date) []Span {
	v := c.view()
	var buf [2]Span
	return append([]Span(nil), v.spans(d, &buf)...)
}

// view is a normalised, per-call view of a Calendar caching the production
// table of the year last looked at.
type view struct {
	c          *Calendar
	loc        *time.Location
	start, end Clock
	ls, le     Clock
	week       WeekdaySet
	valid      bool
	year       int
	table      *yearTable
}

func (c *Calendar) view() view {
	v := view{c: c, loc: c.Location, week: c.Weekdays, ls: c.LunchStart, le: c.LunchEnd}
	if v.loc == nil {
		v.loc = time.UTC
	}
	if v.week == 0 {
		v.week = MondayToFriday
	}
	v.start, v.end = c.hours()
	if v.ls >= v.le {
		v.ls, v.le = 0, 0
	}
	// valid: a full day has some working time, so Add always terminates.
	work := v.end - v.start
	if v.ls != v.le {
		work -= max(0, min(v.le, v.end)-max(v.ls, v.start))
	}
	v.valid = v.start >= 0 && v.end <= 1440 && work > 0
	return v
}

func (v *view) kind(d Date) DayKind {
	if v.c.Holidays.Has(d) {
		return NonWorking
	}
	var f uint8
	if v.c.Production == ProductionRussia {
		if v.table == nil || v.year != d.Year {
			v.year = d.Year
			v.table, _ = russiaYear(d.Year)
		}
		f = v.table[d.YearDay()]
	}
	switch {
	case v.c.WorkingWeekends.Has(d):
	case f&flagOff != 0:
		return NonWorking
	case f&flagWork != 0:
	case !v.week.Has(d.Weekday()):
		return NonWorking
	}
	if f&flagShort != 0 || v.c.ShortDays.Has(d) {
		return ShortDay
	}
	return FullDay
}

// spans returns the working intervals of d, using buf as storage.
func (v *view) spans(d Date, buf *[2]Span) []Span {
	k := v.kind(d)
	if k == NonWorking {
		return nil
	}
	end := v.end
	if k == ShortDay {
		end -= Clock(ShortBy / time.Minute)
		if end < v.start {
			end = v.start
		}
	}
	out := buf[:0]
	if v.ls == v.le {
		out = v.appendSpan(out, d, v.start, end)
	} else {
		out = v.appendSpan(out, d, v.start, min(v.ls, end))
		out = v.appendSpan(out, d, max(v.le, v.start), end)
	}
	return out
}

func (v *view) appendSpan(out []Span, d Date, from, to Clock) []Span {
	if from >= to {
		return out
	}
	f, t := d.At(from, v.loc), d.At(to, v.loc)
	if t.After(f) {
		out = append(out, Span{f, t})
	}
	return out
}

// Add returns the deadline d after start, in UTC. In CalendarHours mode it is
// start+d (elapsed time, so a DST change shifts the wall clock). In
// WorkingHours mode it is the earliest instant by which d of working time has
// passed since start: a start outside working time counts from the next working
// moment, and a deadline that uses a span up to its end is that end (Friday
// 18:00, not Monday 09:00). A zero d returns start; a negative d counts working
// time backwards (the latest instant with -d of working time before start).
// Cost is proportional to the number of days spanned.
func (c Calendar) Add(start time.Time, d time.Duration) time.Time {
	v := c.view()
	if c.Mode != WorkingHours || !v.valid || d == 0 {
		return start.Add(d).UTC()
	}
	var buf [2]Span
	t := start.In(v.loc)
	day := DateOf(t)
	if d > 0 {
		for {
			for _, s := range v.spans(day, &buf) {
				if !s.To.After(t) {
					continue
				}
				from := s.From
				if t.After(from) {
					from = t
				}
				if avail := s.To.Sub(from); d <= avail {
					return from.Add(d).UTC()
				} else {
					d -= avail
				}
			}
			day = day.AddDays(1)
		}
	}
	d = -d
	for {
		ss := v.spans(day, &buf)
		for i := len(ss) - 1; i >= 0; i-- {
			s := ss[i]
			if !s.From.Before(t) {
				continue
			}
			to := s.To
			if t.Before(to) {
				to = t
			}
			if avail := to.Sub(s.From); d <= avail {
				return to.Add(-d).UTC()
			} else {
				d -= avail
			}
		}
		day = day.AddDays(-1)
	}
}

// Between returns the time counted between a and b: b-a in CalendarHours mode,
// the working time in [a, b) in WorkingHours mode. It is negative when b is
// before a. Cost is proportional to the number of days spanned.
func (c Calendar) Between(a, b time.Time) time.Duration {
	v := c.view()
	if c.Mode != WorkingHours || !v.valid {
		return b.Sub(a)
	}
	if b.Before(a) {
		return -c.Between(b, a)
	}
	var buf [2]Span
	var sum time.Duration
	last := DateOf(b.In(v.loc))
	for day := DateOf(a.In(v.loc)); !last.Before(day); day = day.AddDays(1) {
		for _, s := range v.spans(day, &buf) {
			from, to := s.From, s.To
			if from.Before(a) {
				from = a
			}
			if to.After(b) {
				to = b
			}
			if to.After(from) {
				sum += to.Sub(from)
			}
		}
	}
	return sum
}

// Elapsed returns the fraction of the deadline running from start to end that
// is used at now, counted like Between: 0 at start (and before it), 0.75 at
// three quarters, 1 at the deadline, above 1 past it in counted time. In
// WorkingHours mode the fraction stays at 1 outside working time after the
// deadline; use Check to learn the deadline has passed. A deadline with no
// counted time in it is 0 before end and 1 from end on.
func (c Calendar) Elapsed(start, end, now time.Time) float64 {
	total := c.Between(start, end)
	if total <= 0 {
		if now.Before(end) {
			return 0
		}
		return 1
	}
	used := c.Between(start, now)
	if used <= 0 {
		return 0
	}
	return float64(used) / float64(total)
}

// AddWorkingDays returns the deadline "within n working days" of start, in UTC:
// counting begins on the day after start's date (in the calendar's zone), and
// the deadline is the end of the n-th working day — the end of its working
// hours (17:00 on a short day) in WorkingHours mode, its midnight in
// CalendarHours mode. Working days follow the calendar whatever the Mode.
// n <= 0 returns start.
func (c Calendar) AddWorkingDays(start time.Time, n int) time.Time {
	if n <= 0 {
		return start.UTC()
	}
	v := c.view()
	day := DateOf(start.In(v.loc))
	for n > 0 {
		day = day.AddDays(1)
		if v.kind(day) != NonWorking {
			n--
		}
	}
	return v.endOfDay(day).UTC()
}

// AddDays returns the deadline "within n days" of start, in UTC, as the law on
// citizens' appeals counts it: calendar days starting the day after start's date,
// the term ending at the end (midnight) of the n-th day, moved to the end of the
// next working day when that day is non-working (Civil Code art. 191, 193).
// n <= 0 returns start.
func (c Calendar) AddDays(start time.Time, n int) time.Time {
	if n <= 0 {
		return start.UTC()
	}
	v := c.view()
	day := DateOf(start.In(v.loc)).AddDays(n)
	for v.kind(day) == NonWorking {
		day = day.AddDays(1)
	}
	return day.AddDays(1).At(0, v.loc).UTC()
}

func (v *view) endOfDay(day Date) time.Time {
	if v.c.Mode == WorkingHours && v.valid {
		var buf [2]Span
		if ss := v.spans(day, &buf); len(ss) > 0 {
			return ss[len(ss)-1].To
		}
	}
	return day.AddDays(1).At(0, v.loc)
}
