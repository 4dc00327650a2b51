// Package notify decides who is told what when a deadline runs out, and when: a warning at 75 % of a deadline
// goes to the executor's staff; a breach goes to the executor's staff, the supervisors of the incident's
// territory and the centre's operators. Each user's channels (e-mail, Telegram) and quiet hours are respected:
// outside a user's hours a notification waits for the morning unless the incident is urgent. Every notification
// is an outbox job whose key names the event, the user and the channel, so each goes out at most once.
//
// The rules (Recipients, Quiet, Plan, the texts) are pure; the Dispatcher feeds them from the store and
// enqueues the jobs; package outbox delivers them.
package notify

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Event types the dispatcher notifies about: deadline events (recorded by workflow.Service.Tick) and the
// assignment of an incident to an executor (by an operator or the router).
const (
	EventWarning  = "sla.warning"
	EventBreach   = "sla.breach"
	EventAssigned = "assign"
)

// Audience is why a user receives a notification.
type Audience string

// Audiences.
const (
	AudienceExecutor   Audience = "executor"   // staff of the executor the incident is assigned to
	AudienceSupervisor Audience = "supervisor" // supervisor of the incident's territory (or of the whole region)
	AudienceCentre     Audience = "centre"     // the centre's operators
)

// Recipient is a user and why they are told.
type Recipient struct {
	User     model.User
	Audience Audience
}

// Recipients returns who is told about an event of the given type on the incident, each user once, in user id
// order within audiences: the executor's staff for a warning (the centre instead when nobody is assigned, since
// triage is then the centre's job), for a breach the executor's staff, the supervisors of the incident's
// territory and of the whole region, and the centre, and for an assignment the executor's staff. Disabled users
// are skipped.
func Recipients(eventType string, inc model.Incident, users []model.User) []Recipient {
	var staff, sups, centre []Recipient
	for _, u := range users {
		if u.Disabled {
			continue
		}
		switch {
		case u.Role == model.RoleExecutor && inc.ExecutorID != 0 && u.ExecutorID == inc.ExecutorID:
			staff = append(staff, Recipient{u, AudienceExecutor})
		case u.Role == model.RoleSupervisor && (u.TerritoryID == 0 || u.TerritoryID == inc.TerritoryID):
			sups = append(sups, Recipient{u, AudienceSupervisor})
		case u.Role == model.RoleOperator:
			centre = append(centre, Recipient{u, AudienceCentre})
		}
	}
	switch eventType {
	case EventWarning:
		if inc.ExecutorID == 0 {
			return centre
		}
		return staff
	case EventBreach:
		return append(append(staff, sups...), centre...)
	case EventAssigned:
		return staff
	}
	return nil
}

// Quiet is a daily window, in minutes after local midnight, when a user is not disturbed. From == To means never
// quiet; From > To wraps past midnight (21:00–08:00).
type Quiet struct{ From, To int }

// DefaultQuiet is outside the usual working day: 20:00 to 09:00.
var DefaultQuiet = Quiet{From: 20 * 60, To: 9 * 60}

// ParseQuiet reads "HH:MM" bounds.
func ParseQuiet(from, to string) (Quiet, error) {
	f, err := parseClock(from)
	if err != nil {
		return Quiet{}, err
	}
	t, err := parseClock(to)
	if err != nil {
		return Quiet{}, err
	}
	return Quiet{f, t}, nil
}

func parseClock(s string) (int, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, fmt.Errorf("notify: %q is not a time of day HH:MM", s)
	}
	return hh*60 + mm, nil
}

// contains reports whether the minute of the day m is inside the window.
func (q Quiet) contains(m int) bool {
	switch {
	case q.From == q.To:
		return false
	case q.From < q.To:
		return m >= q.From && m < q.To
	default:
		return m >= q.From || m < q.To
	}
}

// SendAt returns when a notification ready at now may go out under the window in loc: now itself outside the
// window, else the window's end (the next morning, in the usual case).
func (q Quiet) SendAt(now time.Time, loc *time.Location) time.Time {
	l := now.In(loc)
	m := l.Hour()*60 + l.Minute()
	if !q.contains(m) {
		return now
	}
	end := time.Date(l.Year(), l.Month(), l.Day(), q.To/60, q.To%60, 0, 0, loc)
	if !end.After(l) {
		end = time.Date(l.Year(), l.Month(), l.Day()+1, q.To/60, q.To%60, 0, 0, loc)
	}
	return end.UTC()
}

// ChannelQuiet returns the quiet window and location of a channel: its own when set, else the defaults.
func ChannelQuiet(ch store.UserChannel, def Quiet, loc *time.Location) (Quiet, *time.Location) {
	q := def
	if ch.QuietFrom != "" && ch.QuietTo != "" {
		if own, err := ParseQuiet(ch.QuietFrom, ch.QuietTo); err == nil {
			q = own
		}
	}
	if ch.TimeZone != "" {
		if l, err := time.LoadLocation(ch.TimeZone); err == nil {
			loc = l
		}
	}
	return q, loc
}

// Delivery is one notification to enqueue.
type Delivery struct {
	Key     string // the outbox job key: one per event (or digest), recipient and channel
	UserID  int64
	Channel string
	Address string
	Name    string
	At      time.Time // when it may go out (quiet hours)
	Subject string
	Text    string
}

// Context is what the texts name besides the incident: reference data resolved by the caller.
type Context struct {
	Category, Territory, Executor string
	Location                      *time.Location // the region's time zone
	Link                          string         // the incident's page, "" when no public address is configured
}

// Plan returns the deliveries of an SLA event: for every recipient, every enabled channel, at the time its quiet
// hours allow (at once for an urgent incident). clock is the event's "clock" (reaction or resolution).
func Plan(ev model.Event, clock string, inc model.Incident, c Context, users []model.User, channels map[int64][]store.UserChannel, def Quiet, now time.Time) []Delivery {
	var out []Delivery
	for _, r := range Recipients(ev.Type, inc, users) {
		subject, text := Compose(ev.Type, clock, inc, c, r)
		for _, ch := range channels[r.User.ID] {
			if !ch.Enabled {
				continue
			}
			at := now
			if inc.Priority != model.PriorityUrgent {
				q, loc := ChannelQuiet(ch, def, c.Location)
				at = q.SendAt(now, loc)
			}
			out = append(out, Delivery{
				Key:    fmt.Sprintf("notify:event:%d:user:%d:%s", ev.ID, r.User.ID, ch.Kind),
				UserID: r.User.ID, Channel: ch.Kind, Address: ch.Address, Name: r.User.Name, At: at,
				Subject: subject, Text: text,
			})
		}
	}
	return out
}

func orDash(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return s
}

func greeting(name string) string {
	if strings.TrimSpace(name) == "" {
		return "Здравствуйте!"
	}
	return "Здравствуйте, " + name + "!"
}

const signature = "Это автоматическое уведомление системы «Отклик». Отвечать на него не нужно."

// Compose writes the Russian subject and text of a notification (an assignment or a deadline event) for one
// recipient.
func Compose(eventType, clock string, inc model.Incident, c Context, r Recipient) (subject, text string) {
	loc := c.Location
	if loc == nil {
		loc = time.UTC
	}
	due := "—"
	if inc.DueAt != nil {
		due = inc.DueAt.In(loc).Format("02.01.2006 15:04") + " (" + loc.String() + ")"
	}
	what := "первого ответа"
	todo := "Опубликуйте промежуточный или окончательный ответ жителю."
	if clock == "resolution" {
		what = "окончательного ответа"
		todo = "Опубликуйте окончательный ответ: что сделано по обращению."
	}
	urgent := ""
	if inc.Priority == model.PriorityUrgent {
		urgent = "Срочное обращение. "
	}
	var b strings.Builder
	b.WriteString(greeting(r.User.Name) + "\n\n")
	switch eventType {
	case EventAssigned:
		subject = fmt.Sprintf("%sНовое обращение %s", urgent, inc.Number)
		fmt.Fprintf(&b, "%sВашей организации передано обращение %s.\n", urgent, inc.Number)
		todo = "Примите его в работу и опубликуйте ответ жителю до срока; если оно не в вашей компетенции, откажитесь с причиной — его передадут другому исполнителю."
	case EventWarning:
		subject = fmt.Sprintf("%sОбращение %s: прошло 75 %% срока", urgent, inc.Number)
		fmt.Fprintf(&b, "%sПо обращению %s прошло три четверти срока %s.\n", urgent, inc.Number, what)
	default:
		subject = fmt.Sprintf("%sПросрочено обращение %s", urgent, inc.Number)
		fmt.Fprintf(&b, "%sСрок %s по обращению %s истёк.\n", urgent, what, inc.Number)
		switch r.Audience {
		case AudienceSupervisor:
			b.WriteString("Вы получили это письмо как куратор территории: исполнитель не уложился в срок.\n")
		case AudienceCentre:
			b.WriteString("Вы получили это письмо как сотрудник ЦУР: обращение нужно взять на контроль.\n")
		}
	}
	fmt.Fprintf(&b, "\nСуть: %s\nРубрика: %s\nМуниципалитет: %s\nИсполнитель: %s\nСрок: %s\n",
		orDash(inc.Summary), orDash(c.Category), orDash(c.Territory), orDash(orNone(c.Executor, inc.ExecutorID)), due)
	if r.Audience == AudienceExecutor {
		b.WriteString("\n" + todo + "\n")
	} else if inc.ExecutorID == 0 {
		b.WriteString("\nОбращение ещё не назначено исполнителю: его нужно разобрать.\n")
	}
	if c.Link != "" {
		b.WriteString("Карточка обращения: " + c.Link + "\n")
	}
	b.WriteString("\n" + signature + "\n")
	return subject, b.String()
}

func orNone(name string, id int64) string {
	if id == 0 {
		return "не назначен"
	}
	return name
}

// DigestItem is one line of a digest.
type DigestItem struct {
	Number, Summary string
	Due             time.Time
	Overdue         bool
}

// SplitDigest picks the executor's incidents for the digest of the local day of now: overdue ones, and those
// due later that day, each list in due order.
func SplitDigest(incs []model.Incident, now time.Time, loc *time.Location) (overdue, today []DigestItem) {
	l := now.In(loc)
	end := time.Date(l.Year(), l.Month(), l.Day()+1, 0, 0, 0, 0, loc)
	for _, inc := range incs {
		if inc.DueAt == nil || !inc.Status.Open() {
			continue
		}
		it := DigestItem{Number: inc.Number, Summary: inc.Summary, Due: *inc.DueAt}
		switch {
		case inc.DueAt.Before(now):
			it.Overdue = true
			overdue = append(overdue, it)
		case inc.DueAt.Before(end):
			today = append(today, it)
		}
	}
	return overdue, today
}

// ComposeDigest writes the Russian daily digest of an executor.
func ComposeDigest(executor, date string, overdue, today []DigestItem, name string, loc *time.Location, link string) (subject, text string) {
	subject = fmt.Sprintf("Сводка на %s: просрочено %d, срок сегодня %d", date, len(overdue), len(today))
	var b strings.Builder
	b.WriteString(greeting(name) + "\n\n")
	fmt.Fprintf(&b, "Сводка по обращениям исполнителя «%s» на %s.\n", executor, date)
	list := func(title string, items []DigestItem) {
		if len(items) == 0 {
			return
		}
		fmt.Fprintf(&b, "\n%s (%d):\n", title, len(items))
		for _, it := range items {
			fmt.Fprintf(&b, "— %s, срок %s: %s\n", it.Number, it.Due.In(loc).Format("02.01 15:04"), orDash(it.Summary))
		}
	}
	list("Просрочены", overdue)
	list("Срок истекает сегодня", today)
	if link != "" {
		b.WriteString("\nВсе обращения: " + link + "\n")
	}
	b.WriteString("\n" + signature + "\n")
	return subject, b.String()
}
