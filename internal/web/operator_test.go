package web

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// newIncidents returns n incidents waiting for triage (0: all), newest first.
func newIncidents(t *testing.T, e *env, n int) []model.Incident {
	t.Helper()
	page, err := e.st.ListIncidents(context.Background(), store.IncidentFilter{Statuses: []model.Status{model.StatusNew}, Limit: 100, Now: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	if n == 0 {
		return page.Items
	}
	if len(page.Items) < n {
		t.Fatalf("the demo database has %d new incidents, the test needs %d", len(page.Items), n)
	}
	return page.Items[:n]
}

func incident(t *testing.T, e *env, id int64) model.Incident {
	t.Helper()
	inc, err := e.st.Incident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

func lastEvent(t *testing.T, e *env, id int64) model.Event {
	t.Helper()
	evs, err := e.st.Events(context.Background(), id)
	if err != nil || len(evs) == 0 {
		t.Fatalf("events of %d: %v (%d)", id, err, len(evs))
	}
	return evs[len(evs)-1]
}

// anExecutor returns an executor the incident may be assigned to.
func anExecutor(t *testing.T, e *env, inc model.Incident) model.Executor {
	t.Helper()
	refs, err := e.svc.Refs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, ex := range refs.Executors {
		if ex.ID != inc.ExecutorID {
			return ex
		}
	}
	t.Fatal("no executor")
	return model.Executor{}
}

func TestOperatorPagesRoles(t *testing.T) {
	e := newEnv(t)
	inc := newIncidents(t, e, 1)[0]
	act := "/incidents/" + inc.Number + "/act"
	tests := []struct {
		login, method, path string
		want                int
	}{
		{"operator", "GET", "/operator", http.StatusOK},
		{"admin", "GET", "/operator", http.StatusOK},
		{"school19", "GET", "/operator", http.StatusForbidden},
		{"moderator", "GET", "/operator", http.StatusForbidden},
		{"curator", "GET", "/operator", http.StatusForbidden},
		{"curator", "GET", "/incidents", http.StatusOK},
		{"moderator", "GET", "/incidents", http.StatusOK},
		{"school19", "GET", "/incidents", http.StatusForbidden},
		{"operator", "GET", "/incidents/" + inc.Number, http.StatusOK},
		{"moderator", "GET", "/incidents/" + inc.Number, http.StatusOK},
		{"school19", "GET", "/incidents/" + inc.Number, http.StatusNotFound}, // not theirs
		{"operator", "GET", "/incidents/00-0000-000000", http.StatusNotFound},
		{"curator", "POST", act, http.StatusForbidden},
		{"moderator", "POST", act, http.StatusForbidden},
		{"curator", "POST", "/operator/bulk", http.StatusForbidden},
		{"school19", "POST", act, http.StatusNotFound}, // an executor may post, but not on another's incident
	}
	for _, tt := range tests {
		t.Run(tt.login+" "+tt.method+" "+tt.path, func(t *testing.T) {
			b := e.browser(t)
			b.login(tt.login)
			var res response
			if tt.method == "GET" {
				res = b.get(tt.path)
			} else {
				res = b.submit("/", tt.path, url.Values{"action": {"reject"}, "reason": {"не обращение"}, "id": {strconv.FormatInt(inc.ID, 10)}})
			}
			if res.Status != tt.want {
				t.Fatalf("status %d, want %d", res.Status, tt.want)
			}
		})
	}
	if got := incident(t, e, inc.ID); got.Status != model.StatusNew {
		t.Fatalf("the refused posts changed the incident: %s", got.Status)
	}
}

func TestOperatorActionNeedsCSRF(t *testing.T) {
	e := newEnv(t)
	inc := newIncidents(t, e, 1)[0]
	b := e.browser(t)
	b.login("operator")
	res := b.post("/incidents/"+inc.Number+"/act", url.Values{"action": {"reject"}, "reason": {"спам"}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("without a token: status %d", res.Status)
	}
	res = b.post("/incidents/"+inc.Number+"/act", url.Values{"action": {"reject"}, "reason": {"спам"}, CSRFField: {"forged"}})
	if res.Status != http.StatusForbidden {
		t.Fatalf("with a wrong token: status %d", res.Status)
	}
	if got := incident(t, e, inc.ID); got.Status != model.StatusNew {
		t.Fatalf("status %s", got.Status)
	}
}

// Each action from the queue changes the incident, records its event, goes back with 303 and says so.
func TestOperatorActions(t *testing.T) {
	e := newEnv(t)
	incs := newIncidents(t, e, 5)
	open, err := e.st.ListIncidents(context.Background(), store.IncidentFilter{Statuses: []model.Status{model.StatusAssigned}, Limit: 1, Now: e.clock.Now()})
	if err != nil || len(open.Items) == 0 {
		t.Fatalf("no assigned incident to merge into: %v", err)
	}
	target := open.Items[0]
	refs, err := e.svc.Refs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var otherCat model.Category
	for _, c := range refs.Categories {
		if c.ID != incs[2].CategoryID && c.ParentCode != "" {
			otherCat = c
			break
		}
	}
	id := func(n int64) string { return strconv.FormatInt(n, 10) }
	tests := []struct {
		name  string
		inc   model.Incident
		form  url.Values
		event string
		check func(model.Incident) bool
		flash string
	}{
		{"assign", incs[0], url.Values{"action": {"assign"}, "executor_id": {id(anExecutor(t, e, incs[0]).ID)}}, "assign",
			func(i model.Incident) bool {
				return i.Status == model.StatusAssigned && i.ExecutorID == anExecutor(t, e, incs[0]).ID
			}, "передано исполнителю"},
		{"reject", incs[1], url.Values{"action": {"reject"}, "reason": {"реклама, не обращение"}}, "reject",
			func(i model.Incident) bool {
				return i.Status == model.StatusRejected && i.RejectReason == "реклама, не обращение"
			}, "отклонено"},
		{"set category", incs[2], url.Values{"action": {"set_category"}, "category_id": {id(otherCat.ID)}}, "set_category",
			func(i model.Incident) bool { return i.Status == model.StatusNew && i.CategoryID == otherCat.ID }, "Категория исправлена"},
		{"set priority", incs[3], url.Values{"action": {"set_priority"}, "priority": {"urgent"}}, "set_priority",
			func(i model.Incident) bool { return i.Priority == model.PriorityUrgent }, "Приоритет изменён"},
		{"merge", incs[4], url.Values{"action": {"merge"}, "target_id": {id(target.ID)}}, "merge",
			func(i model.Incident) bool { return i.Status == model.StatusMerged && i.MergedInto == target.ID }, "объединено"},
	}
	b := e.browser(t)
	b.login("operator")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.form.Set("back", "/operator")
			res := b.submit("/operator", "/incidents/"+tt.inc.Number+"/act", tt.form)
			if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/operator" {
				t.Fatalf("status %d, location %q", res.Status, res.Header.Get("Location"))
			}
			if got := incident(t, e, tt.inc.ID); !tt.check(got) {
				t.Fatalf("incident after %s: %+v", tt.name, got)
			}
			if ev := lastEvent(t, e, tt.inc.ID); ev.Type != tt.event || ev.Actor != "operator" {
				t.Fatalf("last event %s by %s, want %s by operator", ev.Type, ev.Actor, tt.event)
			}
			page := b.get("/operator")
			if !strings.Contains(page.Body, tt.flash) || !strings.Contains(page.Body, tt.inc.Number) {
				t.Fatalf("no flash %q about %s on the queue", tt.flash, tt.inc.Number)
			}
			if again := b.get("/operator"); strings.Contains(again.Body, `class="flash`) {
				t.Fatal("the flash is shown twice")
			}
		})
	}
	// Errors come back in Russian and change nothing.
	errs := []struct {
		name string
		inc  model.Incident
		form url.Values
		want string
	}{
		{"reject without reason", incs[3], url.Values{"action": {"reject"}, "reason": {"  "}}, "Укажите причину"},
		{"reject twice", incs[1], url.Values{"action": {"reject"}, "reason": {"ещё раз"}}, "невозможно в текущем состоянии"},
		{"unknown action", incs[3], url.Values{"action": {"explode"}}, "Неизвестное действие"},
		{"merge into itself", incs[3], url.Values{"action": {"merge"}, "target_id": {id(incs[3].ID)}}, "Выберите открытое обращение"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			before := incident(t, e, tt.inc.ID)
			res := b.submit("/operator", "/incidents/"+tt.inc.Number+"/act", tt.form)
			if res.Status != http.StatusSeeOther {
				t.Fatalf("status %d", res.Status)
			}
			card := b.get(res.Header.Get("Location"))
			if !strings.Contains(card.Body, tt.want) || !strings.Contains(card.Body, "flash-error") {
				t.Fatalf("no error %q on %s", tt.want, res.Header.Get("Location"))
			}
			if after := incident(t, e, tt.inc.ID); after.Status != before.Status || after.UpdatedAt != before.UpdatedAt {
				t.Fatal("a refused action changed the incident")
			}
		})
	}
	// A rejected incident's card offers to restore it, and restoring puts it back in the queue.
	if card := b.get("/incidents/" + incs[1].Number); !strings.Contains(card.Body, `value="restore"`) {
		t.Fatal("no restore on a rejected incident")
	}
	if res := b.submit("/incidents/"+incs[1].Number, "/incidents/"+incs[1].Number+"/act", url.Values{"action": {"restore"}}); res.Status != http.StatusSeeOther ||
		incident(t, e, incs[1].ID).Status != model.StatusNew || lastEvent(t, e, incs[1].ID).Type != "restore" {
		t.Fatal("restore did not put the incident back")
	}
	// An open redirect is not followed.
	res := b.submit("/operator", "/incidents/"+incs[3].Number+"/act", url.Values{"action": {"set_priority"}, "priority": {"high"}, "back": {"//evil.example/"}})
	if loc := res.Header.Get("Location"); loc != "/incidents/"+incs[3].Number {
		t.Fatalf("back to %q", loc)
	}
}

func TestOperatorBulk(t *testing.T) {
	e := newEnv(t)
	incs := newIncidents(t, e, 4)
	b := e.browser(t)
	b.login("operator")
	id := func(i int) string { return strconv.FormatInt(incs[i].ID, 10) }
	res := b.submit("/operator", "/operator/bulk", url.Values{"action": {"reject"}, "reason": {"дубли из рассылки"}, "id": {id(0), id(1)}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/operator" {
		t.Fatalf("bulk reject: %d %s", res.Status, res.Header.Get("Location"))
	}
	for _, i := range []int{0, 1} {
		if got := incident(t, e, incs[i].ID); got.Status != model.StatusRejected || got.RejectReason != "дубли из рассылки" {
			t.Fatalf("incident %s: %s %q", got.Number, got.Status, got.RejectReason)
		}
	}
	if !strings.Contains(b.get("/operator").Body, "Отклонено обращений: <strong>2</strong>") {
		t.Fatal("no bulk flash")
	}
	ex := anExecutor(t, e, incs[2])
	res = b.submit("/operator", "/operator/bulk", url.Values{"action": {"assign"}, "executor_id": {strconv.FormatInt(ex.ID, 10)}, "id": {id(2), id(3), id(0)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("bulk assign: %d", res.Status)
	}
	for _, i := range []int{2, 3} {
		if got := incident(t, e, incs[i].ID); got.Status != model.StatusAssigned || got.ExecutorID != ex.ID {
			t.Fatalf("incident %s: %s to %d", got.Number, got.Status, got.ExecutorID)
		}
		if ev := lastEvent(t, e, incs[i].ID); ev.Type != "assign" {
			t.Fatalf("last event %s", ev.Type)
		}
	}
	// incs[0] was rejected: the bulk action reports the one it could not do.
	if page := b.get("/operator").Body; !strings.Contains(page, "части обращений") || !strings.Contains(page, "1/3") {
		t.Fatal("no partial-failure flash")
	}
	if res := b.submit("/operator", "/operator/bulk", url.Values{"action": {"reject"}, "reason": {"x"}}); res.Status != http.StatusSeeOther ||
		!strings.Contains(b.get("/operator").Body, "Не выбрано ни одного") {
		t.Fatal("an empty selection is not reported")
	}
}

// The queue shows what the operator decides on: text, source, author, analysis, the routing suggestion, merge
// candidates; and the live stream sends a message that arrives after the page was opened.
func TestOperatorQueueAndLiveStream(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	b.login("operator")
	page := b.get("/operator")
	for _, want := range []string{"Очередь разбора", `name="csrf_token"`, "Маршрутизация", `data-events="/operator/events"`, `form="bulk"`} {
		if !strings.Contains(page.Body, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	var after int64
	for _, inc := range newIncidents(t, e, 0) {
		after = max(after, inc.ID)
	}
	if m := regexp.MustCompile(`data-after="(\d+)"`).FindStringSubmatch(page.Body); m == nil || m[1] != strconv.FormatInt(after, 10) {
		t.Fatalf("the page's newest id: %v, want %d", m, after)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", e.ts.URL+"/operator/events/"+strconv.FormatInt(after, 10), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if ct := res.Header.Get("Content-Type"); res.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("stream: %d %s", res.StatusCode, ct)
	}
	msg := model.Message{Source: "vk", ExternalID: "live-test-1", Author: "Пётр Сомов", Text: "Третий день не вывозят мусор с площадки у дома 12 на улице Лесной, контейнеры переполнены.",
		URL: "https://vk.com/wall-1_77", PostedAt: e.clock.Now(), ReceivedAt: e.clock.Now()}
	results, err := e.pipe.Submit(ctx, []model.Message{msg})
	if err != nil || len(results) != 1 {
		t.Fatalf("submit: %v %v", results, err)
	}
	id, data := firstIncidentEvent(t, res.Body)
	inc, err := e.st.Incident(context.Background(), results[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if id != strconv.FormatInt(inc.ID, 10) {
		t.Fatalf("event id %s, want %d", id, inc.ID)
	}
	for _, want := range []string{inc.Number, "Пётр Сомов", "https://vk.com/wall-1_77", "контейнеры переполнены", `name="csrf_token"`} {
		if !strings.Contains(data.String(), want) {
			t.Errorf("streamed row lacks %q:\n%s", want, data.String())
		}
	}
}

// firstIncidentEvent reads a Server-Sent Events stream up to its first "incident" event and returns its id
// and data.
func firstIncidentEvent(t *testing.T, body io.Reader) (string, strings.Builder) {
	t.Helper()
	sc := bufio.NewScanner(body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	var event, id string
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "event: "):
			event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "id: "):
			id = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "data: "):
			data.WriteString(strings.TrimPrefix(line, "data: ") + "\n")
		}
		if line == "" && event == "incident" {
			return id, data
		}
	}
	t.Fatalf("no incident event before the stream ended: %v", sc.Err())
	return "", data
}

// A server's write timeout does not cut the live stream short, and a message posted long ago but fetched only
// now still reaches the live queue.
func TestOperatorStreamOutlivesWriteTimeout(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewUnstartedServer(e.srv)
	ts.Config.WriteTimeout = 300 * time.Millisecond
	ts.Start()
	t.Cleanup(ts.Close)
	b := e.browser(t)
	b.e = &env{st: e.st, svc: e.svc, pipe: e.pipe, srv: e.srv, ts: ts, clock: e.clock}
	b.login("operator")
	var after int64
	for _, inc := range newIncidents(t, e, 0) {
		after = max(after, inc.ID)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, "GET", ts.URL+"/operator/events/"+strconv.FormatInt(after, 10), nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	time.Sleep(time.Second) // past the write timeout
	now := e.clock.Now()
	results, err := e.pipe.Submit(ctx, []model.Message{{Source: "telegram", ExternalID: "late-1", Author: "Олег", Text: "На остановке у рынка разбито стекло павильона, осколки лежат на тротуаре.",
		PostedAt: now.Add(-30 * 24 * time.Hour), ReceivedAt: now}})
	if err != nil {
		t.Fatal(err)
	}
	if id, _ := firstIncidentEvent(t, res.Body); id != strconv.FormatInt(results[0].IncidentID, 10) {
		t.Fatalf("event id %s, want %d", id, results[0].IncidentID)
	}
}

// The flash cookie comes from the visitor: whatever it holds, only known operator messages are shown.
func FuzzTakeFlash(f *testing.F) {
	e := &Server{msgs: catalogue{"operator.flash.assign": {"a", "b"}}}
	f.Add("ok|operator.flash.assign|38-2026-000001")
	f.Add("err|status.new|x")
	f.Add("%zz")
	f.Fuzz(func(t *testing.T, v string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: flashCookie, Value: url.QueryEscape(v)})
		got := e.takeFlash(httptest.NewRecorder(), r)
		if got.Key != "" && got.Key != "operator.flash.assign" {
			t.Fatalf("flash %q shown from %q", got.Key, v)
		}
	})
}

// The card shows the thread, the history in words and the deadline counting down, and the actions of the
// viewer's role only.
func TestIncidentCard(t *testing.T) {
	e := newEnv(t)
	inc := newIncidents(t, e, 1)[0]
	op := e.browser(t)
	op.login("operator")
	card := op.get("/incidents/" + inc.Number)
	if card.Status != 200 {
		t.Fatalf("card: %d", card.Status)
	}
	for _, want := range []string{inc.Number, "Сообщения", "История", "обращение создано", "осталось", `value="assign"`, `value="set_priority"`} {
		if !strings.Contains(card.Body, want) {
			t.Errorf("operator's card lacks %q", want)
		}
	}
	// Assign to the executor of the demo executor user, who then sees Accept and Decline.
	u, _, err := e.st.UserByLogin(context.Background(), "school19")
	if err != nil {
		t.Fatal(err)
	}
	res := op.submit("/incidents/"+inc.Number, "/incidents/"+inc.Number+"/act", url.Values{"action": {"assign"}, "executor_id": {strconv.FormatInt(u.ExecutorID, 10)}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("assign: %d", res.Status)
	}
	if !strings.Contains(op.get("/incidents/"+inc.Number).Body, "передано исполнителю") {
		t.Fatal("the history does not word the assignment")
	}
	ex := e.browser(t)
	ex.login("school19")
	card = ex.get("/incidents/" + inc.Number)
	if card.Status != 200 || !strings.Contains(card.Body, `value="accept"`) || strings.Contains(card.Body, `value="set_priority"`) {
		t.Fatalf("executor's card: %d", card.Status)
	}
	res = ex.submit("/incidents/"+inc.Number, "/incidents/"+inc.Number+"/act", url.Values{"action": {"accept"}})
	if res.Status != http.StatusSeeOther || incident(t, e, inc.ID).Status != model.StatusInWork {
		t.Fatalf("accept: %d", res.Status)
	}
	if card := ex.get("/incidents/" + inc.Number); !strings.Contains(card.Body, "/desk/incidents/"+inc.Number) {
		t.Fatal("no link to the answer editor")
	}
	sup := e.browser(t)
	sup.login("curator")
	if card := sup.get("/incidents/" + inc.Number); card.Status == 200 && strings.Contains(card.Body, `name="action"`) {
		t.Fatal("a supervisor is offered actions")
	}
	// Past the deadline the card says by how much.
	e.clock.Advance(60 * 24 * time.Hour)
	op = e.browser(t) // the sessions have expired meanwhile
	op.login("operator")
	if card := op.get("/incidents/" + inc.Number); !strings.Contains(card.Body, "просрочено на") {
		t.Fatal("no overdue countdown")
	}
}

func TestIncidentListFilters(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	b.login("operator")
	all := b.get("/incidents")
	if all.Status != 200 || !strings.Contains(all.Body, "<table") {
		t.Fatalf("list: %d", all.Status)
	}
	inc := newIncidents(t, e, 1)[0]
	res := b.get("/incidents?status=new")
	if !strings.Contains(res.Body, inc.Number) {
		t.Fatal("the new incident is not listed under status new")
	}
	if res := b.get("/incidents?status=resolved"); strings.Contains(res.Body, inc.Number) {
		t.Fatal("the new incident is listed under status resolved")
	}
	for _, bad := range []string{"status=nonsense", "sort=sideways", "from=26.11.2026", "cursor=%21%21"} {
		if res := b.get("/incidents?" + bad); res.Status != http.StatusBadRequest || !strings.Contains(res.Body, "flash-error") {
			t.Errorf("%s: %d", bad, res.Status)
		}
	}
	// Cursor pagination walks every incident once.
	seen := map[string]bool{}
	next := "/incidents?sort=created"
	for pages := 0; next != ""; pages++ {
		if pages > 20 {
			t.Fatal("pagination does not end")
		}
		res := b.get(next)
		for _, m := range listNumberRe.FindAllStringSubmatch(res.Body, -1) {
			if seen[m[1]] {
				t.Fatalf("%s on two pages", m[1])
			}
			seen[m[1]] = true
		}
		next = ""
		if m := listNextRe.FindStringSubmatch(res.Body); m != nil {
			next = strings.ReplaceAll(m[1], "&amp;", "&")
		}
	}
	n, err := e.st.CountRows(context.Background(), "incidents")
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Fatalf("pagination listed %d incidents of %d", len(seen), n)
	}
}

// The card makes the same number of statements however long the incident's history is.
func TestIncidentCardQueries(t *testing.T) {
	e, counter := countingEnv(t, 40)
	inc := newIncidents(t, e, 1)[0]
	b := e.browser(t)
	b.login("operator")
	count := func() int64 {
		b.get("/incidents/" + inc.Number)
		counter.Reset()
		if res := b.get("/incidents/" + inc.Number); res.Status != 200 {
			t.Fatalf("card: %d", res.Status)
		}
		return counter.Count()
	}
	before := count()
	for _, p := range []string{"high", "urgent", "normal", "high"} {
		if _, err := e.svc.Act(context.Background(), model.ActorOf(model.User{ID: 0, Login: "operator", Role: model.RoleOperator}), inc.ID, model.ActSetPriority, model.ActionArgs{Priority: model.Priority(p)}); err != nil {
			t.Fatal(err)
		}
	}
	after := count()
	t.Logf("incident card: %d statements", after)
	if before != after || after > 30 {
		t.Fatalf("card statements: %d with a short history, %d with a long one", before, after)
	}
}

func TestCountdown(t *testing.T) {
	tests := []struct {
		d    time.Duration
		lang string
		want string
		over bool
	}{
		{3*time.Hour + 20*time.Minute, "ru", "осталось 3 ч 20 мин", false},
		{2*24*time.Hour + 5*time.Hour + 10*time.Minute, "ru", "осталось 2 д 5 ч", false},
		{40 * time.Second, "ru", "осталось 1 мин", false},
		{0, "ru", "осталось 0 мин", false},
		{-(90 * time.Minute), "ru", "просрочено на 1 ч 30 мин", true},
		{-(5 * time.Hour), "ru", "просрочено на 5 ч", true},
		{3*time.Hour + 20*time.Minute, "en", "3 h 20 min left", false},
		{-(26 * time.Hour), "en", "overdue by 1 d 2 h", true},
	}
	for _, tt := range tests {
		got, over := countdown(tt.d, tt.lang)
		if got != tt.want || over != tt.over {
			t.Errorf("countdown(%v, %s) = %q, %v; want %q, %v", tt.d, tt.lang, got, over, tt.want, tt.over)
		}
	}
}

// Every value the pages word through opKey has its message.
func TestOperatorMessages(t *testing.T) {
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, p := range []model.Priority{model.PriorityNormal, model.PriorityHigh, model.PriorityUrgent} {
		keys = append(keys, opKey("priority", string(p)))
	}
	for _, k := range []string{"appeal", "gratitude", "other"} {
		keys = append(keys, opKey("kind", k))
	}
	for _, k := range []model.AnswerKind{model.AnswerInterim, model.AnswerFinal} {
		keys = append(keys, opKey("answer.kind", string(k)))
	}
	for _, s := range []model.AnswerState{model.AnswerDraft, model.AnswerOnReview, model.AnswerReturned, model.AnswerApproved, model.AnswerPublished, model.AnswerPublishFailed} {
		keys = append(keys, opKey("answer.state", string(s)))
	}
	for _, ev := range knownEvents {
		keys = append(keys, opKey("event", strings.ReplaceAll(ev, ".", "_")))
	}
	for _, a := range model.IncidentActions {
		keys = append(keys, opKey("flash", string(a)))
	}
	for _, f := range []string{"action", "reason", "executor_id", "target_id", "category_id", "priority"} {
		keys = append(keys, opKey("err.field", f))
	}
	keys = append(keys, opKey("bulk", "reject"), opKey("bulk", "assign"))
	for _, k := range keys {
		if _, ok := c[k]; !ok {
			t.Errorf("message %q missing", k)
		}
	}
}

var (
	listNumberRe = regexp.MustCompile(`<td><a href="/incidents/([^"]+)">`)
	listNextRe   = regexp.MustCompile(`<a href="(/incidents\?[^"]+)">`)
)

// BenchmarkOperatorPages renders the operator's pages through the whole handler (headers, session look-up,
// queries, template) at benchIncidents (100,000 by default) incidents, signed in as the demo operator, on every backend of benchBackends.
func BenchmarkOperatorPages(b *testing.B) {
	for _, be := range benchBackends(b) {
		b.Run(be.Name, func(b *testing.B) { benchOperatorPages(b, newBenchEnvOn(b, benchIncidents(b), be)) })
	}
}

func benchOperatorPages(b *testing.B, e *benchEnv) {
	cookies := e.session(b, "operator")
	page, err := e.st.ListIncidents(context.Background(), store.IncidentFilter{Statuses: []model.Status{model.StatusInWork}, Limit: 1, Now: e.now})
	if err != nil || len(page.Items) == 0 {
		b.Fatalf("no incident in work: %v", err)
	}
	card := "/incidents/" + page.Items[0].Number
	for _, p := range []struct{ name, path string }{
		{"queue", "/operator"},
		{"incidents", "/incidents"},
		{"incidents by deadline", "/incidents?sort=due&status=in_work"},
		{"incidents overdue in a territory", "/incidents?overdue=1&territory=1"},
		{"incidents words", "/incidents?q=" + url.QueryEscape("отопление подъезд")},
		{"incidents one word", "/incidents?q=" + url.QueryEscape("отопление")},
		{"card", card},
	} {
		e.benchPage(b, p.name, p.path, cookies)
	}
}

// TestOperatorShowsHistory: when the region's history names another executor for an incident's territory and
// category than the router chose, the queue shows it beside the decision.
func TestOperatorShowsHistory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	adm, _, err := e.st.UserByLogin(ctx, "adm.irkutsk")
	if err != nil {
		t.Fatal(err)
	}
	refs, err := e.svc.Refs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admEx, _ := refs.ExecutorByID(adm.ExecutorID)
	var x model.Incident
	for _, inc := range newIncidents(t, e, 0) {
		d, err := e.svc.Suggest(ctx, inc, nil)
		serves := len(admEx.Territories) == 0 || slices.Contains(admEx.Territories, inc.TerritoryOKTMO)
		if err == nil && serves && inc.CategoryCode != "" && inc.TerritoryOKTMO != "" && d.Executor != "" && d.Executor != admEx.Code {
			x = inc
			break
		}
	}
	if x.ID == 0 {
		t.Fatal("the demo has no new incident in the city administration's territory routed to another executor")
	}
	mod, _, err := e.st.UserByLogin(ctx, "moderator")
	if err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		res, err := e.svc.Intake(ctx, []model.Message{{Source: "reception", ExternalID: fmt.Sprintf("hist-%d", i), Text: "Тестовое обращение для истории маршрутизации",
			Category: x.CategoryCode, Territory: x.TerritoryOKTMO, PostedAt: e.clock.Now(), ReceivedAt: e.clock.Now()}})
		if err != nil {
			t.Fatal(err)
		}
		a := e.approvedFinal(t, res[0].IncidentID, "Работы выполнены 25 ноября, территория очищена, фото приложено.")
		if _, err := e.svc.AnswerAct(ctx, model.ActorOf(mod), a.ID, model.AnsPublish, workflow.AnswerArgs{}); err != nil {
			t.Fatal(err)
		}
	}
	b := e.browser(t)
	b.login("operator")
	want := "по истории обращений чаще отвечает: " + admEx.Name
	if page := b.get("/operator"); strings.Contains(page.Body, want) {
		t.Fatal("the history shows before it is learned")
	}
	if err := e.svc.RefreshRoutingHistory(ctx); err != nil {
		t.Fatal(err)
	}
	page := b.get("/operator")
	i := strings.Index(page.Body, `id="inc-`+strconv.FormatInt(x.ID, 10)+`"`)
	if i < 0 {
		t.Fatalf("incident %s is not in the queue", x.Number)
	}
	row := page.Body[i:]
	if j := strings.Index(row[1:], `<li class="op-item`); j > 0 {
		row = row[:j+1]
	}
	if !strings.Contains(row, want) {
		t.Fatalf("the row of %s lacks %q:\n%s", x.Number, want, row)
	}
	if card := b.get("/incidents/" + x.Number); card.Status != http.StatusOK || !strings.Contains(card.Body, want) {
		t.Fatalf("the card of %s (%d) lacks %q", x.Number, card.Status, want)
	}
}
