// Package model holds Otklik's domain types and the lifecycle rules of incidents
// and answers. It imports nothing of Otklik's own: every other package builds on it.
package model

import (
	"encoding/json"
	"fmt"
	"time"
)

// Role is what a user may do in the system.
type Role string

// Roles, from DESIGN.md.
const (
	RoleAdmin      Role = "admin"      // configures the region, may do everything an operator and a moderator may
	RoleOperator   Role = "operator"   // triages, rejects, assigns, merges
	RoleModerator  Role = "moderator"  // approves or returns answers
	RoleExecutor   Role = "executor"   // bound to one executor organisation; accepts, declines, answers
	RoleSupervisor Role = "supervisor" // bound to a territory or the whole region; reads only
)

// Roles lists every role in a stable order.
var Roles = []Role{RoleAdmin, RoleOperator, RoleModerator, RoleExecutor, RoleSupervisor}

// Valid reports whether r is a known role.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Status is the state of an incident.
type Status string

// Incident states (DESIGN.md, "Lifecycle").
const (
	StatusNew      Status = "new"      // waiting for triage
	StatusRejected Status = "rejected" // not an appeal; reason kept
	StatusAssigned Status = "assigned" // handed to one executor, not yet accepted
	StatusInWork   Status = "in_work"  // accepted by the executor
	StatusInterim  Status = "interim"  // an interim answer is published: reaction clock stopped
	StatusResolved Status = "resolved" // a final answer is published
	StatusMerged   Status = "merged"   // folded into another incident
)

// Statuses lists every incident status in lifecycle order.
var Statuses = []Status{StatusNew, StatusRejected, StatusAssigned, StatusInWork, StatusInterim, StatusResolved, StatusMerged}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	for _, x := range Statuses {
		if s == x {
			return true
		}
	}
	return false
}

// Open reports whether an incident in this status still needs work.
func (s Status) Open() bool {
	switch s {
	case StatusNew, StatusAssigned, StatusInWork, StatusInterim:
		return true
	}
	return false
}

// Priority of an incident.
type Priority string

// Priorities.
const (
	PriorityNormal Priority = "normal"
	PriorityHigh   Priority = "high"
	PriorityUrgent Priority = "urgent"
)

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool {
	return p == PriorityNormal || p == PriorityHigh || p == PriorityUrgent
}

// AnswerKind tells an interim answer from a final one.
type AnswerKind string

// Answer kinds.
const (
	AnswerInterim AnswerKind = "interim"
	AnswerFinal   AnswerKind = "final"
)

// Valid reports whether k is a known answer kind.
func (k AnswerKind) Valid() bool { return k == AnswerInterim || k == AnswerFinal }

// AnswerState is the review state of an answer.
type AnswerState string

// Answer states (DESIGN.md, "Lifecycle").
const (
	AnswerDraft         AnswerState = "draft"
	AnswerOnReview      AnswerState = "on_review"
	AnswerReturned      AnswerState = "returned"
	AnswerApproved      AnswerState = "approved"
	AnswerPublished     AnswerState = "published"
	AnswerPublishFailed AnswerState = "publish_failed"
)

// Region is a tenant: a subject of the federation with its calendar.
type Region struct {
	ID       int64          `json:"id"`
	Code     string         `json:"code"` // two-digit subject code, the prefix of incident numbers ("38")
	Name     string         `json:"name"`
	TimeZone string         `json:"time_zone"`
	Calendar Calendar       `json:"calendar"`
	Settings RegionSettings `json:"settings"`
}

// RegionSettings are a region's policies beyond its calendar.
type RegionSettings struct {
	// AutoApprove lets answers whose plain-language and informativeness grades both reach this value, and that
	// are not flagged as formal replies, be approved without a moderator; 0 turns it off.
	AutoApprove int `json:"auto_approve,omitempty"`
	// Deadlines are the region's own terms; a zero field takes the default.
	Deadlines Deadlines `json:"deadlines"`
}

// Deadlines are a region's terms (DESIGN.md, "Deadlines"). A category's own reaction hours and resolution days,
// where set, come before the region's; a zero field here takes the default in the comment.
type Deadlines struct {
	ReactionHours         int `json:"reaction_hours,omitempty"`          // first reaction: 24 hours
	UrgentReactionHours   int `json:"urgent_reaction_hours,omitempty"`   // first reaction when urgent: 4 hours
	ResolutionWorkingDays int `json:"resolution_working_days,omitempty"` // final answer after the interim one: 7 working days
	WarnPercent           int `json:"warn_percent,omitempty"`            // share of a term at which it warns: 75
	// An appeal to the internet reception (59-ФЗ art. 12): the answer within 30 calendar days of registration,
	// one extension by at most 30 more. A region's own law may shorten both, never lengthen them.
	ReceptionAnswerDays    int `json:"reception_answer_days,omitempty"`
	ReceptionExtensionDays int `json:"reception_extension_days,omitempty"`
}

// Limits of Deadlines' fields.
const (
	MaxReactionHours  = 30 * 24
	MaxResolutionDays = 90
	MaxReceptionDays  = 30 // 59-ФЗ art. 12: the law's own term and extension are the ceiling
	MinWarnPercent    = 10
	MaxWarnPercent    = 99
)

// Validate reports the first field out of range, named "deadlines.<field>".
func (d Deadlines) Validate() error {
	for _, f := range []struct {
		name   string
		v, max int
		min    int
		unit   string
	}{
		{"reaction_hours", d.ReactionHours, MaxReactionHours, 1, "hours"},
		{"urgent_reaction_hours", d.UrgentReactionHours, MaxReactionHours, 1, "hours"},
		{"resolution_working_days", d.ResolutionWorkingDays, MaxResolutionDays, 1, "working days"},
		{"warn_percent", d.WarnPercent, MaxWarnPercent, MinWarnPercent, "per cent"},
		{"reception_answer_days", d.ReceptionAnswerDays, MaxReceptionDays, 1, "days"},
		{"reception_extension_days", d.ReceptionExtensionDays, MaxReceptionDays, 1, "days"},
	} {
		if f.v != 0 && (f.v < f.min || f.v > f.max) {
			return Invalid("deadlines."+f.name, fmt.Sprintf("must be from %d to %d %s, or 0 for the default; got %d", f.min, f.max, f.unit, f.v))
		}
	}
	if e := d.Effective(); e.UrgentReactionHours > e.ReactionHours {
		return Invalid("deadlines.urgent_reaction_hours", fmt.Sprintf("must not exceed the reaction term (%d hours); got %d", e.ReactionHours, e.UrgentReactionHours))
	}
	return nil
}

// Default terms, taken by a zero field of Deadlines.
const (
	DefaultReactionHours          = 24
	DefaultUrgentReactionHours    = 4
	DefaultResolutionWorkingDays  = 7
	DefaultWarnPercent            = 75
	DefaultReceptionAnswerDays    = 30
	DefaultReceptionExtensionDays = 30
)

// Effective returns d with every zero field set to its default.
func (d Deadlines) Effective() Deadlines {
	def := func(v *int, dv int) {
		if *v == 0 {
			*v = dv
		}
	}
	def(&d.ReactionHours, DefaultReactionHours)
	def(&d.UrgentReactionHours, DefaultUrgentReactionHours)
	def(&d.ResolutionWorkingDays, DefaultResolutionWorkingDays)
	def(&d.WarnPercent, DefaultWarnPercent)
	def(&d.ReceptionAnswerDays, DefaultReceptionAnswerDays)
	def(&d.ReceptionExtensionDays, DefaultReceptionExtensionDays)
	return d
}

// Calendar is a region's working-time setting, stored with the region (the JSON form internal/sla reads, less
// the time zone, which is the region's own).
type Calendar struct {
	Mode        string   `json:"mode,omitempty"`  // "calendar" (wall-clock hours, the default) or "working" (working hours and holidays)
	Start       string   `json:"start,omitempty"` // working day start, "09:00"
	End         string   `json:"end,omitempty"`   // working day end, "18:00"
	LunchStart  string   `json:"lunch_start,omitempty"`
	LunchEnd    string   `json:"lunch_end,omitempty"`
	Weekdays    []string `json:"weekdays,omitempty"`            // "mon"…"sun"; default Monday to Friday
	Production  string   `json:"production_calendar,omitempty"` // "ru" (default) or "none"
	Holidays    []string `json:"holidays,omitempty"`            // extra non-working dates, "2026-11-04"
	WorkingDays []string `json:"working_days,omitempty"`        // extra working dates
	ShortDays   []string `json:"short_days,omitempty"`          // extra pre-holiday short dates
}

// Territory is a municipality of a region.
type Territory struct {
	ID        int64    `json:"id"`
	RegionID  int64    `json:"region_id"`
	OKTMO     string   `json:"oktmo"`
	Name      string   `json:"name"`
	ShortName string   `json:"short_name"`
	Kind      string   `json:"kind"` // urban_okrug, municipal_district, municipal_okrug
	Variants  []string `json:"variants,omitempty"`
}

// Category is a node of the two-level category tree (topic → subtopic).
type Category struct {
	ID                    int64    `json:"id"`
	Code                  string   `json:"code"`             // "zhkh" or "zhkh.heating"
	ParentCode            string   `json:"parent,omitempty"` // empty for a topic
	Name                  string   `json:"name"`
	NameEn                string   `json:"name_en,omitempty"`
	ReactionHours         int      `json:"reaction_hours"`
	UrgentReactionHours   int      `json:"urgent_reaction_hours"`
	ResolutionWorkingDays int      `json:"resolution_working_days"`
	DefaultPriority       Priority `json:"default_priority"`
	RequiresProof         bool     `json:"requires_proof"`
	TOTK                  string   `json:"totk,omitempty"`
}

// Executor is an organisation that answers.
type Executor struct {
	ID          int64    `json:"id"`
	Code        string   `json:"code"`
	Name        string   `json:"name"`
	ShortName   string   `json:"short_name,omitempty"`
	Kind        string   `json:"kind"` // oiv, omsu, uk, school, kindergarten, hospital, culture, utility, regional_operator
	Connected   bool     `json:"connected"`
	Email       string   `json:"email,omitempty"`
	Phone       string   `json:"phone,omitempty"`
	Address     string   `json:"address,omitempty"`
	Territories []string `json:"territories"` // OKTMO codes; empty means the whole region
	Categories  []string `json:"categories"`  // topic or subtopic codes
}

// ExecutorKinds lists the known executor kinds.
var ExecutorKinds = []string{"oiv", "omsu", "uk", "school", "kindergarten", "hospital", "culture", "utility", "regional_operator", "other"}

// User is a person who signs in or calls the API.
type User struct {
	ID          int64     `json:"id"`
	Login       string    `json:"login"`
	Name        string    `json:"name"`
	Role        Role      `json:"role"`
	ExecutorID  int64     `json:"executor_id,omitempty"`  // for RoleExecutor
	TerritoryID int64     `json:"territory_id,omitempty"` // for RoleSupervisor: 0 means the whole region
	Disabled    bool      `json:"disabled,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
}

// Actor is whoever performs an action: a user, or the system itself (UserID 0, role admin-equivalent for
// automatic transitions such as publication by the outbox).
type Actor struct {
	UserID      int64
	Login       string
	Role        Role
	ExecutorID  int64
	TerritoryID int64
	System      bool
}

// SystemActor is the actor of automatic transitions (deadline ticker, outbox, auto-triage).
func SystemActor() Actor { return Actor{Login: "system", System: true} }

// ActorOf returns the actor a user acts as.
func ActorOf(u User) Actor {
	return Actor{UserID: u.ID, Login: u.Login, Role: u.Role, ExecutorID: u.ExecutorID, TerritoryID: u.TerritoryID}
}

// Message is one raw item from one source.
type Message struct {
	ID          int64           `json:"id"`
	Source      string          `json:"source"`      // source code: "vk", "telegram", "reception", "import"...
	ExternalID  string          `json:"external_id"` // unique per source
	IncidentID  int64           `json:"incident_id,omitempty"`
	Author      string          `json:"author,omitempty"`
	AuthorID    string          `json:"author_id,omitempty"`
	Text        string          `json:"text"`
	URL         string          `json:"url,omitempty"`
	Territory   string          `json:"territory,omitempty"` // OKTMO hint from the source
	Category    string          `json:"category,omitempty"`  // category code hint
	Address     string          `json:"address,omitempty"`
	Raw         json.RawMessage `json:"raw,omitempty"`
	PostedAt    time.Time       `json:"posted_at"`
	ReceivedAt  time.Time       `json:"received_at"`
	ThreadID    string          `json:"thread_id,omitempty"` // where an answer must land (post id, chat id...)
	ReplyTo     string          `json:"reply_to,omitempty"`
	Attachments []string        `json:"attachments,omitempty"`
	Edited      bool            `json:"edited,omitempty"` // an edit of the message already received under this external id
}

// ReceptionSource is the source code of the internet reception's messages: appeals under the law on citizens'
// appeals (59-ФЗ), which have a legal term beside the centre's own deadlines.
const ReceptionSource = "reception"

// Open311Source is the source code of service requests posted through the Open311 GeoReport v2 API.
const Open311Source = "open311"

// DirectSource reports whether messages of the source are written to the authorities through their own channel
// (the internet reception, Open311) rather than found in a public stream. Such a message is registered on its own
// — an appeal to the reception under 59-ФЗ, an Open311 request under the id its author tracks — instead of joining
// an open incident, and the appeal detector never rejects it: an operator decides. An operator may still merge it.
func DirectSource(source string) bool { return source == ReceptionSource || source == Open311Source }

// Incident is one problem of one resident or a group.
type Incident struct {
	ID              int64      `json:"id"`
	Number          string     `json:"number"` // 38-2026-000123
	RegionID        int64      `json:"region_id"`
	Status          Status     `json:"status"`
	Priority        Priority   `json:"priority"`
	CategoryID      int64      `json:"category_id,omitempty"`
	CategoryCode    string     `json:"category,omitempty"`
	TerritoryID     int64      `json:"territory_id,omitempty"`
	TerritoryOKTMO  string     `json:"territory,omitempty"`
	ExecutorID      int64      `json:"executor_id,omitempty"`
	ExecutorCode    string     `json:"executor,omitempty"`
	Summary         string     `json:"summary"`
	Address         string     `json:"address,omitempty"`
	Source          string     `json:"source,omitempty"`
	MessageCount    int        `json:"message_count"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
	ReactionDue     *time.Time `json:"reaction_due,omitempty"`
	ResolutionDue   *time.Time `json:"resolution_due,omitempty"`
	FirstReactionAt *time.Time `json:"first_reaction_at,omitempty"`
	ResolvedAt      *time.Time `json:"resolved_at,omitempty"`
	// LegalDue is the term of an appeal to the internet reception under the law on citizens' appeals (59-ФЗ):
	// 30 days from registration, once extended by 30 more (LegalExtendedAt); nil for other sources.
	LegalDue         *time.Time `json:"legal_due,omitempty"`
	LegalExtendedAt  *time.Time `json:"legal_extended_at,omitempty"`
	DueAt            *time.Time `json:"due_at,omitempty"` // the running deadline: reaction, then resolution; nil when closed
	WarnAt           *time.Time `json:"-"`                // pending 75 % warning of the running deadline; nil once recorded
	BreachAt         *time.Time `json:"-"`                // pending breach of the running deadline; nil once recorded
	MergedInto       int64      `json:"merged_into,omitempty"`
	RejectReason     string     `json:"reject_reason,omitempty"`
	ExcludedExecutor []int64    `json:"excluded_executors,omitempty"`
	Overdue          bool       `json:"overdue"`
}

// Answer is an interim or final answer of an executor.
type Answer struct {
	ID            int64       `json:"id"`
	IncidentID    int64       `json:"incident_id"`
	Kind          AnswerKind  `json:"kind"`
	State         AnswerState `json:"state"`
	Text          string      `json:"text"`
	AuthorID      int64       `json:"author_id"`
	ExecutorID    int64       `json:"executor_id"`
	ReviewComment string      `json:"review_comment,omitempty"`
	ReviewerID    int64       `json:"reviewer_id,omitempty"`
	DueDate       *time.Time  `json:"due_date,omitempty"` // for interim answers: "will be fixed by"
	ExternalID    string      `json:"external_id,omitempty"`
	Attachments   []string    `json:"attachments,omitempty"` // proof: photo references
	// Grades are the automatic grades (package quality) as of the last submission, with their reasons.
	Grades      json.RawMessage `json:"grades,omitempty"`
	Formal      *bool           `json:"formal,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	SubmittedAt *time.Time      `json:"submitted_at,omitempty"`
	PublishedAt *time.Time      `json:"published_at,omitempty"`
}

// Event is one entry of the append-only audit log.
type Event struct {
	ID         int64           `json:"id"`
	IncidentID int64           `json:"incident_id,omitempty"`
	AnswerID   int64           `json:"answer_id,omitempty"`
	ActorID    int64           `json:"actor_id,omitempty"`
	Actor      string          `json:"actor"`
	Type       string          `json:"type"`
	From       string          `json:"from,omitempty"`
	To         string          `json:"to,omitempty"`
	Data       json.RawMessage `json:"data,omitempty"`
	At         time.Time       `json:"at"`
}
