// Package workflow carries out the lifecycle of incidents and answers: it loads what a transition needs, asks
// the rules in package model whether the actor may make it, moves the deadline clocks with package sla, and
// writes the change and its event in one transaction.
package workflow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/routing"
	"github.com/otklik/otklik/internal/sla"
	"github.com/otklik/otklik/internal/store"
)

// Service is the one place incidents and answers change state.
type Service struct {
	st  *store.Store
	now func() time.Time
	log *slog.Logger

	mu      sync.Mutex
	refs    *store.Refs
	refsAt  time.Time
	refsTTL time.Duration
	cals    map[int64]sla.Calendar

	router     *routing.Router
	routerRefs *store.Refs // the refs the router was built from; a refresh rebuilds it

	historyWindow time.Duration
	history       atomic.Pointer[routeHistory] // nil until RefreshRoutingHistory

	residentMail bool // WithResidentMail
}

// Option configures a Service.
type Option func(*Service)

// WithClock replaces the wall clock (tests run on a simulated one).
func WithClock(now func() time.Time) Option { return func(s *Service) { s.now = now } }

// WithLogger sets the logger.
func WithLogger(l *slog.Logger) Option { return func(s *Service) { s.log = l } }

// New returns a Service over the store.
func New(st *store.Store, opts ...Option) *Service {
	s := &Service{st: st, now: time.Now, log: slog.Default(), refsTTL: 30 * time.Second, historyWindow: DefaultHistoryWindow}
	for _, o := range opts {
		o(s)
	}
	return s
}

// Store returns the underlying store.
func (s *Service) Store() *store.Store { return s.st }

// Now returns the service's current time.
func (s *Service) Now() time.Time { return s.now().UTC() }

// Refs returns the reference data, cached for a short while.
func (s *Service) Refs(ctx context.Context) (*store.Refs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.refs != nil && time.Since(s.refsAt) < s.refsTTL {
		return s.refs, nil
	}
	refs, err := s.st.LoadRefs(ctx)
	if err != nil {
		return nil, err
	}
	s.refs, s.refsAt, s.cals = refs, time.Now(), map[int64]sla.Calendar{}
	return refs, nil
}

// InvalidateRefs drops the cached reference data after a change to regions, categories or executors.
func (s *Service) InvalidateRefs() {
	s.mu.Lock()
	s.refs = nil
	s.mu.Unlock()
}

// Calendar returns the deadline calendar of a region.
func (s *Service) Calendar(ctx context.Context, regionID int64) (sla.Calendar, error) {
	refs, err := s.Refs(ctx)
	if err != nil {
		return sla.Calendar{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cals[regionID]; ok {
		return c, nil
	}
	for _, r := range refs.Regions {
		if r.ID != regionID {
			continue
		}
		c, err := CalendarOf(r)
		if err != nil {
			return sla.Calendar{}, err
		}
		s.cals[regionID] = c
		return c, nil
	}
	return sla.Calendar{}, fmt.Errorf("workflow: %w: region %d", model.ErrNotFound, regionID)
}

// CalendarOf builds the sla calendar of a region from its settings.
func CalendarOf(r model.Region) (sla.Calendar, error) {
	c := r.Calendar
	cal, err := sla.Config{TimeZone: r.TimeZone, Mode: c.Mode, Start: c.Start, End: c.End, LunchStart: c.LunchStart,
		LunchEnd: c.LunchEnd, Weekdays: c.Weekdays, Production: c.Production, Holidays: c.Holidays,
		WorkingDays: c.WorkingDays, ShortDays: c.ShortDays}.Calendar()
	if err != nil {
		return sla.Calendar{}, fmt.Errorf("workflow: calendar of region %s: %w", r.Code, err)
	}
	return cal, nil
}

// CheckCalendar reports what is wrong with a region's calendar as a *model.FieldError naming the field as the
// calendar's JSON does ("start", "holidays[2]").
func CheckCalendar(r model.Region) error {
	if _, err := CalendarOf(r); err != nil {
		var fe *sla.FieldError
		if errors.As(err, &fe) {
			return model.Invalid(fe.Field, fe.Message)
		}
		return err
	}
	return nil
}

// Clock is what a region counts its deadlines with: its calendar and its terms.
type Clock struct {
	Cal   sla.Calendar
	Terms model.Deadlines // with defaults filled in (model.Deadlines.Effective)
}

// Clock returns the deadline calendar and terms of a region.
func (s *Service) Clock(ctx context.Context, regionID int64) (Clock, error) {
	cal, err := s.Calendar(ctx, regionID)
	if err != nil {
		return Clock{}, err
	}
	refs, err := s.Refs(ctx)
	if err != nil {
		return Clock{}, err
	}
	for _, r := range refs.Regions {
		if r.ID == regionID {
			return ClockOf(r, cal), nil
		}
	}
	return Clock{}, fmt.Errorf("workflow: %w: region %d", model.ErrNotFound, regionID)
}

// ClockOf returns the clock of region r counting with cal (CalendarOf(r)).
func ClockOf(r model.Region, cal sla.Calendar) Clock {
	return Clock{Cal: cal, Terms: r.Settings.Deadlines.Effective()}
}

// Policy returns the terms of an incident of category cat (ok false: no category yet): the category's own
// reaction hours and resolution days where it sets them, else the region's.
func (c Clock) Policy(cat model.Category, ok bool) sla.Policy {
	t := c.Terms.Effective()
	if ok {
		if cat.ReactionHours > 0 {
			t.ReactionHours = cat.ReactionHours
		}
		if cat.UrgentReactionHours > 0 {
			t.UrgentReactionHours = cat.UrgentReactionHours
		}
		if cat.ResolutionWorkingDays > 0 {
			t.ResolutionWorkingDays = cat.ResolutionWorkingDays
		}
	}
	p := sla.DefaultPolicy()
	p.Reaction, p.ReactionUrgent = time.Duration(t.ReactionHours)*time.Hour, time.Duration(t.UrgentReactionHours)*time.Hour
	p.ResolutionDays, p.WarnAt = t.ResolutionWorkingDays, float64(t.WarnPercent)/100
	p.ReceptionAnswerDays, p.ReceptionExtensionDays = t.ReceptionAnswerDays, t.ReceptionExtensionDays
	return p
}

// ApplyClocks sets the deadlines an incident has in its current state: the reaction clock from its creation
// until the first published answer, then the resolution clock (for an appeal to the internet reception no later
// than its legal term, which it sets at creation), none once it is closed. A clock whose deadline
// is unchanged keeps its pending warning and breach (so each is recorded once); a moved deadline re-arms both.
// A change of the region's terms reaches a clock when it next starts, not one already running.
func ApplyClocks(inc *model.Incident, cat model.Category, catOK bool, clk Clock, now time.Time) {
	prevDue := inc.DueAt
	cal, p := clk.Cal, clk.Policy(cat, catOK)
	if inc.LegalDue == nil && inc.Source == model.ReceptionSource {
		// Registration is the incident's creation: the reception registers what it receives at once.
		d := sla.ReceptionDue(inc.CreatedAt, inc.CreatedAt, cal, p).Answer
		inc.LegalDue = &d
	}
	var start time.Time
	var due *time.Time
	switch {
	case inc.Status == model.StatusRejected || inc.Status == model.StatusMerged || inc.Status == model.StatusResolved:
		due = nil
	case inc.FirstReactionAt == nil:
		d := sla.ReactionDue(inc.CreatedAt, string(inc.Priority), cal, p)
		inc.ReactionDue = &d
		start, due = inc.CreatedAt, &d
	default:
		if inc.ResolutionDue == nil {
			d := sla.ResolutionDue(*inc.FirstReactionAt, cal, p)
			inc.ResolutionDue = &d
		}
		start, due = *inc.FirstReactionAt, inc.ResolutionDue
	}
	// A reception appeal's legal term caps the running clock: the resolution clock of a reopened or long-renewed
	// appeal reaches it, and so may the reaction clock of an incident an old appeal was merged into.
	if due != nil && inc.LegalDue != nil && inc.LegalDue.Before(*due) {
		due = inc.LegalDue
	}
	if due == nil {
		inc.DueAt, inc.WarnAt, inc.BreachAt = nil, nil, nil
		return
	}
	if prevDue != nil && prevDue.Equal(*due) {
		inc.DueAt = due
		return
	}
	d := *due
	total := cal.Between(start, d)
	w := cal.Add(start, total*time.Duration(clk.Terms.Effective().WarnPercent)/100)
	if total <= 0 {
		w = d // a legal term already past when the clock starts: the warning and the breach are both due now
	}
	inc.DueAt, inc.WarnAt, inc.BreachAt = &d, &w, &d
	_ = now
}

// Act performs an incident action and returns the incident as it now is.
func (s *Service) Act(ctx context.Context, a model.Actor, id int64, act model.Action, args model.ActionArgs) (model.Incident, error) {
	refs, err := s.Refs(ctx)
	if err != nil {
		return model.Incident{}, err
	}
	now := s.Now()
	var out model.Incident
	err = s.st.WithTx(ctx, func(tx *store.Tx) error {
		inc, err := tx.IncidentForUpdate(ctx, id)
		if err != nil {
			return err
		}
		if !model.CanView(a, inc) {
			return fmt.Errorf("%w: incident %d", model.ErrNotFound, id)
		}
		to, err := model.IncidentTransition(a, inc, act)
		if err != nil {
			return err
		}
		if err := model.ValidateArgs(inc, act, args); err != nil {
			return err
		}
		from := inc.Status
		data := map[string]any{}
		switch act {
		case model.ActAssign:
			ex, ok := refs.ExecutorByID(args.ExecutorID)
			if !ok {
				return model.Invalid("executor_id", fmt.Sprintf("no executor %d", args.ExecutorID))
			}
			inc.ExecutorID = ex.ID
			data["executor"] = ex.Code
		case model.ActReject:
			inc.RejectReason = args.Reason
			data["reason"] = args.Reason
			if err := s.mailRejection(ctx, tx, inc, args.Reason, now); err != nil {
				return err
			}
		case model.ActRestore:
			inc.RejectReason = ""
		case model.ActDecline:
			data["reason"], data["executor_id"] = args.Reason, inc.ExecutorID
			inc.ExcludedExecutor = append(inc.ExcludedExecutor, inc.ExecutorID)
			inc.ExecutorID = 0
		case model.ActReopen:
			inc.ResolvedAt = nil
			clk, err := s.Clock(ctx, inc.RegionID)
			if err != nil {
				return err
			}
			cat, ok := refs.CategoryByID(inc.CategoryID)
			d := sla.ResolutionDue(now, clk.Cal, clk.Policy(cat, ok))
			inc.ResolutionDue = &d
			if args.Reason != "" {
				data["reason"] = args.Reason
			}
		case model.ActSetCategory:
			cat, ok := refs.CategoryByID(args.CategoryID)
			if !ok {
				return model.Invalid("category_id", fmt.Sprintf("no category %d", args.CategoryID))
			}
			data["from"], data["to"] = inc.CategoryCode, cat.Code
			inc.CategoryID, inc.CategoryCode = cat.ID, cat.Code
		case model.ActSetPriority:
			data["from"], data["to"] = inc.Priority, args.Priority
			inc.Priority = args.Priority
		case model.ActExtend:
			clk, err := s.Clock(ctx, inc.RegionID)
			if err != nil {
				return err
			}
			// The extension counts from the last day of the term, as the term itself does.
			d := clk.Cal.AddDays(inc.LegalDue.Add(-time.Nanosecond), clk.Terms.ReceptionExtensionDays)
			data["reason"], data["legal_due_from"], data["legal_due"] = args.Reason, inc.LegalDue.UTC(), d
			inc.LegalDue, inc.LegalExtendedAt = &d, &now
			if err := s.mailExtension(ctx, tx, inc, args.Reason, now); err != nil {
				return err
			}
		case model.ActMerge:
			if err := s.merge(ctx, tx, refs, a, &inc, args.TargetID, now); err != nil {
				return err
			}
			data["target_id"] = args.TargetID
		}
		inc.Status, inc.UpdatedAt = to, now
		if err := tx.AddEvent(ctx, event(a, inc.ID, 0, string(act), string(from), string(to), data, now)); err != nil {
			return err
		}
		if act == model.ActDecline {
			if err := s.reroute(ctx, tx, refs, &inc, now); err != nil {
				return err
			}
		}
		if err := s.applyClocks(ctx, refs, &inc, now); err != nil {
			return err
		}
		if err := tx.UpdateIncident(ctx, inc); err != nil {
			return err
		}
		out = inc
		return nil
	})
	if err != nil {
		return model.Incident{}, err
	}
	return s.st.IncidentAt(ctx, out.ID, now)
}

func (s *Service) applyClocks(ctx context.Context, refs *store.Refs, inc *model.Incident, now time.Time) error {
	clk, err := s.Clock(ctx, inc.RegionID)
	if err != nil {
		return err
	}
	cat, ok := refs.CategoryByID(inc.CategoryID)
	ApplyClocks(inc, cat, ok, clk, now)
	return nil
}

func (s *Service) merge(ctx context.Context, tx *store.Tx, refs *store.Refs, a model.Actor, inc *model.Incident, targetID int64, now time.Time) error {
	target, err := tx.IncidentForUpdate(ctx, targetID)
	if errors.Is(err, model.ErrNotFound) {
		return model.Invalid("target_id", fmt.Sprintf("no incident %d", targetID))
	}
	if err != nil {
		return err
	}
	if !target.Status.Open() {
		return model.Invalid("target_id", fmt.Sprintf("incident %s is %s, not open", target.Number, target.Status))
	}
	moved, err := tx.MoveMessages(ctx, inc.ID, target.ID)
	if err != nil {
		return err
	}
	target.MessageCount += moved
	target.UpdatedAt = now
	// The survivor answers for the earliest resident: the earlier creation keeps the stricter reaction clock.
	reclock := false
	if inc.CreatedAt.Before(target.CreatedAt) && target.FirstReactionAt == nil {
		target.CreatedAt, reclock = inc.CreatedAt, true
	}
	// It also answers within the earliest legal term of the reception appeals merged into it. Once any of them has
	// been extended the survivor counts as extended: a further extension could carry it past that appeal's
	// extended term, which the law does not allow.
	if inc.LegalDue != nil && (target.LegalDue == nil || inc.LegalDue.Before(*target.LegalDue)) {
		target.LegalDue, reclock = inc.LegalDue, true
	}
	if target.LegalExtendedAt == nil && inc.LegalExtendedAt != nil {
		target.LegalExtendedAt = inc.LegalExtendedAt
	}
	if reclock {
		if err := s.applyClocks(ctx, refs, &target, now); err != nil {
			return err
		}
	}
	if err := tx.UpdateIncident(ctx, target); err != nil {
		return err
	}
	inc.MergedInto, inc.MessageCount = target.ID, 0
	return tx.AddEvent(ctx, event(a, target.ID, 0, "merged_in", "", "", map[string]any{"source_id": inc.ID, "number": inc.Number, "messages": moved}, now))
}

func event(a model.Actor, incidentID, answerID int64, typ, from, to string, data map[string]any, at time.Time) model.Event {
	var raw json.RawMessage
	if len(data) > 0 {
		raw, _ = json.Marshal(data)
	}
	return model.Event{IncidentID: incidentID, AnswerID: answerID, ActorID: a.UserID, Actor: a.Login, Type: typ, From: from, To: to, Data: raw, At: at}
}

// AnswerInput is what an executor writes.
type AnswerInput struct {
	Kind        model.AnswerKind `json:"kind"`
	Text        string           `json:"text"`
	DueDate     *time.Time       `json:"due_date,omitempty"`
	Attachments []string         `json:"attachments,omitempty"` // proof: photo references
	Submit      bool             `json:"submit,omitempty"`      // send to review at once
}

// MaxAttachments bounds the proof attached to one answer.
const MaxAttachments = 10

// MaxAnswerLen bounds an answer's text (in bytes).
const MaxAnswerLen = 20000

func validateAnswer(in AnswerInput) error {
	if !in.Kind.Valid() {
		return model.Invalid("kind", fmt.Sprintf("must be interim or final; got %q", in.Kind))
	}
	if isBlank(in.Text) {
		return model.Invalid("text", "required")
	}
	if len(in.Text) > MaxAnswerLen {
		return model.Invalid("text", fmt.Sprintf("longer than %d bytes", MaxAnswerLen))
	}
	if len(in.Attachments) > MaxAttachments {
		return model.Invalid("attachments", fmt.Sprintf("at most %d", MaxAttachments))
	}
	return nil
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// CreateAnswer writes a new draft answer (and submits it for review when asked).
func (s *Service) CreateAnswer(ctx context.Context, a model.Actor, incidentID int64, in AnswerInput) (model.Answer, error) {
	if err := validateAnswer(in); err != nil {
		return model.Answer{}, err
	}
	refs, err := s.Refs(ctx)
	if err != nil {
		return model.Answer{}, err
	}
	now := s.Now()
	var id int64
	err = s.st.WithTx(ctx, func(tx *store.Tx) error {
		inc, err := tx.IncidentForUpdate(ctx, incidentID)
		if err != nil {
			return err
		}
		if !model.CanView(a, inc) {
			return fmt.Errorf("%w: incident %d", model.ErrNotFound, incidentID)
		}
		state, err := model.AnswerTransition(a, inc, model.Answer{}, model.AnsCreate)
		if err != nil {
			return err
		}
		ans := model.Answer{IncidentID: inc.ID, Kind: in.Kind, State: state, Text: in.Text, AuthorID: a.UserID,
			ExecutorID: a.ExecutorID, DueDate: in.DueDate, Attachments: in.Attachments, CreatedAt: now, UpdatedAt: now}
		auto := false
		created := ans.State
		if in.Submit {
			created = model.AnswerOnReview
			ans.State, ans.SubmittedAt = model.AnswerOnReview, &now
			if auto, err = s.submitted(ctx, refs, inc, &ans, now); err != nil {
				return err
			}
		}
		if id, err = tx.CreateAnswer(ctx, ans); err != nil {
			return err
		}
		if err := tx.AddEvent(ctx, event(a, inc.ID, id, "answer.create", "", string(created), map[string]any{"kind": in.Kind}, now)); err != nil {
			return err
		}
		if auto {
			ans.ID = id
			if err := s.enqueuePublish(ctx, tx, ans, inc); err != nil {
				return err
			}
			return tx.AddEvent(ctx, event(model.SystemActor(), inc.ID, id, "answer.approve", string(model.AnswerOnReview), string(model.AnswerApproved), map[string]any{"auto": true}, now))
		}
		return nil
	})
	if err != nil {
		return model.Answer{}, err
	}
	return s.st.Answer(ctx, id)
}

// AnswerArgs are the arguments of an answer action.
type AnswerArgs struct {
	Text        string     `json:"text,omitempty"`        // edit
	DueDate     *time.Time `json:"due_date,omitempty"`    // edit
	Attachments []string   `json:"attachments,omitempty"` // edit: replaces the proof when given
	Comment     string     `json:"comment,omitempty"`     // return (required)
	ExternalID  string     `json:"external_id,omitempty"` // publish: the id of the published reply at the source
	// RateToken is the rating link's token the outbox's job carries (publish); "" makes a new one. Never taken
	// from a client: a token chosen by a caller would be guessable.
	RateToken string `json:"-"`
}

// AnswerAct performs an action on an answer; publishing also moves the incident (interim → the reaction clock
// stops and the resolution clock starts; final → resolved).
func (s *Service) AnswerAct(ctx context.Context, a model.Actor, answerID int64, act model.AnswerAction, args AnswerArgs) (model.Answer, error) {
	refs, err := s.Refs(ctx)
	if err != nil {
		return model.Answer{}, err
	}
	now := s.Now()
	err = s.st.WithTx(ctx, func(tx *store.Tx) error {
		ans, err := tx.AnswerForUpdate(ctx, answerID)
		if err != nil {
			return err
		}
		inc, err := tx.IncidentForUpdate(ctx, ans.IncidentID)
		if err != nil {
			return err
		}
		if !model.CanView(a, inc) {
			return fmt.Errorf("%w: answer %d", model.ErrNotFound, answerID)
		}
		to, err := model.AnswerTransition(a, inc, ans, act)
		if err != nil {
			return err
		}
		from := ans.State
		data := map[string]any{}
		switch act {
		case model.AnsEdit:
			if err := validateAnswer(AnswerInput{Kind: ans.Kind, Text: args.Text, Attachments: args.Attachments}); err != nil {
				return err
			}
			ans.Text = args.Text
			if args.DueDate != nil {
				ans.DueDate = args.DueDate
			}
			if args.Attachments != nil {
				ans.Attachments = args.Attachments
			}
		case model.AnsSubmit:
			ans.SubmittedAt = &now
			auto, err := s.submitted(ctx, refs, inc, &ans, now)
			if err != nil {
				return err
			}
			if auto {
				if err := tx.AddEvent(ctx, event(a, inc.ID, ans.ID, "answer.submit", string(from), string(model.AnswerOnReview), nil, now)); err != nil {
					return err
				}
				a, from, to, act = model.SystemActor(), model.AnswerOnReview, model.AnswerApproved, model.AnsApprove
				data["auto"] = true
				if err := s.enqueuePublish(ctx, tx, ans, inc); err != nil {
					return err
				}
			}
		case model.AnsReturn:
			if isBlank(args.Comment) {
				return model.Invalid("comment", "required: say what to fix")
			}
			ans.ReviewComment, ans.ReviewerID = args.Comment, a.UserID
			data["comment"] = args.Comment
		case model.AnsApprove:
			ans.ReviewerID = a.UserID
			ans.ReviewComment = ""
			if err := s.enqueuePublish(ctx, tx, ans, inc); err != nil {
				return err
			}
		case model.AnsPublish:
			ans.PublishedAt, ans.ExternalID = &now, args.ExternalID
			token := args.RateToken
			if !ValidRateToken(token) {
				if token, err = newToken(); err != nil {
					return err
				}
			}
			if err := tx.CreateRating(ctx, store.Rating{Token: token, AnswerID: ans.ID, IncidentID: inc.ID, CreatedAt: now}); err != nil {
				return err
			}
			data["rate_link"] = RatePath + token
			incTo, err := model.IncidentTransition(a, inc, model.PublishEffect(ans.Kind))
			if err != nil {
				return err
			}
			incFrom := inc.Status
			if inc.FirstReactionAt == nil {
				inc.FirstReactionAt = &now
			}
			if ans.Kind == model.AnswerFinal {
				inc.ResolvedAt = &now
			}
			inc.Status, inc.UpdatedAt = incTo, now
			if err := s.applyClocks(ctx, refs, &inc, now); err != nil {
				return err
			}
			if err := tx.UpdateIncident(ctx, inc); err != nil {
				return err
			}
			if incFrom != incTo {
				if err := tx.AddEvent(ctx, event(a, inc.ID, ans.ID, string(model.PublishEffect(ans.Kind)), string(incFrom), string(incTo), nil, now)); err != nil {
					return err
				}
			}
			if err := s.mailAnswer(ctx, tx, refs, inc, ans, now); err != nil {
				return err
			}
		}
		ans.State, ans.UpdatedAt = to, now
		if err := tx.UpdateAnswer(ctx, ans); err != nil {
			return err
		}
		return tx.AddEvent(ctx, event(a, inc.ID, ans.ID, "answer."+string(act), string(from), string(to), data, now))
	})
	if err != nil {
		return model.Answer{}, err
	}
	return s.st.Answer(ctx, answerID)
}

// submitted grades an answer sent to review and reports whether the region approves it without a moderator.
func (s *Service) submitted(ctx context.Context, refs *store.Refs, inc model.Incident, ans *model.Answer, now time.Time) (bool, error) {
	g, err := s.attachGrades(ctx, refs, inc, ans, now)
	if err != nil {
		return false, err
	}
	for _, r := range refs.Regions {
		if r.ID == inc.RegionID && autoApprovable(r, g) {
			ans.State, ans.ReviewerID = model.AnswerApproved, 0
			return true, nil
		}
	}
	return false, nil
}

// Tick records the warnings (75 % of a deadline) and breaches that have come due, each once: the pending
// instant is cleared in the same transaction that writes the event, so a restart never repeats one.
func (s *Service) Tick(ctx context.Context) (int, error) {
	now := s.Now()
	due, err := s.st.DueClocks(ctx, now, 500)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range due {
		recorded := false
		err := s.st.WithTx(ctx, func(tx *store.Tx) error {
			inc, err := tx.IncidentForUpdate(ctx, d.IncidentID)
			if err != nil {
				return err
			}
			at := inc.WarnAt
			typ := "sla.warning"
			if d.Breach {
				at, typ = inc.BreachAt, "sla.breach"
			}
			if at == nil || at.After(now) {
				return nil // already recorded by another instance, or re-armed
			}
			clock := "reaction"
			if inc.FirstReactionAt != nil {
				clock = "resolution"
			}
			if d.Breach {
				inc.BreachAt = nil
				if inc.WarnAt != nil { // a breach implies the warning: never warn after breaching
					inc.WarnAt = nil
				}
			} else {
				inc.WarnAt = nil
			}
			if err := tx.UpdateIncident(ctx, inc); err != nil {
				return err
			}
			recorded = true
			data := map[string]any{"clock": clock}
			if inc.DueAt != nil {
				data["due"] = inc.DueAt.Format(time.RFC3339)
			}
			return tx.AddEvent(ctx, event(model.SystemActor(), inc.ID, 0, typ, "", "", data, now))
		})
		if err != nil {
			return n, fmt.Errorf("workflow: record deadline event for incident %d: %w", d.IncidentID, err)
		}
		if recorded {
			n++
		}
	}
	return n, nil
}

// RunTicker calls Tick every interval until ctx ends.
func (s *Service) RunTicker(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.Tick(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			s.log.Error("deadline ticker", "err", err)
		} else if n > 0 {
			s.log.Info("deadline events recorded", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
