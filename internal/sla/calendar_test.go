package sla

import (
	"math/rand/v2"
	"testing"
	"time"
)

func mustLoad(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatalf("load time zone %s: %v (is tzdata installed?)", name, err)
	}
	return loc
}

// local returns y-m-d h:mi in loc.
func local(loc *time.Location, y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, loc)
}

func TestAddIrkutsk(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(irk, y, m, d, h, mi) }
	withLunch := Russian(irk, WorkingHours)
	noLunch := withLunch
	noLunch.LunchStart, noLunch.LunchEnd = 0, 0
	plain := Calendar{Location: irk, Mode: WorkingHours, Start: ClockOf(9, 0), End: ClockOf(18, 0)}
	calendarHours := Russian(irk, CalendarHours)

	tests := []struct {
		name  string
		cal   Calendar
		start time.Time
		d     time.Duration
		want  time.Time
	}{
		{"Friday 17:30 + 4h, lunch", withLunch, at(2026, 10, 16, 17, 30), 4 * time.Hour, at(2026, 10, 19, 12, 30)},
		{"Friday 17:30 + 4h, no lunch", noLunch, at(2026, 10, 16, 17, 30), 4 * time.Hour, at(2026, 10, 19, 12, 30)},
		{"Friday 17:30 + 5h, lunch", withLunch, at(2026, 10, 16, 17, 30), 5 * time.Hour, at(2026, 10, 19, 14, 30)},
		{"Friday 17:30 + 5h, no lunch", noLunch, at(2026, 10, 16, 17, 30), 5 * time.Hour, at(2026, 10, 19, 13, 30)},
		{"Friday 17:30 + 24h, no lunch, no holidays", plain, at(2026, 10, 16, 17, 30), 24 * time.Hour, at(2026, 10, 21, 14, 30)},
		// 0.5 Fri + 8 Mon + 7 Tue (short) + Wed 4 Nov holiday + 8 Thu + 0.5 Fri.
		{"Friday 17:30 + 24h over 4 November", withLunch, at(2026, 10, 30, 17, 30), 24 * time.Hour, at(2026, 11, 6, 9, 30)},
		{"Friday 17:30 + 4h before 2 November", withLunch, at(2026, 10, 30, 17, 30), 4 * time.Hour, at(2026, 11, 2, 12, 30)},
		{"short day before 4 November", withLunch, at(2026, 11, 3, 16, 0), 2 * time.Hour, at(2026, 11, 5, 10, 0)},
		{"New Year holidays", withLunch, at(2025, 12, 30, 17, 0), 4 * time.Hour, at(2026, 1, 12, 12, 0)},
		{"8 March on Sunday moves to Monday", withLunch, at(2026, 3, 6, 17, 30), 4 * time.Hour, at(2026, 3, 10, 12, 30)},
		{"working Saturday 1 November 2025", withLunch, at(2025, 10, 31, 17, 0), 4 * time.Hour, at(2025, 11, 1, 12, 0)},
		{"working Saturday ends short", withLunch, at(2025, 10, 31, 17, 0), 8 * time.Hour, at(2025, 11, 1, 17, 0)},
		{"start during lunch", withLunch, at(2026, 10, 19, 13, 20), time.Hour, at(2026, 10, 19, 15, 0)},
		{"start at night", withLunch, at(2026, 10, 20, 2, 0), time.Hour, at(2026, 10, 20, 10, 0)},
		{"start on Sunday night", withLunch, at(2026, 10, 18, 22, 0), 30 * time.Minute, at(2026, 10, 19, 9, 30)},
		{"ends exactly at the end of the day", withLunch, at(2026, 10, 19, 9, 0), 8 * time.Hour, at(2026, 10, 19, 18, 0)},
		{"ends exactly at lunch", withLunch, at(2026, 10, 19, 9, 0), 4 * time.Hour, at(2026, 10, 19, 13, 0)},
		{"seconds kept", withLunch, at(2026, 10, 19, 10, 0).Add(17 * time.Second), 90 * time.Second, at(2026, 10, 19, 10, 1).Add(47 * time.Second)},
		{"zero at night stays", withLunch, at(2026, 10, 18, 22, 0), 0, at(2026, 10, 18, 22, 0)},
		{"negative 1h from Monday 10:00", withLunch, at(2026, 10, 19, 10, 0), -time.Hour, at(2026, 10, 19, 9, 0)},
		{"negative 2h from Monday 10:00", withLunch, at(2026, 10, 19, 10, 0), -2 * time.Hour, at(2026, 10, 16, 17, 0)},
		{"negative across lunch", withLunch, at(2026, 10, 19, 14, 30), -time.Hour, at(2026, 10, 19, 12, 30)},
		{"negative from a holiday", withLunch, at(2026, 11, 4, 12, 0), -time.Hour, at(2026, 11, 3, 16, 0)},
		{"2027 May holidays, Labour Code only", withLunch, at(2027, 4, 30, 16, 0), 2 * time.Hour, at(2027, 5, 4, 10, 0)},
		{"2100 May holidays, Labour Code only", withLunch, at(2100, 4, 30, 16, 0), 2 * time.Hour, at(2100, 5, 4, 10, 0)},
		{"2100 9 May on Sunday", withLunch, at(2100, 5, 7, 17, 0), 2 * time.Hour, at(2100, 5, 11, 10, 0)},
		{"2348 4 November", withLunch, at(2348, 11, 3, 16, 0), 2 * time.Hour, at(2348, 11, 5, 10, 0)},
		{"calendar hours over a weekend", calendarHours, at(2026, 10, 16, 17, 30), 24 * time.Hour, at(2026, 10, 17, 17, 30)},
		{"calendar hours over a holiday", calendarHours, at(2026, 11, 3, 16, 0), 4 * time.Hour, at(2026, 11, 3, 20, 0)},
		{"calendar hours negative", calendarHours, at(2026, 11, 3, 16, 0), -20 * time.Hour, at(2026, 11, 2, 20, 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.cal.Add(tt.start, tt.d)
			if !got.Equal(tt.want) {
				t.Errorf("Add(%s, %v) = %s, want %s", tt.start, tt.d, got.In(irk), tt.want)
			}
			if got.Location() != time.UTC {
				t.Errorf("Add returned location %v, want UTC", got.Location())
			}
			if tt.d >= 0 {
				if b := tt.cal.Between(tt.start, got); b != tt.d {
					t.Errorf("Between(start, Add(start, %v)) = %v", tt.d, b)
				}
			} else if b := tt.cal.Between(got, tt.start); b != -tt.d {
				t.Errorf("Between(Add(start, %v), start) = %v", tt.d, b)
			}
		})
	}
}

func TestDST(t *testing.T) {
	ber := mustLoad(t, "Europe/Berlin")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(ber, y, m, d, h, mi) }
	work := Calendar{Location: ber, Mode: WorkingHours} // 09:00–18:00, Mon–Fri
	allDay := Calendar{Location: ber, Mode: WorkingHours, Start: 0, End: ClockOf(24, 0),
		Weekdays: Weekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday)}
	cal := Calendar{Location: ber}

	// Summer time starts on Sunday 29 March 2026 at 02:00.
	if got, want := work.Add(at(2026, 3, 27, 17, 0), 2*time.Hour), at(2026, 3, 30, 10, 0); !got.Equal(want) {
		t.Errorf("working hours across spring DST: %s, want %s", got.In(ber), want)
	}
	if got, want := work.Add(at(2026, 3, 27, 17, 0), 2*time.Hour), time.Date(2026, 3, 30, 8, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("working hours across spring DST in UTC: %s, want %s", got, want)
	}
	if got := work.Between(at(2026, 3, 27, 17, 0), at(2026, 3, 30, 10, 0)); got != 2*time.Hour {
		t.Errorf("Between across spring DST = %v, want 2h", got)
	}
	// Calendar hours are elapsed time: 24 hours from Saturday noon is Sunday 13:00.
	if got, want := cal.Add(at(2026, 3, 28, 12, 0), 24*time.Hour), at(2026, 3, 29, 13, 0); !got.Equal(want) {
		t.Errorf("calendar hours across spring DST: %s, want %s", got.In(ber), want)
	}
	// A round-the-clock calendar: the DST days are 23 and 25 hours long.
	if got := allDay.Between(at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)); got != 23*time.Hour {
		t.Errorf("29 March 2026 in Berlin has %v of working time, want 23h", got)
	}
	if got := allDay.Between(at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0)); got != 25*time.Hour {
		t.Errorf("25 October 2026 in Berlin has %v of working time, want 25h", got)
	}
	if got, want := allDay.Add(at(2026, 3, 29, 0, 0), 24*time.Hour), at(2026, 3, 30, 1, 0); !got.Equal(want) {
		t.Errorf("24h round the clock over spring DST: %s, want %s", got.In(ber), want)
	}
	// Autumn: Friday 23 October 17:00 + 2h is Monday 26 October 10:00 CET.
	if got, want := work.Add(at(2026, 10, 23, 17, 0), 2*time.Hour), time.Date(2026, 10, 26, 9, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("working hours across autumn DST: %s, want %s", got, want)
	}
}

func TestBetween(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(irk, y, m, d, h, mi) }
	c := Russian(irk, WorkingHours)
	tests := []struct {
		name string
		a, b time.Time
		want time.Duration
	}{
		{"same instant", at(2026, 10, 19, 10, 0), at(2026, 10, 19, 10, 0), 0},
		{"one working day", at(2026, 10, 19, 0, 0), at(2026, 10, 20, 0, 0), 8 * time.Hour},
		{"a week", at(2026, 10, 19, 0, 0), at(2026, 10, 26, 0, 0), 40 * time.Hour},
		{"holiday week", at(2026, 11, 2, 0, 0), at(2026, 11, 9, 0, 0), 31 * time.Hour},
		{"the lunch", at(2026, 10, 19, 13, 0), at(2026, 10, 19, 14, 0), 0},
		{"weekend", at(2026, 10, 17, 0, 0), at(2026, 10, 19, 0, 0), 0},
		{"reversed", at(2026, 10, 20, 0, 0), at(2026, 10, 19, 0, 0), -8 * time.Hour},
		{"New Year 2026", at(2025, 12, 31, 0, 0), at(2026, 1, 12, 0, 0), 0},
		{"year 2026", at(2026, 1, 1, 0, 0), at(2027, 1, 1, 0, 0), 1972 * time.Hour},
		{"year 2025", at(2025, 1, 1, 0, 0), at(2026, 1, 1, 0, 0), 1972 * time.Hour},
	}
	for _, tt := range tests {
		if got := c.Between(tt.a, tt.b); got != tt.want {
			t.Errorf("%s: Between = %v, want %v", tt.name, got, tt.want)
		}
	}
	cal := Russian(irk, CalendarHours)
	if got := cal.Between(at(2026, 11, 3, 0, 0), at(2026, 11, 5, 0, 0)); got != 48*time.Hour {
		t.Errorf("calendar Between over a holiday = %v, want 48h", got)
	}
}

// isWorkingMinute is an independent reference: is the minute starting at t
// (in a zone without DST) working time of c?
func isWorkingMinute(c Calendar, t time.Time) bool {
	lt := t.In(c.Location)
	k := c.DayKind(DateOf(lt))
	if k == NonWorking {
		return false
	}
	m := Clock(lt.Hour()*60 + lt.Minute())
	end := c.End
	if k == ShortDay {
		end -= 60
	}
	if m < c.Start || m >= end {
		return false
	}
	return !(c.LunchStart != c.LunchEnd && m >= c.LunchStart && m < c.LunchEnd)
}

// TestAddAgainstMinuteStepping compares Add with a naive minute-by-minute count
// on random minute-aligned starts around holidays.
func TestAddAgainstMinuteStepping(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	c := Russian(irk, WorkingHours)
	rng := rand.New(rand.NewPCG(1, 2))
	base := local(irk, 2025, 10, 25, 0, 0)
	n := 150
	if testing.Short() {
		n = 30
	}
	for i := 0; i < n; i++ {
		start := base.Add(time.Duration(rng.IntN(90*24*60)) * time.Minute)
		if i%3 == 0 { // also around the New Year holidays
			start = local(irk, 2025, 12, 20, 0, 0).Add(time.Duration(rng.IntN(30*24*60)) * time.Minute)
		}
		d := time.Duration(1+rng.IntN(40*60)) * time.Minute
		// Reference: the end of the minute in which the d-th working minute falls.
		left := int(d / time.Minute)
		tm := start
		for {
			if isWorkingMinute(c, tm) {
				left--
				if left == 0 {
					tm = tm.Add(time.Minute)
					break
				}
			}
			tm = tm.Add(time.Minute)
		}
		if got := c.Add(start, d); !got.Equal(tm) {
			t.Fatalf("Add(%s, %v) = %s, minute stepping gives %s", start, d, got.In(irk), tm.In(irk))
		}
	}
}

// TestRoundTrips checks Add and Between against each other on random instants.
func TestRoundTrips(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	ber := mustLoad(t, "Europe/Berlin")
	cals := map[string]Calendar{
		"irkutsk working":  Russian(irk, WorkingHours),
		"irkutsk calendar": Russian(irk, CalendarHours),
		"berlin working, no lunch, six days": {Location: ber, Mode: WorkingHours, Start: ClockOf(8, 30), End: ClockOf(17, 15),
			Weekdays: Weekdays(time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday)},
	}
	rng := rand.New(rand.NewPCG(3, 4))
	base := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	span := int64(3 * 365 * 24 * time.Hour)
	for name, c := range cals {
		for i := 0; i < 2000; i++ {
			a := base.Add(time.Duration(rng.Int64N(span)))
			d := time.Duration(rng.Int64N(int64(200 * time.Hour)))
			b := c.Add(a, d)
			if got := c.Between(a, b); got != d {
				t.Fatalf("%s: Between(%s, Add(%s, %v)) = %v", name, a, a, d, got)
			}
			if back := c.Add(b, -d); back.After(b) || c.Between(back, b) != d || back.After(a) && c.Between(a, back) != 0 {
				t.Fatalf("%s: Add(%s, %v) = %s does not undo Add(%s, %v)", name, b, -d, back, a, d)
			}
			// Monotonic in the duration.
			if e := c.Add(a, d+time.Minute); e.Before(b) {
				t.Fatalf("%s: Add not monotonic at %s + %v", name, a, d)
			}
			x := base.Add(time.Duration(rng.Int64N(span)))
			if x.Before(a) {
				a, x = x, a
			}
			w := c.Between(a, x)
			y := c.Add(a, w)
			// y is the earliest instant with w counted since a: never after x, and
			// nothing is counted between y and x.
			if y.After(x) || c.Between(y, x) != 0 {
				t.Fatalf("%s: Add(a, Between(a, x)) = %s for x = %s, a = %s", name, y, x, a)
			}
			if c.Mode == CalendarHours && !y.Equal(x) {
				t.Fatalf("%s: calendar round trip %s != %s", name, y, x)
			}
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(irk, y, m, d, h, mi) }
	w := Russian(irk, WorkingHours)
	c := Russian(irk, CalendarHours)
	tests := []struct {
		name  string
		cal   Calendar
		start time.Time
		n     int
		want  time.Time
	}{
		{"7 days over 4 November", w, at(2026, 10, 26, 10, 0), 7, at(2026, 11, 5, 18, 0)},
		{"ending on a short day", w, at(2026, 10, 26, 10, 0), 6, at(2026, 11, 3, 17, 0)},
		{"calendar mode ends at midnight", c, at(2026, 10, 26, 10, 0), 7, at(2026, 11, 6, 0, 0)},
		{"from a Saturday", w, at(2026, 10, 24, 23, 0), 1, at(2026, 10, 26, 18, 0)},
		{"over New Year", w, at(2025, 12, 29, 12, 0), 2, at(2026, 1, 12, 18, 0)},
		{"zero", w, at(2026, 10, 26, 10, 0), 0, at(2026, 10, 26, 10, 0)},
		{"negative", w, at(2026, 10, 26, 10, 0), -3, at(2026, 10, 26, 10, 0)},
	}
	for _, tt := range tests {
		if got := tt.cal.AddWorkingDays(tt.start, tt.n); !got.Equal(tt.want) || got.Location() != time.UTC {
			t.Errorf("%s: AddWorkingDays = %s, want %s (UTC)", tt.name, got.In(irk), tt.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	at := func(y int, m time.Month, d, h, mi int) time.Time { return local(irk, y, m, d, h, mi) }
	c := Russian(irk, WorkingHours)
	tests := []struct {
		name  string
		start time.Time
		n     int
		want  time.Time
	}{
		{"ends on a working day", at(2026, 10, 30, 15, 0), 3, at(2026, 11, 3, 0, 0)},
		{"ends on a Sunday, moves to Monday", at(2026, 10, 22, 15, 0), 3, at(2026, 10, 27, 0, 0)},
		{"ends in New Year holidays", at(2025, 12, 31, 10, 0), 3, at(2026, 1, 13, 0, 0)},
		{"30 days", at(2026, 11, 2, 10, 0), 30, at(2026, 12, 3, 0, 0)},
	}
	for _, tt := range tests {
		if got := c.AddDays(tt.start, tt.n); !got.Equal(tt.want) {
			t.Errorf("%s: AddDays = %s, want %s", tt.name, got.In(irk), tt.want)
		}
	}
}

func TestCalendarZeroAndInvalid(t *testing.T) {
	var zero Calendar
	a := time.Date(2026, 10, 17, 10, 0, 0, 0, time.UTC)
	if got := zero.Add(a, time.Hour); !got.Equal(a.Add(time.Hour)) {
		t.Errorf("zero Calendar Add = %s", got)
	}
	if err := zero.Validate(); err != nil {
		t.Errorf("zero Calendar invalid: %v", err)
	}
	// The zero working Calendar: UTC, 09:00–18:00, Monday to Friday.
	w := Calendar{Mode: WorkingHours}
	if got, want := w.Add(a, time.Hour), time.Date(2026, 10, 19, 10, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("zero working Calendar Add = %s, want %s", got, want)
	}
	// A lunch covering the whole day leaves no working time: Validate says so,
	// and Add does not loop forever but counts calendar time.
	bad := Calendar{Mode: WorkingHours, Start: ClockOf(9, 0), End: ClockOf(18, 0), LunchStart: ClockOf(9, 0), LunchEnd: ClockOf(18, 0)}
	if bad.Validate() == nil {
		t.Error("Validate accepted a lunch covering the day")
	}
	if got := bad.Add(a, time.Hour); !got.Equal(a.Add(time.Hour)) {
		t.Errorf("degenerate Calendar Add = %s", got)
	}
}

func TestWorkingSpans(t *testing.T) {
	irk := mustLoad(t, "Asia/Irkutsk")
	c := Russian(irk, WorkingHours)
	tests := []struct {
		date string
		want []string
	}{
		{"2026-10-19", []string{"09:00-13:00", "14:00-18:00"}},
		{"2026-11-03", []string{"09:00-13:00", "14:00-17:00"}},
		{"2026-11-04", nil},
	}
	for _, tt := range tests {
		d, _ := ParseDate(tt.date)
		ss := c.WorkingSpans(d)
		var got []string
		for _, s := range ss {
			got = append(got, s.From.In(irk).Format("15:04")+"-"+s.To.In(irk).Format("15:04"))
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s: spans %v, want %v", tt.date, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s: spans %v, want %v", tt.date, got, tt.want)
			}
		}
	}
	// A short day whose shortened end falls before lunch.
	short := Calendar{Location: irk, Mode: WorkingHours, Start: ClockOf(9, 0), End: ClockOf(13, 30),
		LunchStart: ClockOf(12, 45), LunchEnd: ClockOf(13, 15), ShortDays: NewDateSet(NewDate(2026, 10, 19))}
	ss := short.WorkingSpans(NewDate(2026, 10, 19))
	if len(ss) != 1 || ss[0].To.In(irk).Format("15:04") != "12:30" {
		t.Errorf("short day before lunch: %v", ss)
	}
}
