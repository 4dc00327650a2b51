package outbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/connector/vk"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// workflowPublisher is the Publisher the lead's workflow provides, written here over the real Service: publishing
// moves the answer and the incident; a repeat for an answer already published with the same id is a success.
type workflowPublisher struct {
	svc *workflow.Service
	st  *store.Store
}

func (p workflowPublisher) Published(ctx context.Context, answerID int64, externalID, rateToken string) error {
	_, err := p.svc.AnswerAct(ctx, model.SystemActor(), answerID, model.AnsPublish, workflow.AnswerArgs{ExternalID: externalID, RateToken: rateToken})
	if errors.Is(err, model.ErrConflict) {
		if a, gerr := p.st.Answer(ctx, answerID); gerr == nil && a.State == model.AnswerPublished && a.ExternalID == externalID {
			return nil
		}
	}
	return err
}

func (p workflowPublisher) PublishFailed(ctx context.Context, answerID int64, _ error) error {
	_, err := p.svc.AnswerAct(ctx, model.SystemActor(), answerID, model.AnsPublishErr, workflow.AnswerArgs{})
	return err
}

type env struct {
	st   *store.Store
	svc  *workflow.Service
	mu   sync.Mutex
	now  time.Time
	exID int64
	ex   model.Actor
}

func (e *env) clock() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.now
}

func (e *env) advance(d time.Duration) {
	e.mu.Lock()
	e.now = e.now.Add(d)
	e.mu.Unlock()
}

func newEnv(t *testing.T, st *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st, now: time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)}
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
	if e.exID, err = st.PutExecutor(ctx, model.Executor{Code: "uk-1", Name: "УК «Прибрежная»", Kind: "uk"}); err != nil {
		t.Fatal(err)
	}
	e.ex = model.Actor{Login: "uk", Role: model.RoleExecutor, ExecutorID: e.exID}
	e.svc = workflow.New(st, workflow.WithClock(e.clock), workflow.WithLogger(quiet))
	return e
}

// approved takes a message through intake, assignment, acceptance, an interim answer and its approval, and
// enqueues the publish job as the workflow does on approval.
func (e *env) approved(t *testing.T, msg model.Message, text string) model.Answer {
	t.Helper()
	ctx := context.Background()
	res, err := e.svc.Intake(ctx, []model.Message{msg})
	if err != nil {
		t.Fatal(err)
	}
	op := model.Actor{Login: "op", Role: model.RoleOperator}
	inc, err := e.st.Incident(ctx, res[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status == model.StatusNew {
		if _, err := e.svc.Act(ctx, op, inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: e.exID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.svc.Act(ctx, e.ex, inc.ID, model.ActAccept, model.ActionArgs{}); err != nil {
		t.Fatal(err)
	}
	a, err := e.svc.CreateAnswer(ctx, e.ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerInterim, Text: text, Submit: true})
	if err != nil {
		t.Fatal(err)
	}
	if a, err = e.svc.AnswerAct(ctx, model.Actor{Login: "mod", Role: model.RoleModerator}, a.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
		t.Fatal(err)
	}
	stored, err := e.st.Message(ctx, msg.Source, msg.ExternalID)
	if err != nil {
		t.Fatal(err)
	}
	job, err := outbox.PublishJob(a, stored, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.WithTx(ctx, func(tx *store.Tx) error { _, _, err := tx.EnqueueJob(ctx, job); return err }); err != nil {
		t.Fatal(err)
	}
	return a
}

// fakeVK speaks the VK API's wire format for wall.createComment: a form POST to /method/wall.createComment
// answered with HTTP 200 and {"response":{"comment_id":N}} or {"error":{"error_code":…,"error_msg":…}}. Like VK
// it drops a repeated guid and answers with the first comment's id. script[i] decides how the i-th call goes.
type fakeVK struct {
	mu       sync.Mutex
	calls    int
	script   []string // "fail": error 10; "slow": record the comment, then answer too late; "" or past the end: normal
	slow     time.Duration
	nextID   int64
	byGUID   map[string]int64
	comments []vkComment
}

type vkComment struct {
	ID                   int64
	Owner, Post, ReplyTo string
	GUID, Text           string
}

func (f *fakeVK) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if r.Method != http.MethodPost || r.URL.Path != "/method/wall.createComment" || r.ParseForm() != nil || r.PostForm.Get("access_token") != "vk-token" {
		fmt.Fprint(w, `{"error":{"error_code":5,"error_msg":"User authorization failed"}}`)
		return
	}
	f.mu.Lock()
	step := ""
	if f.calls < len(f.script) {
		step = f.script[f.calls]
	}
	f.calls++
	if step == "fail" {
		f.mu.Unlock()
		fmt.Fprint(w, `{"error":{"error_code":10,"error_msg":"Internal server error"}}`)
		return
	}
	guid := r.PostForm.Get("guid")
	id, seen := f.byGUID[guid]
	if !seen || guid == "" {
		f.nextID++
		id = f.nextID
		f.byGUID[guid] = id
		f.comments = append(f.comments, vkComment{ID: id, Owner: r.PostForm.Get("owner_id"), Post: r.PostForm.Get("post_id"),
			ReplyTo: r.PostForm.Get("reply_to_comment"), GUID: guid, Text: r.PostForm.Get("message")})
	}
	f.mu.Unlock()
	if step == "slow" {
		select { // accepted, but the answer comes after the client gave up
		case <-time.After(f.slow):
		case <-r.Context().Done():
		}
	}
	fmt.Fprintf(w, `{"response":{"comment_id":%d,"parents_stack":[]}}`, id)
}

// TestPublishVKExactlyOnce is the outbox acceptance test of issue 5: the fake VK API first fails, then accepts
// comments but answers after the client's timeout, then recovers; every approved answer is published exactly once.
func TestPublishVKExactlyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		const n = 6
		fake := &fakeVK{byGUID: map[string]int64{}, slow: 400 * time.Millisecond,
			script: []string{"fail", "fail", "slow", "fail", "slow", "slow", "fail"}}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		var answers []model.Answer
		for i := 1; i <= n; i++ {
			answers = append(answers, e.approved(t, model.Message{Source: "vk", ExternalID: fmt.Sprintf("wall-77_12_%d", 100+i),
				ThreadID: "wall:-77_12", ReplyTo: strconv.Itoa(100 + i), Text: fmt.Sprintf("Нет отопления в доме %d по улице Байкальской", i),
				Category: "zhkh.heating", Territory: "25701000"},
				fmt.Sprintf("Здравствуйте! Аварийная бригада выедет к дому %d сегодня до 18:00, подачу тепла восстановят к утру.", i)))
		}
		client := &vk.Client{BaseURL: srv.URL + "/method/", Token: "vk-token", HTTP: &http.Client{Timeout: 150 * time.Millisecond}}
		newRunner := func() *outbox.Runner {
			return &outbox.Runner{Store: st, Workers: 3, Lease: time.Minute, Clock: e.clock, Logger: quiet,
				Rand: rand.New(rand.NewPCG(1, 1)), Backoff: outbox.Backoff{Base: time.Second, Max: time.Minute, Limit: 10},
				Handlers: map[string]outbox.Handler{outbox.KindPublish: &outbox.PublishHandler{
					Publisher: workflowPublisher{e.svc, st}, Destinations: map[string]outbox.Destination{"vk": outbox.VK{Client: client}}}}}
		}
		for round := 0; round < 30; round++ {
			r := newRunner() // a fresh runner each round: a restart must not matter
			if _, err := r.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			counts, err := st.JobCounts(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if counts[store.JobDone] == n {
				break
			}
			e.advance(time.Minute)
		}
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if fake.calls <= n {
			t.Fatalf("%d API calls for %d answers: the failures were not exercised", fake.calls, n)
		}
		if len(fake.comments) != n {
			t.Fatalf("%d comments posted for %d answers: %+v", len(fake.comments), n, fake.comments)
		}
		byText := map[string]vkComment{}
		for _, c := range fake.comments {
			byText[c.Text] = c
		}
		for i, a := range answers {
			c, ok := byText[a.Text]
			if !ok {
				t.Fatalf("answer %d was not posted", a.ID)
			}
			if c.Owner != "-77" || c.Post != "12" || c.ReplyTo != strconv.Itoa(101+i) || c.GUID != outbox.PublishKey(a.ID) {
				t.Errorf("answer %d posted as %+v", a.ID, c)
			}
			got, err := st.Answer(ctx, a.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := fmt.Sprintf("comment:-77_12_%d", c.ID)
			if got.State != model.AnswerPublished || got.ExternalID != want {
				t.Errorf("answer %d: %s %q, want published %q", a.ID, got.State, got.ExternalID, want)
			}
			inc, _ := st.Incident(ctx, a.IncidentID)
			if inc.Status != model.StatusInterim || inc.FirstReactionAt == nil {
				t.Errorf("incident %d: %s after its interim answer was published", inc.ID, inc.Status)
			}
		}
	})
}

// fakeTelegram speaks the Bot API's wire format for sendMessage: POST /bot<token>/sendMessage with a JSON body,
// answered {"ok":true,"result":{"message_id":N,…}} or {"ok":false,"error_code":…,"description":…}. script[chat]
// lists how the successive calls to a chat go: "flood" (429 with retry_after), "hang" (accept, then never answer
// until the client gives up), "forbidden" (403), "" normal.
type fakeTelegram struct {
	mu     sync.Mutex
	calls  int
	script map[int64][]string
	sent   []tgSent
	onSend func(tgSent)
}

type tgSent struct {
	ChatID, ThreadID, ReplyTo, MessageID int64
	Text                                 string
}

func (f *fakeTelegram) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	if r.URL.Path != "/bottg-token/sendMessage" {
		w.WriteHeader(http.StatusUnauthorized)
		fmt.Fprint(w, `{"ok":false,"error_code":401,"description":"Unauthorized"}`)
		return
	}
	var req struct {
		ChatID          int64  `json:"chat_id"`
		MessageThreadID int64  `json:"message_thread_id"`
		Text            string `json:"text"`
		ReplyParameters *struct {
			MessageID int64 `json:"message_id"`
		} `json:"reply_parameters"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Text == "" {
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprint(w, `{"ok":false,"error_code":400,"description":"Bad Request: message text is empty"}`)
		return
	}
	f.mu.Lock()
	step := ""
	if steps := f.script[req.ChatID]; len(steps) > 0 {
		step, f.script[req.ChatID] = steps[0], steps[1:]
	}
	f.calls++
	switch step {
	case "flood":
		f.mu.Unlock()
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 7","parameters":{"retry_after":7}}`)
		return
	case "forbidden":
		f.mu.Unlock()
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`)
		return
	}
	m := tgSent{ChatID: req.ChatID, ThreadID: req.MessageThreadID, Text: req.Text, MessageID: int64(1000 + len(f.sent))}
	if req.ReplyParameters != nil {
		m.ReplyTo = req.ReplyParameters.MessageID
	}
	f.sent = append(f.sent, m)
	on := f.onSend
	f.mu.Unlock()
	if on != nil {
		on(m)
	}
	if step == "hang" {
		<-r.Context().Done()
		return
	}
	fmt.Fprintf(w, `{"ok":true,"result":{"message_id":%d,"date":1793600000,"chat":{"id":%d,"type":"supergroup"},"text":%q}}`, m.MessageID, m.ChatID, m.Text)
}

// TestPublishTelegram: flood control is waited out and the answer posted once as a reply in its forum topic; an
// answer whose request was accepted but never answered is not sent again: its job is dead as uncertain and the
// answer publish_failed for the centre; a blocked bot is a permanent failure.
func TestPublishTelegram(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		fake := &fakeTelegram{script: map[int64][]string{-1001: {"flood", ""}, -1002: {"hang"}, -1003: {"forbidden"}}}
		srv := httptest.NewServer(fake)
		defer srv.Close()
		mk := func(chat, msg int64, text string) model.Message {
			return model.Message{Source: "tg", ExternalID: fmt.Sprintf("%d:%d", chat, msg), ThreadID: fmt.Sprintf("chat:%d:topic:5", chat),
				Text: text, Category: "zhkh.heating", Territory: "25701000"}
		}
		a1 := e.approved(t, mk(-1001, 40, "Холодные батареи во всём подъезде"), "Здравствуйте! Давление в системе восстановят сегодня до 20:00.")
		a2 := e.approved(t, mk(-1002, 41, "Не греют батареи на пятом этаже"), "Здравствуйте! Слесарь придёт завтра с 9:00 до 12:00.")
		a3 := e.approved(t, mk(-1003, 7, "Третий день нет отопления"), "Здравствуйте! Подача тепла возобновлена в 15:00.")
		client := &telegram.Client{BaseURL: srv.URL, Token: "tg-token", HTTP: &http.Client{Timeout: 150 * time.Millisecond}}
		r := &outbox.Runner{Store: st, Workers: 1, Lease: time.Minute, Clock: e.clock, Logger: quiet,
			Backoff: outbox.Backoff{Base: time.Second, Max: time.Second, Limit: 5},
			Handlers: map[string]outbox.Handler{outbox.KindPublish: &outbox.PublishHandler{
				Publisher: workflowPublisher{e.svc, st}, Destinations: map[string]outbox.Destination{"tg": outbox.Telegram{Client: client}}}}}
		for round := 0; round < 10; round++ {
			if _, err := r.Drain(ctx, 10); err != nil {
				t.Fatal(err)
			}
			e.advance(10 * time.Second)
		}
		want := map[int64]struct {
			answer model.AnswerState
			job    store.JobState
			err    string
		}{
			a1.ID: {model.AnswerPublished, store.JobDone, ""},
			a2.ID: {model.AnswerPublishFailed, store.JobDead, "delivery uncertain"},
			a3.ID: {model.AnswerPublishFailed, store.JobDead, "bot was blocked"},
		}
		for id, w := range want {
			a, _ := st.Answer(ctx, id)
			j, _ := st.JobByKey(ctx, outbox.PublishKey(id))
			if a.State != w.answer || j.State != w.job || !strings.Contains(j.LastError, w.err) {
				t.Errorf("answer %d: %s, job %s %q; want %s, %s %q", id, a.State, j.State, j.LastError, w.answer, w.job, w.err)
			}
		}
		fake.mu.Lock()
		defer fake.mu.Unlock()
		if len(fake.sent) != 2 {
			t.Fatalf("sent %+v; want the first answer once and the uncertain one once", fake.sent)
		}
		var s1 tgSent
		for _, s := range fake.sent {
			if s.ChatID == -1001 {
				s1 = s
			}
		}
		if s1.ThreadID != 5 || s1.ReplyTo != 40 || s1.Text != a1.Text {
			t.Errorf("first answer sent as %+v", s1)
		}
		if a, _ := st.Answer(ctx, a1.ID); a.ExternalID != fmt.Sprintf("-1001:%d", s1.MessageID) {
			t.Errorf("external id %q, want -1001:%d", a.ExternalID, s1.MessageID)
		}
		// The centre checks the chat, finds the uncertain answer there and requeues nothing; had it been missing,
		// RequeueJob with clearCheckpoint would send it once more.
		dead, _ := st.DeadJobs(ctx, 10)
		if len(dead) != 2 {
			t.Errorf("%d dead jobs for the centre, want 2", len(dead))
		}
	})
}

// recordingDest remembers what it was asked to post, by answer.
type recordingDest struct {
	mu    sync.Mutex
	texts map[int64]string
}

func (d *recordingDest) Post(_ context.Context, _ *outbox.Run, p outbox.PublishPayload, _ string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.texts[p.AnswerID] = p.Text
	return fmt.Sprintf("posted-%d", p.AnswerID), nil
}

// TestPublishInvitesToRate: an answer posted to a social network ends with the link to its rating page, whose
// token is the one the rating opens with; an answer published in place (the reception's) is posted as written.
func TestPublishInvitesToRate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newEnv(t, st)
		vkAns := e.approved(t, model.Message{Source: "vk", ExternalID: "wall-77_12_301", ThreadID: "wall:-77_12", ReplyTo: "301",
			Text: "Нет отопления в доме 3 по улице Байкальской", Category: "zhkh.heating", Territory: "25701000"},
			"Здравствуйте! Аварийная бригада выедет к дому 3 сегодня до 18:00.")
		recAns := e.approved(t, model.Message{Source: "reception", ExternalID: "reception-1",
			Text: "Нет отопления в доме 5 по улице Байкальской", Category: "zhkh.heating", Territory: "25701000"},
			"Здравствуйте! Подачу тепла в дом 5 восстановили сегодня в 14:00.")
		social, local := &recordingDest{texts: map[int64]string{}}, &recordingDest{texts: map[int64]string{}}
		r := &outbox.Runner{Store: st, Workers: 1, Clock: e.clock, Logger: quiet, Handlers: map[string]outbox.Handler{
			outbox.KindPublish: &outbox.PublishHandler{Publisher: e.svc, Destinations: map[string]outbox.Destination{"vk": social},
				Fallback: local, RateLink: func(tok string) string { return "https://otklik.example/rate/" + tok }}}}
		if _, err := r.Drain(ctx, 10); err != nil {
			t.Fatal(err)
		}
		ratings, err := st.RatingsOfIncident(ctx, vkAns.IncidentID)
		if err != nil || len(ratings) != 1 {
			t.Fatalf("ratings of the VK incident: %+v, %v", ratings, err)
		}
		want := vkAns.Text + "\n\n" + outbox.RateInvitation + "https://otklik.example/rate/" + ratings[0].Token
		if got := social.texts[vkAns.ID]; got != want {
			t.Errorf("posted to VK:\n%q\nwant\n%q", got, want)
		}
		if !workflow.ValidRateToken(ratings[0].Token) {
			t.Errorf("rating token %q", ratings[0].Token)
		}
		if got := local.texts[recAns.ID]; got != recAns.Text {
			t.Errorf("published in place: %q, want the answer as written", got)
		}
		for _, a := range []model.Answer{vkAns, recAns} {
			if got, err := st.Answer(ctx, a.ID); err != nil || got.State != model.AnswerPublished {
				t.Errorf("answer %d: %s, %v", a.ID, got.State, err)
			}
		}
	})
}
