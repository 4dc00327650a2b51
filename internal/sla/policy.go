package sla

import (
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
