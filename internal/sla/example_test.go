package sla_test

import (
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/sla"
)

func ExampleCalendar_Add() {
	irk, err := time.LoadLocation("Asia/Irkutsk")
	if err != nil {
		fmt.Println(err)
		return
	}
	cal := sla.Russian(irk, sla.WorkingHours)
	// A message on Friday 30 October 2026 at 17:30; 4 November is a holiday and
	// 3 November a short pre-holiday day.
	created := time.Date(2026, 10, 30, 17, 30, 0, 0, irk)
	p := sla.DefaultPolicy()
	fmt.Println(sla.ReactionDue(created, "urgent", cal, p).In(irk).Format(time.DateTime))
	fmt.Println(sla.ReactionDue(created, "normal", cal, p).In(irk).Format(time.DateTime))
	fmt.Println(sla.ReactionDue(created, "normal", cal, p).Location())
	// Output:
	// 2026-11-02 12:30:00
	// 2026-11-06 09:30:00
	// UTC
}

func ExampleParseConfig() {
	cal, err := sla.ParseConfig([]byte(`{"time_zone": "Asia/Irkutsk", "mode": "working",
		"start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00",
		"holidays": ["2026-08-21"]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cal.DayKind(sla.NewDate(2026, 8, 21)), cal.DayKind(sla.NewDate(2026, 11, 3)))

	_, err = sla.ParseConfig([]byte(`{"time_zone": "Asia/Irkutsk", "start": "9 утра"}`))
	fmt.Println(err)
	// Output:
	// non-working short
	// sla: config: start: "9 утра" is not a time HH:MM
}

func ExampleCheck() {
	cal := sla.Calendar{} // calendar hours, UTC
	start := time.Date(2026, 10, 19, 0, 0, 0, 0, time.UTC)
	due := cal.Add(start, 24*time.Hour)
	for _, h := range []int{17, 18, 24, 25} {
		s := sla.Check(start, due, start.Add(time.Duration(h)*time.Hour), cal, sla.DefaultWarnAt)
		fmt.Printf("%2dh: %.3f warn=%v breach=%v\n", h, s.Fraction, s.Warn, s.Breach)
	}
	// Output:
	// 17h: 0.708 warn=false breach=false
	// 18h: 0.750 warn=true breach=false
	// 24h: 1.000 warn=true breach=false
	// 25h: 1.042 warn=true breach=true
}
