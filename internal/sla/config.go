package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// Config is the JSON form of a Calendar, as a region's settings hold it:
//
//	{"time_zone": "Asia/Irkutsk", "mode": "working",
//	 "start": "09:00", "end": "18:00", "lunch_start": "13:00", "lunch_end": "14:00",
//	 "weekdays": ["mon", "tue", "wed", "thu", "fri"], "production_calendar": "ru",
//	 "holidays": ["2026-11-04"], "working_days": ["2026-11-07"], "short_days": []}
//
// Empty fields take defaults: mode "calendar", 09:00–18:00, no lunch break,
// Monday to Friday, the Russian production calendar. time_zone is required.
type Config struct {
	TimeZone   string   `json:"time_zone"`
	Mode       string   `json:"mode,omitempty"`
	Start      string   `json:"start,omitempty"`
	End        string   `json:"end,omitempty"`
	LunchStart string   `json:"lunch_start,omitempty"`
	LunchEnd   string   `json:"lunch_end,omitempty"`
	Weekdays   []string `json:"weekdays,omitempty"`
	Production string   `json:"production_calendar,omitempty"`
	// Holidays are extra non-working dates (YYYY-MM-DD).
	Holidays []string `json:"holidays,omitempty"`
	// WorkingDays are extra working dates outside the weekdays (YYYY-MM-DD).
	WorkingDays []string `json:"working_days,omitempty"`
	// ShortDays are extra pre-holiday short dates (YYYY-MM-DD).
	ShortDays []string `json:"short_days,omitempty"`
}

// FieldError is a configuration error naming the offending JSON field (such as
// "start" or "holidays[2]").
type FieldError struct {
	Field   string
	Message string
	Err     error
}

func (e *FieldError) Error() string {
	return "sla: config: " + e.Field + ": " + e.Message
}

func (e *FieldError) Unwrap() error { return e.Err }

// maxConfigDates bounds each date list of a Config.
const maxConfigDates = 10000

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseConfig decodes a JSON Config (unknown fields rejected) and builds its
// Calendar. Errors are *FieldError when a field is at fault.
func ParseConfig(data []byte) (Calendar, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var cfg Config
	if err := dec.Decode(&cfg); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return Calendar{}, &FieldError{Field: te.Field, Message: "wrong JSON type " + te.Value, Err: err}
		}
		if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			return Calendar{}, &FieldError{Field: strings.Trim(name, `"`), Message: "unknown field", Err: err}
		}
		return Calendar{}, fmt.Errorf("sla: config: decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Calendar{}, errors.New("sla: config: decode: data after the JSON object")
	}
	return cfg.Calendar()
}

// Calendar validates cfg and builds its Calendar. Errors are *FieldError.
func (cfg Config) Calendar() (Calendar, error) {
	var c Calendar
	tz := strings.TrimSpace(cfg.TimeZone)
	switch tz {
	case "":
		return Calendar{}, &FieldError{Field: "time_zone", Message: "required (an IANA name such as Asia/Irkutsk)"}
	case "Local":
		return Calendar{}, &FieldError{Field: "time_zone", Message: "\"Local\" depends on the machine; name the zone"}
	}
	loc, err := time.LoadLocation(tz)
	if err != nil {
		return Calendar{}, &FieldError{Field: "time_zone", Message: fmt.Sprintf("unknown time zone %q", tz), Err: err}
	}
	c.Location = loc
	if cfg.Mode != "" {
		if c.Mode, err = ParseMode(cfg.Mode); err != nil {
			return Calendar{}, &FieldError{Field: "mode", Message: fmt.Sprintf("unknown mode %q (want calendar or working)", cfg.Mode), Err: err}
		}
	}
	if c.Production, err = ParseProduction(cfg.Production); err != nil {
		return Calendar{}, &FieldError{Field: "production_calendar", Message: fmt.Sprintf("unknown production calendar %q (want ru or none)", cfg.Production), Err: err}
	}
	clock := func(field, s string, def Clock) (Clock, error) {
		if s == "" {
			return def, nil
		}
		v, err := ParseClock(s)
		if err != nil {
			return 0, &FieldError{Field: field, Message: fmt.Sprintf("%q is not a time HH:MM", s), Err: err}
		}
		return v, nil
	}
	if c.Start, err = clock("start", cfg.Start, ClockOf(9, 0)); err != nil {
		return Calendar{}, err
	}
	if c.End, err = clock("end", cfg.End, ClockOf(18, 0)); err != nil {
		return Calendar{}, err
	}
	if (cfg.LunchStart == "") != (cfg.LunchEnd == "") {
		f := "lunch_end"
		if cfg.LunchStart == "" {
			f = "lunch_start"
		}
		return Calendar{}, &FieldError{Field: f, Message: "lunch_start and lunch_end go together"}
	}
	if c.LunchStart, err = clock("lunch_start", cfg.LunchStart, 0); err != nil {
		return Calendar{}, err
	}
	if c.LunchEnd, err = clock("lunch_end", cfg.LunchEnd, 0); err != nil {
		return Calendar{}, err
	}
	if cfg.LunchStart != "" && c.LunchStart == c.LunchEnd {
		return Calendar{}, &FieldError{Field: "lunch_end", Message: "must be after lunch_start"}
	}
	for i, s := range cfg.Weekdays {
		w, ok := weekdayNames[strings.ToLower(strings.TrimSpace(s))]
		if !ok {
			return Calendar{}, &FieldError{Field: fmt.Sprintf("weekdays[%d]", i), Message: fmt.Sprintf("%q is not mon, tue, wed, thu, fri, sat or sun", s)}
		}
		c.Weekdays |= Weekdays(w)
	}
	if cfg.Weekdays != nil && c.Weekdays == 0 {
		return Calendar{}, &FieldError{Field: "weekdays", Message: "at least one working weekday is needed"}
	}
	if c.Weekdays == 0 {
		c.Weekdays = MondayToFriday
	}
	dates := func(field string, list []string) (DateSet, error) {
		if len(list) == 0 {
			return nil, nil
		}
		if len(list) > maxConfigDates {
			return nil, &FieldError{Field: field, Message: fmt.Sprintf("more than %d dates", maxConfigDates)}
		}
		set := make(DateSet, len(list))
		for i, s := range list {
			d, err := ParseDate(s)
			if err != nil {
				return nil, &FieldError{Field: fmt.Sprintf("%s[%d]", field, i), Message: fmt.Sprintf("%q is not a date YYYY-MM-DD", s), Err: err}
			}
			set[d] = struct{}{}
		}
		return set, nil
	}
	if c.Holidays, err = dates("holidays", cfg.Holidays); err != nil {
		return Calendar{}, err
	}
	if c.WorkingWeekends, err = dates("working_days", cfg.WorkingDays); err != nil {
		return Calendar{}, err
	}
	if c.ShortDays, err = dates("short_days", cfg.ShortDays); err != nil {
		return Calendar{}, err
	}
	if err := c.Validate(); err != nil {
		return Calendar{}, err
	}
	return c, nil
}

// ConfigOf returns the Config describing c (dates sorted), the inverse of
// Config.Calendar for a valid c with a named Location.
func ConfigOf(c Calendar) Config {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	start, end := c.hours()
	cfg := Config{
		TimeZone:   loc.String(),
		Mode:       c.Mode.String(),
		Start:      start.String(),
		End:        end.String(),
		Production: c.Production.String(),
	}
	if c.LunchStart != c.LunchEnd {
		cfg.LunchStart, cfg.LunchEnd = c.LunchStart.String(), c.LunchEnd.String()
	}
	week := c.Weekdays
	if week == 0 {
		week = MondayToFriday
	}
	for _, name := range []string{"mon", "tue", "wed", "thu", "fri", "sat", "sun"} {
		if week.Has(weekdayNames[name]) {
			cfg.Weekdays = append(cfg.Weekdays, name)
		}
	}
	cfg.Holidays = sortedDates(c.Holidays)
	cfg.WorkingDays = sortedDates(c.WorkingWeekends)
	cfg.ShortDays = sortedDates(c.ShortDays)
	return cfg
}

func sortedDates(s DateSet) []string {
	if len(s) == 0 {
		return nil
	}
	ds := make([]Date, 0, len(s))
	for d := range s {
		ds = append(ds, d)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].Before(ds[j]) })
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.String()
	}
	return out
}
