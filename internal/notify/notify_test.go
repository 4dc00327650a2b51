package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/notify"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

var discard = slog.New(slog.NewTextHandler(io.Discard, nil))

var irkutsk = func() *time.Location {
	l, err := time.LoadLocation("Asia/Irkutsk")
	if err != nil {
		panic(err)
	}
	return l
}()

func at(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, irkutsk) }

func TestQuietSendAt(t *testing.T) {
	night := notify.Quiet{From: 21 * 60, To: 8 * 60}
	lunch := notify.Quiet{From: 13 * 60, To: 14 * 60}
	never := notify.Quiet{From: 0, To: 0}
	for _, c := range []struct {
		name string
		q    notify.Quiet
		now  time.Time
		want time.Time
	}{
		{"day passes", night, at(2, 12, 0), at(2, 12, 0)},
		{"evening waits for the morning", night, at(2, 22, 30), at(3, 8, 0)},
		{"after midnight waits for the same morning", night, at(3, 3, 15), at(3, 8, 0)},
		{"window start is quiet", night, at(2, 21, 0), at(3, 8, 0)},
		{"window end is not", night, at(3, 8, 0), at(3, 8, 0)},
		{"daytime window", lunch, at(2, 13, 30), at(2, 14, 0)},
		{"never quiet", never, at(3, 3, 0), at(3, 3, 0)},
	} {
		if got := c.q.SendAt(c.now, irkutsk); !got.Equal(c.want) {
			t.Errorf("%s: SendAt(%v) = %v, want %v", c.name, c.now, got.In(irkutsk), c.want)
		}
	}
	if _, err := notify.ParseQuiet("25:00", "08:00"); err == nil {
		t.Error("ParseQuiet accepted 25:00")
	}
	if q, err := notify.ParseQuiet("21:30", "07:05"); err != nil || q != (notify.Quiet{From: 1290, To: 425}) {
		t.Errorf("ParseQuiet = %v, %v", q, err)
	}
}

func TestRecipients(t *testing.T) {
	users := []model.User{
		{ID: 1, Role: model.RoleExecutor, ExecutorID: 10},
		{ID: 2, Role: model.RoleExecutor, ExecutorID: 11},
		{ID: 3, Role: model.RoleSupervisor, TerritoryID: 100},
		{ID: 4, Role: model.RoleSupervisor, TerritoryID: 101},
		{ID: 5, Role: model.RoleSupervisor},
		{ID: 6, Role: model.RoleOperator},
		{ID: 7, Role: model.RoleOperator, Disabled: true},
		{ID: 8, Role: model.RoleModerator},
		{ID: 9, Role: model.RoleExecutor, ExecutorID: 10},
	}
	assigned := model.Incident{ExecutorID: 10, TerritoryID: 100}
	triage := model.Incident{TerritoryID: 101}
	for _, c := range []struct {
		name  string
		event string
		inc   model.Incident
		want  string
	}{
		{"warning: the executor's staff", notify.EventWarning, assigned, "1:executor 9:executor"},
		{"warning without executor: the centre", notify.EventWarning, triage, "6:centre"},
		{"breach: staff, supervisors, centre", notify.EventBreach, assigned, "1:executor 9:executor 3:supervisor 5:supervisor 6:centre"},
		{"breach in triage", notify.EventBreach, triage, "4:supervisor 5:supervisor 6:centre"},
		{"assignment: the executor's staff", notify.EventAssigned, assigned, "1:executor 9:executor"},
		{"other events: nobody", "accept", assigned, ""},
	} {
		var got []string
		for _, r := range notify.Recipients(c.event, c.inc, users) {
			got = append(got, fmt.Sprintf("%d:%s", r.User.ID, r.Audience))
		}
		if strings.Join(got, " ") != c.want {
			t.Errorf("%s: %v, want %s", c.name, got, c.want)
		}
	}
}

// tgBot is a local Bot API server for sendMessage that records what was sent and when (simulated time);
// hangOn makes the n-th call accept the message and then never answer.
type tgBot struct {
	clock  func() time.Time
	mu     sync.Mutex
	sent   []tgMsg
	hangOn int
	calls  int
	hung   chan struct{}
}

type tgMsg struct {
	Chat int64
	Text string
	At   time.Time
}

func (b *tgBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var req struct {
		ChatID int64  `json:"chat_id"`
		Text   string `json:"text"`
	}
	if r.URL.Path != "/botbot-token/sendMessage" || json.NewDecoder(r.Body).Decode(&req) != nil {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request"}`)
		return
	}
	b.mu.Lock()
	b.calls++
	hang := b.calls == b.hangOn
	b.sent = append(b.sent, tgMsg{req.ChatID, req.Text, b.clock()})
	id := len(b.sent)
	b.mu.Unlock()
	if hang {
		close(b.hung)
		<-r.Context().Done()
		return
	}
	fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1793600000,"chat":{"id":%d,"type":"private"},"text":%q}}`, id, req.ChatID, req.Text)
}

func (b *tgBot) messages() []tgMsg {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]tgMsg(nil), b.sent...)
}

type escEnv struct {
	st       *store.Store
	mu       sync.Mutex
	now      time.Time
	exID     int64
	users    map[string]int64
	smtp     *smtpServer
	bot      *tgBot
	botURL   string
	svc      *workflow.Service
	incA     model.Incident
	incB     model.Incident
	operator model.Actor
}

func (e *escEnv) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *escEnv) set(t time.Time) {
	e.mu.Lock()
	e.now = t
	e.mu.Unlock()
}

// setupEscalation builds a region with one management company, its two staff members (one with the default
// quiet hours, one never quiet), another company's staff, a region-wide supervisor, an operator and a disabled
// operator, each with channels, and a real SMTP server and a local Bot API server.
func setupEscalation(t *testing.T, st *store.Store) *escEnv {
	t.Helper()
	ctx := context.Background()
	e := &escEnv{st: st, now: at(2, 10, 0), users: map[string]int64{}}
	region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTerritory(ctx, model.Territory{RegionID: region, OKTMO: "25701000", Name: "город Иркутск", Kind: "urban_okrug"}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutCategory(ctx, model.Category{Code: "zhkh.heating", ParentCode: "zhkh", Name: "Отопление",
		ReactionHours: 24, UrgentReactionHours: 4, ResolutionWorkingDays: 7, DefaultPriority: model.PriorityNormal}); err != nil {
		t.Fatal(err)
	}
	if e.exID, err = st.PutExecutor(ctx, model.Executor{Code: "uk-sever", Name: "УК «Северная»", Kind: "uk"}); err != nil {
		t.Fatal(err)
	}
	ex2, err := st.PutExecutor(ctx, model.Executor{Code: "uk-yug", Name: "УК «Южная»", Kind: "uk"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		login, name string
		role        model.Role
		ex          int64
		disabled    bool
		tg          string
		quiet       [2]string
	}{
		{"ivanova", "Ирина Иванова", model.RoleExecutor, e.exID, false, "501", [2]string{}},
		{"petrov", "Пётр Петров", model.RoleExecutor, e.exID, false, "", [2]string{"00:00", "00:00"}},
		{"sidorov", "Семён Сидоров", model.RoleExecutor, ex2, false, "", [2]string{}},
		{"kurator", "Ксения Кураторова", model.RoleSupervisor, 0, false, "", [2]string{}},
		{"operator", "Ольга Операторова", model.RoleOperator, 0, false, "", [2]string{}},
		{"former", "Фёдор Бывший", model.RoleOperator, 0, true, "", [2]string{}},
	} {
		id, err := st.CreateUser(ctx, model.User{Login: u.login, Name: u.name, Role: u.role, ExecutorID: u.ex}, "")
		if err != nil {
			t.Fatal(err)
		}
		if u.disabled {
			if _, err := st.DB().ExecContext(ctx, rebind(st, `UPDATE users SET disabled = TRUE WHERE id = ?`), id); err != nil {
				t.Fatal(err)
			}
		}
		e.users[u.login] = id
		if err := st.PutUserChannel(ctx, store.UserChannel{UserID: id, Kind: store.ChannelEmail, Address: u.login + "@example.org",
			QuietFrom: u.quiet[0], QuietTo: u.quiet[1], Enabled: true}); err != nil {
			t.Fatal(err)
		}
		if u.tg != "" {
			if err := st.PutUserChannel(ctx, store.UserChannel{UserID: id, Kind: store.ChannelTelegram, Address: u.tg, Enabled: true}); err != nil {
				t.Fatal(err)
			}
		}
	}
	e.smtp = startSMTP(t, e.clock)
	e.bot = &tgBot{clock: e.clock, hung: make(chan struct{})}
	srv := httptest.NewServer(e.bot)
	t.Cleanup(srv.Close)
	e.botURL = srv.URL
	e.svc = workflow.New(st, workflow.WithClock(e.clock), workflow.WithLogger(discard))
	e.operator = model.Actor{Login: "operator", Role: model.RoleOperator}
	return e
}

func rebind(st *store.Store, q string) string {
	if st.Dialect() != "postgres" {
		return q
	}
	return strings.Replace(q, "?", "$1", 1)
}

// incident opens an incident at the current simulated time, assigned to and accepted by the company.
func (e *escEnv) incident(t *testing.T, id, text string, urgent bool) model.Incident {
	t.Helper()
	ctx := context.Background()
	res, err := e.svc.Intake(ctx, []model.Message{{Source: "vk", ExternalID: id, Text: text, Category: "zhkh.heating", Territory: "25701000"}})
	if err != nil {
		t.Fatal(err)
	}
	incID := res[0].IncidentID
	if urgent {
		if _, err := e.svc.Act(ctx, e.operator, incID, model.ActSetPriority, model.ActionArgs{Priority: model.PriorityUrgent}); err != nil {
			t.Fatal(err)
		}
	}
	if inc, _ := e.st.Incident(ctx, incID); inc.Status == model.StatusNew {
		if _, err := e.svc.Act(ctx, e.operator, incID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
			t.Fatal(err)
		}
	}
	inc, err := e.svc.Act(ctx, model.Actor{Login: "ivanova", Role: model.RoleExecutor, ExecutorID: e.exID}, incID, model.ActAccept, model.ActionArgs{})
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// components are what a process runs: the deadline ticker, the dispatcher and the outbox runner. A restart is
// a new set on the same database.
type components struct {
	svc    *workflow.Service
	disp   *notify.Dispatcher
	runner *outbox.Runner
}

func (e *escEnv) start() components {
	svc := workflow.New(e.st, workflow.WithClock(e.clock), workflow.WithLogger(discard))
	disp := &notify.Dispatcher{Store: e.st, Clock: e.clock, Logger: discard, BaseURL: "https://otklik.example.org"}
	mail := &outbox.SMTP{Addr: e.smtp.addr(), From: "noreply@otklik.example.org", FromName: "Отклик", Timeout: 2 * time.Second}
	bot := &telegram.Client{BaseURL: e.botURL, Token: "bot-token", HTTP: &http.Client{Timeout: 2 * time.Second}}
	runner := &outbox.Runner{Store: e.st, Workers: 2, Lease: time.Minute, Poll: 10 * time.Millisecond, Clock: e.clock, Logger: discard,
		Backoff: outbox.Backoff{Base: time.Second, Max: time.Minute},
		Handlers: map[string]outbox.Handler{
			outbox.KindNotify: &outbox.NotifyHandler{Mail: mail, Bot: bot},
			outbox.KindDigest: disp.DigestHandler(),
		}}
	return components{svc, disp, runner}
}

func (c components) step(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	if _, err := c.svc.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.disp.Dispatch(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.disp.ScheduleDigests(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c.runner.Drain(ctx, 20); err != nil {
		t.Fatal(err)
	}
}

// TestEscalation drives a simulated clock from Monday 10:00 to Tuesday 12:00 (Irkutsk) over two incidents: A,
// normal, opened Monday 10:00 (warning Tuesday 04:00, breach Tuesday 10:00) and B, urgent, opened Monday 22:00
// (warning 01:00, breach 02:00). The process restarts at midnight. Every notification reaches the right people
// once, by e-mail through a real SMTP server and by Telegram; the night-time warning of A waits for 09:00 for
// the user with default quiet hours, the urgent ones do not; the morning digest lists what is overdue and due.
func TestEscalation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := setupEscalation(t, st)
		e.incA = e.incident(t, "a", "Нет отопления в доме на улице Ленина, 5", false)
		c := e.start()
		for now := at(2, 10, 0); !now.After(at(3, 12, 0)); now = now.Add(15 * time.Minute) {
			e.set(now)
			if now.Equal(at(2, 22, 0)) {
				e.incB = e.incident(t, "b", "В квартире с грудным ребёнком совсем нет отопления", true)
			}
			if now.Equal(at(3, 0, 0)) {
				c = e.start() // restart
			}
			c.step(t)
		}
		mails := e.smtp.messages()
		type key struct{ to, subject string }
		got := map[key][]time.Time{}
		for _, m := range mails {
			got[key{m.To, m.Subject}] = append(got[key{m.To, m.Subject}], m.At)
			if m.From != "noreply@otklik.example.org" || m.Header.Get("Content-Type") != "text/plain; charset=utf-8" ||
				!strings.HasPrefix(m.MessageID, "<") || !strings.Contains(m.Body, "автоматическое уведомление") {
				t.Errorf("malformed mail %+v", m)
			}
		}
		warnA := "Обращение " + e.incA.Number + ": прошло 75 % срока"
		breachA := "Просрочено обращение " + e.incA.Number
		warnB := "Срочное обращение. Обращение " + e.incB.Number + ": прошло 75 % срока"
		breachB := "Срочное обращение. Просрочено обращение " + e.incB.Number
		digest := "Сводка на 03.11.2026: просрочено 1, срок сегодня 1"
		want := map[key]time.Time{
			{"petrov@example.org", warnB}:     at(3, 1, 0),
			{"ivanova@example.org", warnB}:    at(3, 1, 0), // urgent: quiet hours do not hold it
			{"petrov@example.org", breachB}:   at(3, 2, 0),
			{"ivanova@example.org", breachB}:  at(3, 2, 0),
			{"kurator@example.org", breachB}:  at(3, 2, 0),
			{"operator@example.org", breachB}: at(3, 2, 0),
			{"petrov@example.org", warnA}:     at(3, 4, 0), // never quiet
			{"ivanova@example.org", warnA}:    at(3, 9, 0), // waited for the morning
			{"petrov@example.org", digest}:    at(3, 9, 0),
			{"ivanova@example.org", digest}:   at(3, 9, 0),
			{"petrov@example.org", breachA}:   at(3, 10, 0),
			{"ivanova@example.org", breachA}:  at(3, 10, 0),
			{"kurator@example.org", breachA}:  at(3, 10, 0),
			{"operator@example.org", breachA}: at(3, 10, 0),
		}
		for k, w := range want {
			times := got[k]
			if len(times) != 1 || !times[0].Equal(w) {
				t.Errorf("%s «%s»: received at %v, want once at %v", k.to, k.subject, times, w.Format("02.01 15:04"))
			}
		}
		if len(mails) != len(want) {
			for _, m := range mails {
				t.Logf("%s «%s» %v", m.To, m.Subject, m.At.In(irkutsk).Format("02.01 15:04"))
			}
			t.Errorf("%d mails, want %d (nothing to other companies' staff or disabled users, nothing twice)", len(mails), len(want))
		}
		var tg []string
		for _, m := range e.bot.messages() {
			if m.Chat != 501 {
				t.Errorf("telegram message to chat %d", m.Chat)
			}
			tg = append(tg, strings.SplitN(m.Text, "\n", 2)[0]+" @ "+m.At.In(irkutsk).Format("15:04"))
		}
		wantTG := []string{warnB + " @ 01:00", breachB + " @ 02:00", warnA + " @ 09:00", digest + " @ 09:00", breachA + " @ 10:00"}
		if strings.Join(tg, "\n") != strings.Join(wantTG, "\n") {
			t.Errorf("telegram messages:\n%s\nwant:\n%s", strings.Join(tg, "\n"), strings.Join(wantTG, "\n"))
		}
		for _, m := range mails {
			if m.Subject == digest && (!strings.Contains(m.Body, e.incA.Number) || !strings.Contains(m.Body, e.incB.Number) || !strings.Contains(m.Body, "Просрочены (1)")) {
				t.Errorf("digest body:\n%s", m.Body)
			}
		}
		if dead, _ := st.DeadJobs(context.Background(), 10); len(dead) != 0 {
			t.Errorf("dead jobs: %+v", dead)
		}
	})
}

// TestNoDoubleSendAcrossRestart stops a running outbox in the middle of an SMTP session (the server stops
// answering and the process goes away), then starts a new runner on the same database once the lease expired.
// Stopped before the commit point, the message is sent again and arrives once; stopped after the final dot, it
// may have been accepted, so it is not sent again: its job is dead as uncertain for the centre. Either way
// nothing arrives twice, and every other notification arrives once.
func TestNoDoubleSendAcrossRestart(t *testing.T) {
	for _, c := range []struct {
		stage    string
		wantDead int
	}{{"RCPT", 0}, {".", 1}} {
		t.Run("hold at "+c.stage, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				e := setupEscalation(t, st)
				e.smtp.holdStage, e.smtp.holdN = c.stage, 3
				e.incA = e.incident(t, "a", "Не работает отопление в школе", false)
				e.set(at(3, 10, 30)) // past both the warning and the breach
				first := e.start()
				if _, err := first.svc.Tick(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := first.disp.Dispatch(ctx); err != nil {
					t.Fatal(err)
				}
				first.runner.Workers = 1
				runCtx, stop := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { first.runner.Run(runCtx); close(done) }()
				select {
				case <-e.smtp.held:
				case <-time.After(10 * time.Second):
					t.Fatal("the SMTP server never reached the hold point")
				}
				stop() // the process dies mid-session
				<-done
				e.set(e.clock().Add(2 * time.Minute)) // the lease runs out
				second := e.start()
				if _, err := second.runner.Drain(ctx, 50); err != nil {
					t.Fatal(err)
				}
				// warning: ivanova, petrov; breach: ivanova, petrov, kurator, operator.
				seen := map[string]int{}
				for _, m := range e.smtp.messages() {
					seen[m.To+" "+m.Subject]++
				}
				if len(seen) != 6 {
					t.Errorf("%d distinct mails, want 6: %v", len(seen), seen)
				}
				for k, n := range seen {
					if n != 1 {
						t.Errorf("%s received %d times", k, n)
					}
				}
				if n := len(e.bot.messages()); n != 2 {
					t.Errorf("%d telegram messages, want 2", n)
				}
				dead, err := st.DeadJobs(ctx, 10)
				if err != nil {
					t.Fatal(err)
				}
				if len(dead) != c.wantDead {
					t.Fatalf("%d dead jobs, want %d: %+v", len(dead), c.wantDead, dead)
				}
				if c.wantDead == 1 && !strings.Contains(dead[0].LastError, "delivery uncertain") {
					t.Errorf("dead job error %q", dead[0].LastError)
				}
				counts, _ := st.JobCounts(ctx)
				if counts[store.JobDone] != 8-c.wantDead {
					t.Errorf("job counts %v, want %d done", counts, 8-c.wantDead)
				}
			})
		})
	}
}

// TestAssignmentNotified: when an incident is assigned, the executor's staff are told at once (the quiet hours
// hold it for those who have them, as for any notification); staff of other companies are not; an assignment
// already accepted, moved elsewhere or older than AssignedHorizon when the dispatcher sees it is not notified.
func TestAssignmentNotified(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := setupEscalation(t, st)
		c := e.start()
		open := func(id string) model.Incident {
			t.Helper()
			res, err := e.svc.Intake(ctx, []model.Message{{Source: "vk", ExternalID: id, Text: "Холодные батареи в квартире", Category: "zhkh.heating", Territory: "25701000"}})
			if err != nil {
				t.Fatal(err)
			}
			inc, err := e.svc.Act(ctx, e.operator, res[0].IncidentID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID})
			if err != nil {
				t.Fatal(err)
			}
			return inc
		}
		fresh := open("fresh")
		accepted := open("accepted")
		if _, err := e.svc.Act(ctx, model.Actor{Login: "petrov", Role: model.RoleExecutor, ExecutorID: e.exID}, accepted.ID, model.ActAccept, model.ActionArgs{}); err != nil {
			t.Fatal(err)
		}
		c.step(t)
		// An assignment the dispatcher first sees two hours late.
		e.set(at(2, 11, 0))
		old := open("old")
		e.set(at(2, 13, 0))
		c.step(t)

		subjects := map[string][]string{}
		for _, m := range e.smtp.messages() {
			subjects[m.Subject] = append(subjects[m.Subject], m.To)
			if strings.HasPrefix(m.Subject, "Новое обращение") && (!strings.Contains(m.Body, "Вашей организации передано обращение") ||
				!strings.Contains(m.Body, "Примите его в работу")) {
				t.Errorf("the assignment's body:\n%s", m.Body)
			}
		}
		got := subjects["Новое обращение "+fresh.Number]
		slices.Sort(got)
		if strings.Join(got, " ") != "ivanova@example.org petrov@example.org" {
			t.Errorf("the fresh assignment went to %v", got)
		}
		for _, inc := range []model.Incident{accepted, old} {
			if to := subjects["Новое обращение "+inc.Number]; len(to) != 0 {
				t.Errorf("%s was notified to %v", inc.Number, to)
			}
		}
		if n := len(e.bot.messages()); n != 1 {
			t.Errorf("%d Telegram messages, want 1 (ivanova's)", n)
		}
	})
}
