package sla

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// PriorityUrgent is the priority whose reaction deadline is Policy.ReactionUrgent
// (no heat, no water, danger to life, children). Every other priority uses
// Policy.Reaction.
const PriorityUrgent = "urgent"

// DefaultWarnAt is the share of a deadline at which a warning is due.
const DefaultWarnAt = 0.75

// Policy holds the deadline rules of a region, category or priority.
type Policy struct {
	// Reaction is the time to a first reaction (an interim or final answer
	// published), counted in the calendar's Mode.
	Reaction time.Duration
	// ReactionUrgent replaces Reaction for PriorityUrgent.
	ReactionUrgent time.Duration
	// ResolutionDays is the number of working days from the interim answer to the
	// final one.
	ResolutionDays int
	// WarnAt is the share of a deadline at which a warning is recorded.
	WarnAt float64

	// Reception appeals (59-ФЗ), in calendar days (see Calendar.AddDays).
	ReceptionRegisterDays  int // register after receipt: 3
	ReceptionRedirectDays  int // redirect outside competence after registration: 7
	ReceptionAnswerDays    int // answer after registration: 30
	ReceptionExtensionDays int // one extension at most: 30
}

// policyJSON is the JSON form of a Policy: durations as Go duration strings
// ("24h", "4h30m"), field names as FieldError reports them.
type policyJSON struct {
	Reaction               string  `json:"reaction"`
	ReactionUrgent         string  `json:"reaction_urgent"`
	ResolutionDays         int     `json:"resolution_days"`
	WarnAt                 float64 `json:"warn_at"`
	ReceptionRegisterDays  int     `json:"reception_register_days"`
	ReceptionRedirectDays  int     `json:"reception_redirect_days"`
	ReceptionAnswerDays    int     `json:"reception_answer_days"`
	ReceptionExtensionDays int     `json:"reception_extension_days"`
}

// MarshalJSON encodes p with durations as strings such as "24h".
func (p Policy) MarshalJSON() ([]byte, error) {
	return json.Marshal(policyJSON{
		Reaction: p.Reaction.String(), ReactionUrgent: p.ReactionUrgent.String(),
		ResolutionDays: p.ResolutionDays, WarnAt: p.WarnAt,
		ReceptionRegisterDays: p.ReceptionRegisterDays, ReceptionRedirectDays: p.ReceptionRedirectDays,
		ReceptionAnswerDays: p.ReceptionAnswerDays, ReceptionExtensionDays: p.ReceptionExtensionDays,
	})
}

// UnmarshalJSON decodes a Policy; fields left out keep DefaultPolicy values,
// and the result is validated. Errors are *FieldError when a field is at fault.
func (p *Policy) UnmarshalJSON(data []byte) error {
	def := DefaultPolicy()
	j := policyJSON{
		ResolutionDays: def.ResolutionDays, WarnAt: def.WarnAt,
		ReceptionRegisterDays: def.ReceptionRegisterDays, ReceptionRedirectDays: def.ReceptionRedirectDays,
		ReceptionAnswerDays: def.ReceptionAnswerDays, ReceptionExtensionDays: def.ReceptionExtensionDays,
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			return &FieldError{Field: te.Field, Message: "wrong JSON type " + te.Value, Err: err}
		}
		return fmt.Errorf("sla: policy: decode: %w", err)
	}
	v := def
	for _, f := range []struct {
		name string
		s    string
		dst  *time.Duration
	}{{"reaction", j.Reaction, &v.Reaction}, {"reaction_urgent", j.ReactionUrgent, &v.ReactionUrgent}} {
		if f.s == "" {
			continue
		}
		d, err := time.ParseDuration(f.s)
		if err != nil {
			return &FieldError{Field: f.name, Message: fmt.Sprintf("%q is not a duration such as 24h or 4h30m", f.s), Err: err}
		}
		*f.dst = d
	}
	v.ResolutionDays, v.WarnAt = j.ResolutionDays, j.WarnAt
	v.ReceptionRegisterDays, v.ReceptionRedirectDays = j.ReceptionRegisterDays, j.ReceptionRedirectDays
	v.ReceptionAnswerDays, v.ReceptionExtensionDays = j.ReceptionAnswerDays, j.ReceptionExtensionDays
	if err := v.Validate(); err != nil {
		return err
	}
	*p = v
	return nil
}

// DefaultPolicy returns the defaults of DESIGN.md: reaction 24 h, urgent 4 h,
// final answer 7 working days after the interim one, warning at 75 %, and the
// 59-ФЗ terms 3, 7, 30 and +30 days.
func DefaultPolicy() Policy {
	return Policy{
		Reaction:               24 * time.Hour,
		ReactionUrgent:         4 * time.Hour,
		ResolutionDays:         7,
		WarnAt:                 DefaultWarnAt,
		ReceptionRegisterDays:  3,
		ReceptionRedirectDays:  7,
		ReceptionAnswerDays:    30,
		ReceptionExtensionDays: 30,
	}
}

// Validate reports the first out-of-range field as a *FieldError.
func (p Policy) Validate() error {
	switch {
	case p.Reaction <= 0:
		return &FieldError{Field: "reaction", Message: "must be positive"}
	case p.ReactionUrgent <= 0:
		return &FieldError{Field: "reaction_urgent", Message: "must be positive"}
	case p.ResolutionDays <= 0:
		return &FieldError{Field: "resolution_days", Message: "must be positive"}
	case !(p.WarnAt > 0 && p.WarnAt < 1):
		return &FieldError{Field: "warn_at", Message: fmt.Sprintf("must be between 0 and 1 exclusive, got %v", p.WarnAt)}
	case p.ReceptionRegisterDays <= 0:
		return &FieldError{Field: "reception_register_days", Message: "must be positive"}
	case p.ReceptionRedirectDays <= 0:
		return &FieldError{Field: "reception_redirect_days", Message: "must be positive"}
	case p.ReceptionAnswerDays <= 0:
		return &FieldError{Field: "reception_answer_days", Message: "must be positive"}
	case p.ReceptionExtensionDays < 0:
		return &FieldError{Field: "reception_extension_days", Message: "must not be negative"}
	}
	return nil
}

// ReactionDue returns the first-reaction deadline of an incident created at
// created with priority (PriorityUrgent or any other), in UTC.
func ReactionDue(created time.Time, priority string, cal Calendar, p Policy) time.Time {
	d := p.Reaction
	if strings.EqualFold(strings.TrimSpace(priority), PriorityUrgent) {
		d = p.ReactionUrgent
	}
	return cal.Add(created, d)
}

// ResolutionDue returns the final-answer deadline after an interim answer
// published at interimAt: the end of the ResolutionDays-th working day after it
// (see Calendar.AddWorkingDays), in UTC.
func ResolutionDue(interimAt time.Time, cal Calendar, p Policy) time.Time {
	return cal.AddWorkingDays(interimAt, p.ResolutionDays)
}

// ReceptionDeadlines are the 59-ФЗ terms of an appeal to the internet reception.
type ReceptionDeadlines struct {
	Register       time.Time // registration, counted from receipt
	Redirect       time.Time // redirect outside competence, from registration
	Answer         time.Time // answer, from registration
	AnswerExtended time.Time // answer after the one allowed extension
}

// ReceptionDue returns the 59-ФЗ deadlines of an appeal received at received
// and registered at registered (zero if not yet: the terms then count from the
// registration deadline, the latest legal registration), all in UTC.
func ReceptionDue(received, registered time.Time, cal Calendar, p Policy) ReceptionDeadlines {
	var r ReceptionDeadlines
	r.Register = cal.AddDays(received, p.ReceptionRegisterDays)
	from := registered
	if from.IsZero() {
		from = r.Register
		// The registration deadline is midnight ending the last day; count from
		// that day, not from the next one.
		from = from.Add(-time.Nanosecond)
	}
	r.Redirect = cal.AddDays(from, p.ReceptionRedirectDays)
	r.Answer = cal.AddDays(from, p.ReceptionAnswerDays)
	r.AnswerExtended = r.Answer
	if p.ReceptionExtensionDays > 0 {
		r.AnswerExtended = cal.AddDays(r.Answer.Add(-time.Nanosecond), p.ReceptionExtensionDays)
	}
	return r
}

// Status is the state of a running deadline at some instant.
type Status struct {
	// Fraction is the share of the deadline used (Calendar.Elapsed).
	Fraction float64
	// Warn is true from the warning share on, breach included.
	Warn bool
	// Breach is true once now is after the deadline.
	Breach bool
}

// Check returns the state at now of the deadline due that started at start.
// warnAt outside (0, 1) means DefaultWarnAt. A deadline met exactly at due is
// not breached; Breach is decided on instants, so it holds after a working-hours
// deadline even while no working time passes (a weekend).
func Check(start, due, now time.Time, cal Calendar, warnAt float64) Status {
	if !(warnAt > 0 && warnAt < 1) {
		warnAt = DefaultWarnAt
	}
	s := Status{Fraction: cal.Elapsed(start, due, now), Breach: now.After(due)}
	s.Warn = s.Breach || s.Fraction >= warnAt
	return s
}
