package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
)

// Dispatcher turns SLA events into notification jobs and schedules the daily digests.
//
// It polls the events table for sla.warning and sla.breach events, and assignments, that no dispatcher has handled
// yet (store.EventsToNotify: recorded within Horizon — AssignedHorizon for assignments — and without a
// notified_events row) and, for each, enqueues its
// deliveries and the event's notified mark in one transaction. A restart resumes where the marks end, several
// instances may run at once (the mark is taken once; job keys make any overlap harmless), and events committed
// out of id order are not skipped, which an id cursor could not promise on PostgreSQL.
// AssignedHorizon is how fresh an assignment must be to be notified.
const AssignedHorizon = time.Hour

type Dispatcher struct {
	Store    *store.Store
	Clock    func() time.Time // default time.Now
	Location *time.Location   // the digests' time zone; default the first region's, else UTC
	Quiet    *Quiet           // default quiet hours of channels without their own; nil means DefaultQuiet
	DigestAt time.Duration    // local time of day the digests are scheduled; default 9 h
	Horizon  time.Duration    // events older than this are not notified (a fresh install, a long outage); default 72 h
	BaseURL  string           // public address of the web interface, for links; "" leaves them out
	Logger   *slog.Logger

	mu         sync.Mutex
	lastDigest string // the local date digests were last scheduled for by this process
}

func (d *Dispatcher) now() time.Time {
	if d.Clock != nil {
		return d.Clock().UTC()
	}
	return time.Now().UTC()
}

func (d *Dispatcher) quiet() Quiet {
	if d.Quiet != nil {
		return *d.Quiet
	}
	return DefaultQuiet
}

func (d *Dispatcher) log() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

func regionLocation(refs *store.Refs, regionID int64, fallback *time.Location) *time.Location {
	for _, r := range refs.Regions {
		if r.ID == regionID {
			if l, err := time.LoadLocation(r.TimeZone); err == nil {
				return l
			}
		}
	}
	if fallback != nil {
		return fallback
	}
	return time.UTC
}

func (d *Dispatcher) link(path string) string {
	if d.BaseURL == "" {
		return ""
	}
	return strings.TrimRight(d.BaseURL, "/") + path
}

// Dispatch enqueues the notifications of every SLA event not handled yet (in batches of 100) and returns how
// many jobs it enqueued.
func (d *Dispatcher) Dispatch(ctx context.Context) (int, error) {
	now := d.now()
	horizon := d.Horizon
	if horizon <= 0 {
		horizon = 72 * time.Hour
	}
	total := 0
	var users []model.User
	var channels map[int64][]store.UserChannel
	var refs *store.Refs
	// Assignments are news only while fresh: one older than AssignedHorizon (a dispatcher down for a while, an
	// upgrade to a version that notifies them) is left to the desk and the digest.
	assigned := min(horizon, AssignedHorizon)
	for {
		evs, err := d.Store.EventsToNotify(ctx, []string{EventWarning, EventBreach}, now.Add(-horizon), 100)
		if err != nil {
			return total, err
		}
		if len(evs) < 100 {
			more, err := d.Store.EventsToNotify(ctx, []string{EventAssigned}, now.Add(-assigned), 100-len(evs))
			if err != nil {
				return total, err
			}
			evs = append(evs, more...)
		}
		if len(evs) == 0 {
			return total, nil
		}
		if refs == nil {
			if users, err = d.Store.Users(ctx); err != nil {
				return total, err
			}
			if channels, err = d.Store.UserChannels(ctx); err != nil {
				return total, err
			}
			if refs, err = d.Store.LoadRefs(ctx); err != nil {
				return total, err
			}
		}
		for _, ev := range evs {
			n, err := d.dispatchEvent(ctx, ev, refs, users, channels, now)
			if err != nil {
				return total, fmt.Errorf("notify: event %d: %w", ev.ID, err)
			}
			total += n
		}
		if len(evs) < 100 {
			return total, nil
		}
	}
}

func (d *Dispatcher) dispatchEvent(ctx context.Context, ev model.Event, refs *store.Refs, users []model.User, channels map[int64][]store.UserChannel, now time.Time) (int, error) {
	var plan []Delivery
	inc, err := d.Store.Incident(ctx, ev.IncidentID)
	switch {
	case errors.Is(err, model.ErrNotFound):
		// Nothing to say about an incident that is gone; the mark below retires the event.
	case err != nil:
		return 0, err
	default:
		var data struct {
			Clock    string `json:"clock"`
			Executor string `json:"executor"` // of an assignment
		}
		_ = json.Unmarshal(ev.Data, &data)
		stale := !inc.Status.Open() || (data.Clock == "reaction" && inc.FirstReactionAt != nil)
		if ev.Type == EventAssigned {
			// Only while the incident still waits for that executor to accept it.
			ex, ok := refs.ExecutorByID(inc.ExecutorID)
			stale = inc.Status != model.StatusAssigned || !ok || ex.Code != data.Executor
			data.Clock = "reaction"
		}
		if !stale {
			c := Context{Location: regionLocation(refs, inc.RegionID, d.Location), Link: d.link("/incidents/" + strconv.FormatInt(inc.ID, 10))}
			if cat, ok := refs.CategoryByID(inc.CategoryID); ok {
				c.Category = cat.Name
			}
			if ter, ok := refs.TerritoryByID(inc.TerritoryID); ok {
				c.Territory = ter.Name
			}
			if ex, ok := refs.ExecutorByID(inc.ExecutorID); ok {
				c.Executor = ex.Name
			}
			plan = Plan(ev, data.Clock, inc, c, users, channels, d.quiet(), now)
		}
	}
	n := 0
	err = d.Store.WithTx(ctx, func(tx *store.Tx) error {
		first, err := tx.MarkEventNotified(ctx, ev.ID, len(plan), now)
		if err != nil || !first {
			return err
		}
		for _, dl := range plan {
			_, created, err := tx.EnqueueJob(ctx, notifyJob(dl, ev.ID, ev.IncidentID, now))
			if err != nil {
				return err
			}
			if created {
				n++
			}
		}
		return nil
	})
	return n, err
}

func notifyJob(dl Delivery, eventID, incidentID int64, now time.Time) store.Job {
	p, _ := json.Marshal(outbox.NotifyPayload{Channel: dl.Channel, Address: dl.Address, Name: dl.Name,
		Subject: dl.Subject, Text: dl.Text, EventID: eventID, IncidentID: incidentID, UserID: dl.UserID})
	return store.Job{Kind: outbox.KindNotify, Key: dl.Key, Payload: p, CreatedAt: now, NextAt: dl.At}
}

// DigestPayload is the payload of a digest job.
type DigestPayload struct {
	ExecutorID int64  `json:"executor_id"`
	Date       string `json:"date"` // local date, 2006-01-02
}

func (d *Dispatcher) location(ctx context.Context) (*time.Location, error) {
	if d.Location != nil {
		return d.Location, nil
	}
	regions, err := d.Store.Regions(ctx)
	if err != nil {
		return nil, err
	}
	for _, r := range regions {
		if l, err := time.LoadLocation(r.TimeZone); err == nil {
			return l, nil
		}
	}
	return time.UTC, nil
}

// ScheduleDigests enqueues, once the local time of day passes DigestAt, one digest job per executor with staff
// for today (key "digest:<executor code>:<date>", so a day's digest is scheduled once however often this runs,
// across restarts and instances). It returns the number of jobs created.
func (d *Dispatcher) ScheduleDigests(ctx context.Context) (int, error) {
	loc, err := d.location(ctx)
	if err != nil {
		return 0, err
	}
	now := d.now()
	l := now.In(loc)
	at := d.DigestAt
	if at <= 0 {
		at = 9 * time.Hour
	}
	midnight := time.Date(l.Year(), l.Month(), l.Day(), 0, 0, 0, 0, loc)
	if l.Before(midnight.Add(at)) {
		return 0, nil
	}
	date := l.Format("2006-01-02")
	d.mu.Lock()
	done := d.lastDigest == date
	d.mu.Unlock()
	if done {
		return 0, nil
	}
	users, err := d.Store.Users(ctx)
	if err != nil {
		return 0, err
	}
	staffed := map[int64]bool{}
	for _, u := range users {
		if u.Role == model.RoleExecutor && u.ExecutorID != 0 && !u.Disabled {
			staffed[u.ExecutorID] = true
		}
	}
	exs, err := d.Store.Executors(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ex := range exs {
		if !staffed[ex.ID] {
			continue
		}
		p, _ := json.Marshal(DigestPayload{ExecutorID: ex.ID, Date: date})
		_, created, err := d.Store.EnqueueJob(ctx, store.Job{Kind: outbox.KindDigest, Key: "digest:" + ex.Code + ":" + date, Payload: p, CreatedAt: now})
		if err != nil {
			return n, fmt.Errorf("notify: schedule digest of %s: %w", ex.Code, err)
		}
		if created {
			n++
		}
	}
	d.mu.Lock()
	d.lastDigest = date
	d.mu.Unlock()
	return n, nil
}

// DigestHandler returns the outbox handler of "digest" jobs: it lists the executor's overdue incidents and those
// due today and enqueues one notification per staff member and channel (keys
// "notify:digest:<executor>:<date>:user:<id>:<channel>", respecting quiet hours). Nothing is sent when nothing
// is due, or when the job runs after its day is over.
func (d *Dispatcher) DigestHandler() outbox.Handler {
	return outbox.HandlerFunc(func(ctx context.Context, run *outbox.Run) (string, error) {
		var p DigestPayload
		if err := json.Unmarshal(run.Job.Payload, &p); err != nil || p.ExecutorID == 0 {
			return "", outbox.Permanent(fmt.Errorf("notify: digest payload of job %d", run.Job.ID))
		}
		loc, err := d.location(ctx)
		if err != nil {
			return "", err
		}
		now := run.Now().UTC()
		if now.In(loc).Format("2006-01-02") != p.Date {
			return "stale: the day is over", nil
		}
		ex, err := d.Store.Executor(ctx, p.ExecutorID)
		if errors.Is(err, model.ErrNotFound) {
			return "", outbox.Permanent(err)
		}
		if err != nil {
			return "", err
		}
		page, err := d.Store.ListIncidents(ctx, store.IncidentFilter{ExecutorID: ex.ID, Sort: store.SortDue, Limit: 500, Now: now,
			Statuses: []model.Status{model.StatusAssigned, model.StatusInWork, model.StatusInterim}})
		if err != nil {
			return "", err
		}
		overdue, today := SplitDigest(page.Items, now, loc)
		if len(overdue)+len(today) == 0 {
			return "nothing due", nil
		}
		users, err := d.Store.Users(ctx)
		if err != nil {
			return "", err
		}
		channels, err := d.Store.UserChannels(ctx)
		if err != nil {
			return "", err
		}
		name := ex.ShortName
		if name == "" {
			name = ex.Name
		}
		date := now.In(loc).Format("02.01.2006")
		n := 0
		err = d.Store.WithTx(ctx, func(tx *store.Tx) error {
			for _, u := range users {
				if u.Role != model.RoleExecutor || u.ExecutorID != ex.ID || u.Disabled {
					continue
				}
				subject, text := ComposeDigest(name, date, overdue, today, u.Name, loc, d.link("/incidents?executor="+ex.Code))
				for _, ch := range channels[u.ID] {
					if !ch.Enabled {
						continue
					}
					q, l := ChannelQuiet(ch, d.quiet(), loc)
					dl := Delivery{Key: fmt.Sprintf("notify:digest:%s:%s:user:%d:%s", ex.Code, p.Date, u.ID, ch.Kind),
						UserID: u.ID, Channel: ch.Kind, Address: ch.Address, Name: u.Name, At: q.SendAt(now, l),
						Subject: subject, Text: text}
					_, created, err := tx.EnqueueJob(ctx, notifyJob(dl, 0, 0, now))
					if err != nil {
						return err
					}
					if created {
						n++
					}
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("%d notifications", n), nil
	})
}

// Run dispatches events and schedules digests every interval until ctx ends.
func (d *Dispatcher) Run(ctx context.Context, interval time.Duration) {
	if interval <= 0 {
		interval = 5 * time.Second
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := d.Dispatch(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			d.log().Error("notify: dispatch", "err", err)
		} else if n > 0 {
			d.log().Info("notify: notifications enqueued", "count", n)
		}
		if _, err := d.ScheduleDigests(ctx); err != nil && ctx.Err() == nil {
			d.log().Error("notify: digests", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
