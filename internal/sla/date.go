package sla

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Date is a civil date (a day of a calendar, no time zone). It is comparable
// and so can key maps. The zero Date is not a valid day.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// NewDate returns the date y-m-d, normalising out-of-range months and days the
// way time.Date does (31 April becomes 1 May).
func NewDate(y int, m time.Month, d int) Date {
	if d >= 1 && d <= 28 && m >= time.January && m <= time.December {
		return Date{y, m, d}
	}
	return DateOf(time.Date(y, m, d, 12, 0, 0, 0, time.UTC))
}

// DateOf returns the civil date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses an ISO date such as "2026-11-04".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, strings.TrimSpace(s))
	if err != nil {
		return Date{}, fmt.Errorf("sla: parse date %q: want YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String formats the date as YYYY-MM-DD.
func (d Date) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD).
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (YYYY-MM-DD).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// AddDays returns the date n days after d (before d when n is negative).
func (d Date) AddDays(n int) Date {
	switch n {
	case 1:
		if d.Day < daysIn(d.Year, d.Month) {
			return Date{d.Year, d.Month, d.Day + 1}
		}
		if d.Month == time.December {
			return Date{d.Year + 1, time.January, 1}
		}
		return Date{d.Year, d.Month + 1, 1}
	case -1:
		if d.Day > 1 {
			return Date{d.Year, d.Month, d.Day - 1}
		}
		if d.Month == time.January {
			return Date{d.Year - 1, time.December, 31}
		}
		return Date{d.Year, d.Month - 1, daysIn(d.Year, d.Month-1)}
	}
	return DateOf(time.Date(d.Year, d.Month, d.Day+n, 12, 0, 0, 0, time.UTC))
}

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday {
	return time.Date(d.Year, d.Month, d.Day, 12, 0, 0, 0, time.UTC).Weekday()
}

// YearDay returns the day of the year, 1..366.
func (d Date) YearDay() int {
	n := cumDays[d.Month-1] + d.Day
	if d.Month > time.February && isLeap(d.Year) {
		n++
	}
	return n
}

// At returns the instant of the wall clock c on date d in loc.
func (d Date) At(c Clock, loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, int(c), 0, 0, loc)
}

var cumDays = [12]int{0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// DateSet is a set of dates. A nil DateSet is empty and read-only.
type DateSet map[Date]struct{}

// NewDateSet returns a set holding dates.
func NewDateSet(dates ...Date) DateSet {
	s := make(DateSet, len(dates))
	for _, d := range dates {
		s[d] = struct{}{}
	}
	return s
}

// Has reports whether d is in the set.
func (s DateSet) Has(d Date) bool {
	_, ok := s[d]
	return ok
}

// Clock is a wall-clock time of day in minutes after local midnight, 0..1440
// (1440 is "24:00", the end of the day).
type Clock int

// ClockOf returns the clock h:m.
func ClockOf(h, m int) Clock { return Clock(h*60 + m) }

// ParseClock parses "HH:MM" (00:00..24:00).
func ParseClock(s string) (Clock, error) {
	hs, ms, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(hs) < 1 || len(hs) > 2 || len(ms) != 2 {
		return 0, fmt.Errorf("sla: parse clock %q: want HH:MM", s)
	}
	h, err1 := strconv.Atoi(hs)
	m, err2 := strconv.Atoi(ms)
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) ||
		hs[0] == '+' || hs[0] == '-' || ms[0] == '+' || ms[0] == '-' {
		return 0, fmt.Errorf("sla: parse clock %q: want HH:MM between 00:00 and 24:00", s)
	}
	return ClockOf(h, m), nil
}

// String formats the clock as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// WeekdaySet is a set of days of the week (bit i is time.Weekday(i)).
type WeekdaySet uint8

// MondayToFriday is the five-day working week.
const MondayToFriday WeekdaySet = 1<<time.Monday | 1<<time.Tuesday | 1<<time.Wednesday | 1<<time.Thursday | 1<<time.Friday

// Weekdays returns the set of the given days.
func Weekdays(days ...time.Weekday) WeekdaySet {
	var s WeekdaySet
	for _, d := range days {
		s |= 1 << (d % 7)
	}
	return s
}

// Has reports whether d is in the set.
func (s WeekdaySet) Has(d time.Weekday) bool { return s&(1<<(d%7)) != 0 }
