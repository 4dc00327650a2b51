package sla

import (
	"testing"
	"time"
)

func benchCalendar(b *testing.B) (Calendar, time.Time) {
	irk := mustLoad(b, "Asia/Irkutsk")
	return Russian(irk, WorkingHours), time.Date(2026, 10, 30, 17, 30, 0, 0, irk)
}

// BenchmarkAddWorking measures Add in working mode for growing spans of working
// time; the cost should grow with the days spanned (whole-day skipping).
func BenchmarkAddWorking(b *testing.B) {
	c, start := benchCalendar(b)
	for _, bc := range []struct {
		name string
		d    time.Duration
	}{
		{"4h", 4 * time.Hour},
		{"24h", 24 * time.Hour},
		{"1year", 1972 * time.Hour},
		{"10years", 19720 * time.Hour},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				c.Add(start, bc.d)
			}
		})
	}
}

func BenchmarkBetweenWorking1Year(b *testing.B) {
	c, start := benchCalendar(b)
	end := start.AddDate(1, 0, 0)
	for b.Loop() {
		c.Between(start, end)
	}
}

func BenchmarkCheck(b *testing.B) {
	c, start := benchCalendar(b)
	due := c.Add(start, 24*time.Hour)
	now := c.Add(start, 18*time.Hour)
	for b.Loop() {
		Check(start, due, now, c, DefaultWarnAt)
	}
}

func BenchmarkResolutionDue(b *testing.B) {
	c, start := benchCalendar(b)
	p := DefaultPolicy()
	for b.Loop() {
		ResolutionDue(start, c, p)
	}
}
