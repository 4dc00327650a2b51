package model

import (
	"errors"
	"fmt"
	"slices"
)

// Error kinds returned by the lifecycle rules and the layers above them. The API maps them to HTTP statuses.
var (
	ErrForbidden = errors.New("forbidden")     // the actor may not do this
	ErrConflict  = errors.New("conflict")      // the object is in the wrong state
	ErrInvalid   = errors.New("invalid input") // a field is missing or malformed
	ErrNotFound  = errors.New("not found")     // the object does not exist (or is not visible)
)

// FieldError is bad input about one named field.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// Invalid builds a FieldError.
func Invalid(field, reason string) error { return &FieldError{Field: field, Reason: reason} }

func forbidden(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrForbidden, fmt.Sprintf(format, a...))
}

func conflict(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrConflict, fmt.Sprintf(format, a...))
}

// Action is a lifecycle action on an incident.
type Action string

// Incident actions.
const (
	ActAssign        Action = "assign"          // operator: new|assigned → assigned
	ActReject        Action = "reject"          // operator: new → rejected (reason)
	ActRestore       Action = "restore"         // operator: rejected → new
	ActAccept        Action = "accept"          // executor: assigned → in_work
	ActDecline       Action = "decline"         // executor: assigned|in_work → new (reason; executor excluded)
	ActMerge         Action = "merge"           // operator: open → merged (into another open incident)
	ActReopen        Action = "reopen"          // operator or the resident: resolved → in_work
	ActSetCategory   Action = "set_category"    // operator: any open state, status unchanged
	ActSetPriority   Action = "set_priority"    // operator: any open state, status unchanged
	ActExtend        Action = "extend"          // operator: a reception appeal's legal term, once (reason), status unchanged
	ActPublishInterm Action = "publish_interim" // publication of an interim answer: in_work → interim
	ActPublishFinal  Action = "publish_final"   // publication of a final answer: in_work|interim → resolved
)

// IncidentActions lists the actions a caller may request directly.
var IncidentActions = []Action{ActAssign, ActReject, ActRestore, ActAccept, ActDecline, ActMerge, ActReopen, ActSetCategory, ActSetPriority, ActExtend}

// isStaff reports whether the actor is the centre's operator-level staff (or the system).
func (a Actor) isStaff() bool {
	return a.System || a.Role == RoleAdmin || a.Role == RoleOperator
}

// isModerator reports whether the actor may review answers.
func (a Actor) isModerator() bool {
	return a.System || a.Role == RoleAdmin || a.Role == RoleModerator
}

// ownsIncident reports whether the actor is an executor user of the organisation the incident is assigned to.
func (a Actor) ownsIncident(inc Incident) bool {
	return a.Role == RoleExecutor && a.ExecutorID != 0 && inc.ExecutorID == a.ExecutorID
}

// CanView reports whether the actor may read the incident. Executors see only their organisation's incidents
// (including ones they declined is not needed: they are no longer theirs); supervisors bound to a territory see
// that territory's incidents.
func CanView(a Actor, inc Incident) bool {
	switch {
	case a.System, a.Role == RoleAdmin, a.Role == RoleOperator, a.Role == RoleModerator:
		return true
	case a.Role == RoleSupervisor:
		return a.TerritoryID == 0 || a.TerritoryID == inc.TerritoryID
	case a.Role == RoleExecutor:
		return a.ownsIncident(inc)
	}
	return false
}

// IncidentTransition checks whether the actor may perform the action on the incident in its current state and
// returns the status it moves to. Arguments that the action needs are checked by ValidateArgs.
func IncidentTransition(a Actor, inc Incident, act Action) (Status, error) {
	if a.Role == RoleSupervisor && !a.System {
		return "", forbidden("a supervisor only reads")
	}
	need := func(ok bool, who string) error {
		if !ok {
			return forbidden("only %s may %s an incident", who, act)
		}
		return nil
	}
	from := inc.Status
	switch act {
	case ActAssign:
		if err := need(a.isStaff(), "an operator"); err != nil {
			return "", err
		}
		if from != StatusNew && from != StatusAssigned {
			return "", conflict("cannot assign an incident in status %s", from)
		}
		return StatusAssigned, nil
	case ActReject:
		if err := need(a.isStaff(), "an operator"); err != nil {
			return "", err
		}
		if from != StatusNew {
			return "", conflict("cannot reject an incident in status %s", from)
		}
		return StatusRejected, nil
	case ActRestore:
		if err := need(a.isStaff(), "an operator"); err != nil {
			return "", err
		}
		if from != StatusRejected {
			return "", conflict("cannot restore an incident in status %s", from)
		}
		return StatusNew, nil
	case ActAccept, ActDecline:
		if !a.ownsIncident(inc) {
			return "", forbidden("only the assigned executor may %s this incident", act)
		}
		if act == ActAccept {
			if from != StatusAssigned {
				return "", conflict("cannot accept an incident in status %s", from)
			}
			return StatusInWork, nil
		}
		if from != StatusAssigned && from != StatusInWork {
			return "", conflict("cannot decline an incident in status %s", from)
		}
		return StatusNew, nil
	case ActMerge:
		if err := need(a.isStaff(), "an operator"); err != nil {
			return "", err
		}
		if !from.Open() {
			return "", conflict("cannot merge an incident in status %s", from)
		}
		return StatusMerged, nil
	case ActReopen:
		if err := need(a.isStaff(), "an operator or the resident"); err != nil {
			return "", err
		}
		if from != StatusResolved {
			return "", conflict("cannot reopen an incident in status %s", from)
		}
		return StatusInWork, nil
	case ActSetCategory, ActSetPriority:
		if err := need(a.isStaff(), "an operator"); err != nil {
			return "", err
		}
		if !from.Open() {
			return "", conflict("cannot change an incident in status %s", from)
		}
		return from, nil
	case ActExtend:
		if err := need(a.isStaff(), "an operator"); err != nil {
			return "", err
		}
		if !from.Open() {
			return "", conflict("cannot extend the term of an incident in status %s", from)
		}
		if inc.LegalDue == nil {
			return "", conflict("only an appeal to the internet reception has a legal term to extend")
		}
		if inc.LegalExtendedAt != nil {
			return "", conflict("the legal term was extended once already; the law allows one extension")
		}
		return from, nil
	case ActPublishInterm:
		if !a.isModerator() {
			return "", forbidden("only a moderator or the system publishes answers")
		}
		switch from {
		case StatusInWork:
			return StatusInterim, nil
		case StatusInterim:
			return StatusInterim, nil // a further interim answer keeps the state
		}
		return "", conflict("cannot publish an interim answer for an incident in status %s", from)
	case ActPublishFinal:
		if !a.isModerator() {
			return "", forbidden("only a moderator or the system publishes answers")
		}
		if from != StatusInWork && from != StatusInterim {
			return "", conflict("cannot publish a final answer for an incident in status %s", from)
		}
		return StatusResolved, nil
	}
	return "", Invalid("action", fmt.Sprintf("unknown action %q", act))
}

// ActionArgs are the arguments of an incident action.
type ActionArgs struct {
	ExecutorID int64    `json:"executor_id,omitempty"` // assign
	Reason     string   `json:"reason,omitempty"`      // reject, decline, reopen, extend
	TargetID   int64    `json:"target_id,omitempty"`   // merge: the surviving incident
	CategoryID int64    `json:"category_id,omitempty"` // set_category
	Priority   Priority `json:"priority,omitempty"`    // set_priority
}

// ValidateArgs checks the arguments an action needs, naming the field at fault.
func ValidateArgs(inc Incident, act Action, args ActionArgs) error {
	switch act {
	case ActAssign:
		if args.ExecutorID <= 0 {
			return Invalid("executor_id", "required")
		}
		if slices.Contains(inc.ExcludedExecutor, args.ExecutorID) {
			return Invalid("executor_id", "this executor declined the incident")
		}
		if inc.Status == StatusAssigned && inc.ExecutorID == args.ExecutorID {
			return Invalid("executor_id", "the incident is already assigned to this executor")
		}
	case ActReject, ActDecline, ActExtend:
		if len(trimSpace(args.Reason)) == 0 {
			return Invalid("reason", "required")
		}
	case ActMerge:
		if args.TargetID <= 0 {
			return Invalid("target_id", "required")
		}
		if args.TargetID == inc.ID {
			return Invalid("target_id", "an incident cannot be merged into itself")
		}
	case ActSetCategory:
		if args.CategoryID <= 0 {
			return Invalid("category_id", "required")
		}
	case ActSetPriority:
		if !args.Priority.Valid() {
			return Invalid("priority", fmt.Sprintf("must be one of normal, high, urgent; got %q", args.Priority))
		}
	}
	return nil
}

func trimSpace(s string) string {
	i, j := 0, len(s)
	for i < j && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	for j > i && (s[j-1] == ' ' || s[j-1] == '\t' || s[j-1] == '\n' || s[j-1] == '\r') {
		j--
	}
	return s[i:j]
}

// AnswerAction is a lifecycle action on an answer.
type AnswerAction string

// Answer actions.
const (
	AnsCreate     AnswerAction = "create"         // executor: a new draft on an incident in work
	AnsEdit       AnswerAction = "edit"           // executor: draft|returned → draft
	AnsSubmit     AnswerAction = "submit"         // executor: draft|returned → on_review
	AnsApprove    AnswerAction = "approve"        // moderator: on_review → approved
	AnsReturn     AnswerAction = "return"         // moderator: on_review → returned (comment)
	AnsPublish    AnswerAction = "publish"        // moderator or outbox: approved|publish_failed → published
	AnsPublishErr AnswerAction = "publish_failed" // outbox: approved → publish_failed
)

// AnswerTransition checks whether the actor may perform the action on the answer of the incident and returns
// the state the answer moves to. For AnsCreate the answer's State is ignored.
func AnswerTransition(a Actor, inc Incident, ans Answer, act AnswerAction) (AnswerState, error) {
	if a.Role == RoleSupervisor && !a.System {
		return "", forbidden("a supervisor only reads")
	}
	switch act {
	case AnsCreate, AnsEdit, AnsSubmit:
		if !a.ownsIncident(inc) {
			return "", forbidden("only the assigned executor may %s an answer", act)
		}
		if inc.Status != StatusInWork && inc.Status != StatusInterim {
			return "", conflict("answers are written for incidents in work; this one is %s", inc.Status)
		}
		if act == AnsCreate {
			return AnswerDraft, nil
		}
		if ans.ExecutorID != a.ExecutorID {
			return "", forbidden("the answer belongs to another organisation")
		}
		if ans.State != AnswerDraft && ans.State != AnswerReturned {
			return "", conflict("cannot %s an answer in state %s", act, ans.State)
		}
		if act == AnsEdit {
			return AnswerDraft, nil
		}
		return AnswerOnReview, nil
	case AnsApprove, AnsReturn:
		if !a.isModerator() {
			return "", forbidden("only a moderator may %s an answer", act)
		}
		if ans.State != AnswerOnReview {
			return "", conflict("cannot %s an answer in state %s", act, ans.State)
		}
		if act == AnsApprove {
			return AnswerApproved, nil
		}
		return AnswerReturned, nil
	case AnsPublish:
		if !a.isModerator() {
			return "", forbidden("only a moderator or the system publishes answers")
		}
		if ans.State != AnswerApproved && ans.State != AnswerPublishFailed {
			return "", conflict("cannot publish an answer in state %s", ans.State)
		}
		return AnswerPublished, nil
	case AnsPublishErr:
		if !a.System {
			return "", forbidden("only the outbox records a failed publication")
		}
		if ans.State != AnswerApproved {
			return "", conflict("cannot fail an answer in state %s", ans.State)
		}
		return AnswerPublishFailed, nil
	}
	return "", Invalid("action", fmt.Sprintf("unknown answer action %q", act))
}

// PublishEffect returns the incident action implied by publishing an answer of the given kind.
func PublishEffect(k AnswerKind) Action {
	if k == AnswerFinal {
		return ActPublishFinal
	}
	return ActPublishInterm
}
