package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/workflow"
)

// The whole path, end to end, through the real product: a resident writes through the reception and another
// comments on the community's VK wall (the real Callback API hook); the operator sees both arrive in the triage
// queue, sets a category and assigns them; the executor accepts them, answers one in the editor watching the
// grades and the formal-reply warning follow the text, the moderator returns it with a comment, the executor
// fixes it, the moderator approves it and the outbox posts it to VK (a fake VK API that speaks VK's wire format)
// with the invitation to rate; the reception answer is published in place; the reception's resident reads it on
// the tracking page and rates it, the VK resident follows the link under the reply and rates theirs; and the
// supervisor's dashboard counts it all.
func TestBrowserWholePath(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	const (
		territory = "25701000" // Irkutsk
		executor  = "adm.irkutsk"
	)
	exUser, _, err := a.Store.UserByLogin(ctx, executor)
	if err != nil {
		t.Fatal(err)
	}
	refs, err := a.Svc.Refs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lighting, ok1 := refs.CategoryByCode("blago.lighting")
	lights, ok2 := refs.CategoryByCode("roads.signs_lights")
	if !ok1 || !ok2 {
		t.Fatal("the demo has no blago.lighting or roads.signs_lights category")
	}

	// The supervisor's figures before anything happens.
	sup := a.newBrowser(t)
	sup.login("curator")
	sup.open("/dashboard?period=week")
	sup.waitVisible(".dash-figures")
	before := dashFigures(sup)
	sup.screenshot("dashboard-before")

	// The operator has the triage queue open.
	op := a.newBrowser(t)
	op.login("operator")
	op.open("/operator")
	op.waitVisible("#queue")

	// 1a. A resident writes through the public reception.
	res := a.newBrowser(t)
	res.open("/reception")
	res.fill("#name", "Тамара Ильинична Кольцова")
	res.fill("#phone", "+7 914 555-20-47")
	res.choose("#territory", territory)
	res.fill("#address", "ул. Лермонтова, 81")
	// The resident does not know the topic, and the text names two problems: the classifier is not sure, so the
	// appeal waits for the operator instead of being routed automatically.
	res.fill("#text", "Здравствуйте. У дома по ул. Лермонтова, 81 после замены труб разрыли тротуар у перехода и сломали "+
		"кнопку пешеходного светофора, а яму так и не закопали. Кто за это отвечает?")
	res.click("#consent")
	res.screenshot("reception-form")
	res.click("#reception-form button[type=submit]")
	res.waitVisible("#number")
	recNumber := res.text("#number")
	trackLink := res.text("#track-link")
	if !strings.HasPrefix(trackLink, a.URL+"/reception/track/") {
		t.Fatalf("tracking link %q", trackLink)
	}
	res.screenshot("reception-confirmation")
	recInc, err := a.Store.IncidentByNumber(ctx, recNumber)
	if err != nil {
		t.Fatal(err)
	}

	// 1b. A resident comments on the community's wall: VK calls the Callback API hook with the source's secret.
	const (
		postID    = 1204
		commentID = 5471
		vkUser    = 58213907
	)
	owner := -a.VKSrc.Config.GroupID
	vkText := "Добрый вечер! На улице Сибирских Партизан у дома 14 уже неделю не горят фонари вдоль дорожки к остановке, " +
		"вечером идти страшно. Куда обращаться?"
	payload, err := json.Marshal(map[string]any{
		"type": "wall_reply_new",
		"object": map[string]any{"id": commentID, "from_id": vkUser, "post_id": postID, "owner_id": owner, "parents_stack": []int64{},
			"date": time.Now().Unix(), "text": vkText, "thread": map[string]any{"count": 0}, "post_owner_id": owner},
		"group_id": a.VKSrc.Config.GroupID, "event_id": "3f5e0c1a9b7d2e4f6a8c0b1d3e5f7a9c2b4d6e8f", "v": "5.199",
		"secret": a.VKSrc.Config.Secret,
	})
	if err != nil {
		t.Fatal(err)
	}
	hookURL := a.URL + "/hooks/vk/" + a.VKSrc.Code
	// Without the secret VK's request is refused, and nothing is taken in.
	forged := bytes.Replace(payload, []byte(a.VKSrc.Config.Secret), []byte("not-the-secret"), 1)
	if code, body := postHook(t, hookURL, forged); code != http.StatusForbidden {
		t.Fatalf("hook without the secret: %d %q", code, body)
	}
	if code, body := postHook(t, hookURL, payload); code != http.StatusOK || body != "ok" {
		t.Fatalf("hook: %d %q", code, body)
	}
	vkMsg, err := a.Store.Message(ctx, a.VKSrc.Code, fmt.Sprintf("comment:%d_%d_%d", owner, postID, commentID))
	if err != nil {
		t.Fatal(err)
	}
	vkInc, err := a.Store.Incident(ctx, vkMsg.IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if recInc.Status != model.StatusNew || vkInc.Status != model.StatusNew || recInc.ID == vkInc.ID {
		t.Fatalf("the messages became %s %s and %s %s, want two new incidents in the triage queue "+
			"(if the analyzer now routes them by itself, make the test texts less clear-cut)",
			recInc.Number, recInc.Status, vkInc.Number, vkInc.Status)
	}

	// 2. Both appear in the operator's queue as they arrive; the operator triages and assigns them.
	recRow, vkRow := fmt.Sprintf("#inc-%d", recInc.ID), fmt.Sprintf("#inc-%d", vkInc.ID)
	op.waitVisible(recRow)
	op.waitVisible(vkRow)
	if got := op.text(vkRow + " .op-text"); !strings.Contains(got, "Сибирских Партизан") {
		t.Fatalf("the VK row reads %q", got)
	}
	if got := op.text(vkRow + " .op-meta"); !strings.Contains(got, a.VKSrc.Code) {
		t.Fatalf("the VK row does not name its source: %q", got)
	}
	op.screenshot("operator-queue")

	category := map[int64]int64{vkInc.ID: lighting.ID, recInc.ID: lights.ID}
	for _, inc := range []model.Incident{vkInc, recInc} {
		row := fmt.Sprintf("#inc-%d", inc.ID)
		op.waitVisible(row)
		op.click(row + " details summary")
		op.choose(fmt.Sprintf("#cat-%d", inc.ID), strconv.FormatInt(category[inc.ID], 10))
		op.click(fmt.Sprintf("#cat-%d ~ button", inc.ID))
		waitFlash(op, inc.Number, "Категория исправлена")
		op.waitVisible(row)
		op.click(row + " details summary")
		op.choose(fmt.Sprintf("#ex-%d", inc.ID), strconv.FormatInt(exUser.ExecutorID, 10))
		op.click(fmt.Sprintf("#ex-%d ~ button", inc.ID))
		waitFlash(op, inc.Number, "передано исполнителю")
	}
	op.screenshot("operator-triaged")
	for _, inc := range []model.Incident{vkInc, recInc} {
		after, err := a.Store.Incident(ctx, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Status != model.StatusAssigned || after.ExecutorID != exUser.ExecutorID {
			t.Fatalf("%s after triage: %s, executor %d", inc.Number, after.Status, after.ExecutorID)
		}
		if after.CategoryID != category[inc.ID] {
			t.Fatalf("%s category %d, want %d", inc.Number, after.CategoryID, category[inc.ID])
		}
	}

	// 3. The executor accepts both on the desk.
	ex := a.newBrowser(t)
	ex.login(executor)
	ex.open("/desk")
	ex.waitVisible("#desk-list")
	ex.screenshot("desk")
	for _, inc := range []model.Incident{vkInc, recInc} {
		row := "#desk-" + inc.Number
		ex.waitVisible(row)
		ex.click(row + " form button.primary")
		waitGone(ex, row+" form button.primary")
		waitText(ex, row, "в работе")
	}
	// An executor cannot open the moderator's page.
	ex.open("/moderation")
	ex.waitVisible(".error-panel")
	if got := ex.text(".error-panel"); !strings.Contains(got, "403") || !strings.Contains(got, "недоступна для вашей роли") {
		t.Fatalf("executor on /moderation: %q", got)
	}

	// 4. The VK incident: the editor grades the text as it is typed.
	ex.open("/desk")
	ex.click("#desk-" + vkInc.Number + " a[href='/desk/incidents/" + vkInc.Number + "']")
	ex.waitVisible("#answer-text")
	if got := ex.text("#status"); !strings.Contains(got, "в работе") {
		t.Fatalf("status in the editor: %q", got)
	}
	ex.click("#answer-form input[name=kind][value=final]")
	grades := func() [3]string {
		return [3]string{ex.text("#grade-prompt"), ex.text("#grade-plain"), ex.text("#grade-informative")}
	}
	empty := grades()
	ex.fill("#answer-text", "Ваше обращение рассмотрено. Информация принята к сведению.")
	const looksFormal, notFormal = "Похоже на формальную отписку", "Не формальная отписка"
	if formal := waitTextChange(ex, "#grade-formal", ""); formal != looksFormal {
		t.Fatalf("formal-reply line for a formal text: %q", formal)
	}
	vague := grades()
	for i, g := range vague {
		if g == empty[i] || g == "—" || g == "" {
			t.Fatalf("grade %d did not follow the text: %q, was %q", i, g, empty[i])
		}
	}
	ex.screenshot("editor-formal")
	ex.fill("#answer-text", "У дома 14 на улице Сибирских Партизан бригада горсвета заменила кабель и шесть светильников вдоль "+
		"дорожки к остановке, фонари горят с 17:00 до 8:00. Если освещение снова пропадёт, звоните в диспетчерскую "+
		"горсвета по телефону 8 (3952) 52-01-17.")
	concrete := waitTextChange(ex, "#grade-informative", vague[2])
	if v, c := atoi(t, vague[2]), atoi(t, concrete); c <= v {
		t.Fatalf("informativeness went from %d to %d for a concrete answer", v, c)
	}
	if got := waitTextChange(ex, "#grade-formal", looksFormal); got != notFormal {
		t.Fatalf("formal-reply line for a concrete text: %q", got)
	}
	t.Logf("grades (promptness, plain language, informativeness): %v for the formal text, %v for the concrete one", vague, grades())
	ex.screenshot("editor-concrete")
	ex.click("#submit")
	ex.waitVisible(".flash")
	vkAns := latest(t, a, vkInc.ID)
	if vkAns.State != model.AnswerOnReview {
		t.Fatalf("after submit: %s (flash %q)", vkAns.State, ex.text(".flash"))
	}

	// 5. The moderator returns it with a comment.
	mod := a.newBrowser(t)
	mod.login("moderator")
	mod.open("/moderation")
	item := fmt.Sprintf("#mod-%d", vkAns.ID)
	mod.waitVisible(item)
	if got := mod.text(item + " .mod-answer"); !strings.Contains(got, "Сибирских Партизан") {
		t.Fatalf("the moderator reads %q", got)
	}
	mod.screenshot("moderation")
	comment := "Укажите, когда мастер проверит линию после замены."
	mod.fill(fmt.Sprintf("#comment-%d", vkAns.ID), comment)
	mod.click(fmt.Sprintf("#return-%d", vkAns.ID))
	mod.waitVisible(".flash")
	if vkAns = latest(t, a, vkInc.ID); vkAns.State != model.AnswerReturned || vkAns.ReviewComment != comment {
		t.Fatalf("after return: %s %q", vkAns.State, vkAns.ReviewComment)
	}

	// 6. The executor reads the comment, fixes the answer and sends it again.
	ex.open("/desk/incidents/" + vkInc.Number)
	ex.waitVisible("#editor .desk-review")
	if got := ex.text("#editor .desk-review"); !strings.Contains(got, comment) {
		t.Fatalf("the editor shows %q, not the moderator's comment", got)
	}
	ex.screenshot("editor-returned")
	fixed := "У дома 14 на улице Сибирских Партизан бригада горсвета заменила кабель и шесть светильников вдоль дорожки " +
		"к остановке, фонари горят с 17:00 до 8:00. Мастер участка проверит линию повторно через неделю, в понедельник. " +
		"Если освещение снова пропадёт, звоните в диспетчерскую горсвета по телефону 8 (3952) 52-01-17."
	ex.fill("#answer-text", fixed)
	ex.click("#submit")
	ex.waitVisible(".flash")
	if vkAns = latest(t, a, vkInc.ID); vkAns.State != model.AnswerOnReview || vkAns.Text != fixed {
		t.Fatalf("after resubmit: %s %q", vkAns.State, vkAns.Text)
	}

	// 7. The reception incident: a final answer, sent for review at once.
	ex.open("/desk/incidents/" + recInc.Number)
	ex.waitVisible("#answer-text")
	ex.click("#answer-form input[name=kind][value=final]")
	recText := "У дома по ул. Лермонтова, 81 подрядчик заменил кнопку вызова пешеходного светофора, сигнал для пешеходов " +
		"работает; траншею у перехода засыпали, тротуар заасфальтирован. Если светофор снова откажет, сообщите дежурному " +
		"по телефону 8 (3952) 52-00-00."
	ex.fill("#answer-text", recText)
	waitTextChange(ex, "#grade-formal", "")
	ex.click("#submit")
	ex.waitVisible(".flash")
	recAns := latest(t, a, recInc.ID)
	if recAns.State != model.AnswerOnReview {
		t.Fatalf("reception answer after submit: %s", recAns.State)
	}

	// 8. The moderator approves both; the outbox publishes them.
	mod.open("/moderation")
	for _, id := range []int64{vkAns.ID, recAns.ID} {
		mod.waitVisible(fmt.Sprintf("#mod-%d", id))
		mod.click(fmt.Sprintf("#approve-%d", id))
		waitGone(mod, fmt.Sprintf("#mod-%d", id))
	}

	// The VK answer goes out through wall.createComment, once, as a reply to the resident's comment.
	vkAns = waitPublished(t, a, vkAns.ID)
	calls := a.VK.Calls()
	if len(calls) != 1 {
		t.Fatalf("the VK API got %d calls, want 1: %+v", len(calls), calls)
	}
	c := calls[0]
	want := map[string]string{"owner_id": strconv.FormatInt(owner, 10), "post_id": strconv.Itoa(postID),
		"reply_to_comment": strconv.Itoa(commentID), "access_token": a.VKSrc.Config.Token,
		"from_group": strconv.FormatInt(a.VKSrc.Config.GroupID, 10)}
	if c.Method != "wall.createComment" || !strings.HasPrefix(c.ContentType, "application/x-www-form-urlencoded") {
		t.Fatalf("VK call %s with %s", c.Method, c.ContentType)
	}
	for k, v := range want {
		if got := c.Params.Get(k); got != v {
			t.Errorf("wall.createComment %s = %q, want %q", k, got, v)
		}
	}
	// The reply is the approved text and the invitation to rate it, with the link to the rating page.
	vkReply := c.Params.Get("message")
	vkText, rateLink, found := strings.Cut(vkReply, "\n\n"+outbox.RateInvitation)
	if !found || vkText != fixed || !strings.HasPrefix(rateLink, a.URL+workflow.RatePagePath) {
		t.Fatalf("wall.createComment message %q: want the answer, then the invitation to rate", vkReply)
	}
	if c.Params.Get("guid") == "" || c.Params.Get("v") == "" {
		t.Errorf("wall.createComment without guid or v: %v", c.Params)
	}
	if wantExt := fmt.Sprintf("comment:%d_%d_%d", owner, postID, c.CommentID); vkAns.ExternalID != wantExt {
		t.Fatalf("published VK answer's external id %q, want %q", vkAns.ExternalID, wantExt)
	}
	// The reception answer is published in place.
	recAns = waitPublished(t, a, recAns.ID)
	if n := len(a.VK.Calls()); n != 1 {
		t.Fatalf("the reception answer went to VK too: %d calls", n)
	}
	mod.open("/moderation?tab=published")
	mod.waitVisible(".desk-table")
	if got := mod.text(".desk-table"); !strings.Contains(got, vkInc.Number) || !strings.Contains(got, recInc.Number) {
		t.Fatalf("published list: %q", got)
	}
	mod.screenshot("moderation-published")

	// 9. The resident follows the secret link, reads the answer and rates it.
	res.open(strings.TrimPrefix(trackLink, a.URL))
	res.waitVisible(fmt.Sprintf("#answer-%d", recAns.ID))
	if got := res.text(fmt.Sprintf("#answer-%d p:not(.meta)", recAns.ID)); got != recText {
		t.Fatalf("the tracking page shows %q", got)
	}
	if got := res.text("#status"); !strings.Contains(got, "решено") {
		t.Fatalf("status on the tracking page: %q", got)
	}
	res.screenshot("tracking-answer")
	res.click("input[name=score][value='5']")
	res.click("input[name=solved][value=yes]")
	res.fill(fmt.Sprintf("#comment-%d", recAns.ID), "Спасибо, светофор работает.")
	res.click("form[action$='/rate'] button[type=submit]")
	res.waitVisible(".success")
	if got := res.text("main"); !strings.Contains(got, "Ваша оценка: 5 из 5") {
		t.Fatalf("after rating: %q", got)
	}
	res.screenshot("tracking-rated")

	// 9b. The resident who wrote on the VK wall follows the link under the reply and rates the answer too.
	vkRes := a.newBrowser(t)
	vkRes.open(strings.TrimPrefix(rateLink, a.URL))
	vkRes.waitVisible(fmt.Sprintf("#answer-%d", vkAns.ID))
	if got := vkRes.text(fmt.Sprintf("#answer-%d p:not(.meta)", vkAns.ID)); got != fixed {
		t.Fatalf("the rating page shows %q", got)
	}
	if got := vkRes.text("main"); strings.Contains(got, "Сибирских Партизан у дома 14 уже неделю") {
		t.Fatal("the rating page shows the resident's own words")
	}
	vkRes.screenshot("rate-vk")
	vkRes.click("input[name=score][value='5']")
	vkRes.click("input[name=solved][value=yes]")
	vkRes.click("form[action^='/rate/'] button[type=submit]")
	vkRes.waitVisible(".success")
	if got := vkRes.text("main"); !strings.Contains(got, "Ваша оценка: 5 из 5") {
		t.Fatalf("after rating on the rating page: %q", got)
	}

	// 10. The supervisor's dashboard counts the two new appeals, the two answers and the rating.
	sup.open("/dashboard?period=week")
	sup.waitVisible(".dash-figures")
	after := dashFigures(sup)
	sup.screenshot("dashboard-after")
	for _, k := range []string{"Поступило", "Дан ответ"} {
		if b, f := figure(t, before, k), figure(t, after, k); f != b+2 {
			t.Errorf("%s: %v before, %v after, want two more", k, b, f)
		}
	}
	const sat = "Удовлетворённость"
	for _, k := range []string{"Поступило", "Дан ответ", sat, "Проблема решена"} {
		t.Logf("dashboard %s: %s → %s", k, before[k], after[k])
	}
	if before[sat] == "—" {
		if after[sat] != "5" {
			t.Errorf("%s after the only rating (5): %q", sat, after[sat])
		}
	} else if b, f := figure(t, before, sat), figure(t, after, sat); !(f > b) || f > 5 {
		t.Errorf("%s: %v before, %v after a rating of 5", sat, b, f)
	}
	if after["Проблема решена"] == before["Проблема решена"] && before["Проблема решена"] != "100 %" {
		t.Errorf("«Проблема решена» did not move: %q", after["Проблема решена"])
	}
}

// postHook sends a body to an inbound hook as VK does and returns the status and the body of the answer.
func postHook(t *testing.T, url string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, strings.TrimSpace(string(b))
}

// waitJS polls a JavaScript expression giving a string, on a page that has finished loading, until ok accepts
// its value, and returns it. Errors while the page is being replaced (a form was just sent) are waited out.
func waitJS(b *browser, what, js string, ok func(string) bool) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`document.readyState === "complete" ? (`+js+`) : "\u0000"`))
		if err == nil && got != "\x00" && ok(strings.TrimSpace(got)) {
			return strings.TrimSpace(got)
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("waited for %s in vain (last %q, %v)", what, got, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitFlash waits for the flash that reports an action on an incident (it names the incident and says what),
// and returns it.
func waitFlash(b *browser, number, what string) string {
	b.t.Helper()
	return waitJS(b, fmt.Sprintf("the flash «%s» naming %s", what, number), `(document.querySelector(".flash")||{}).textContent||""`,
		func(s string) bool { return strings.Contains(s, number) && strings.Contains(s, what) })
}

// waitText waits until the element matching sel contains want.
func waitText(b *browser, sel, want string) {
	b.t.Helper()
	waitJS(b, fmt.Sprintf("%q in %s", want, sel), fmt.Sprintf(`(document.querySelector(%s)||{}).textContent||""`, strconv.Quote(sel)),
		func(s string) bool { return strings.Contains(s, want) })
}

// waitGone waits until no element matches sel (after the page that had one was replaced).
func waitGone(b *browser, sel string) {
	b.t.Helper()
	waitJS(b, sel+" to go", fmt.Sprintf(`document.querySelector(%s) ? "" : "gone"`, strconv.Quote(sel)),
		func(s string) bool { return s == "gone" })
}

// dashFigures reads the dashboard's key figures: label → value as shown.
func dashFigures(b *browser) map[string]string {
	b.t.Helper()
	js := `JSON.stringify(Object.fromEntries(Array.from(document.querySelectorAll(".dash-figures .stat")).map(function (s) {
		return [s.querySelector("dt").textContent.trim(), s.querySelector("dd").textContent.trim()];
	})))`
	var m map[string]string
	if err := json.Unmarshal([]byte(eval[string](b, js)), &m); err != nil {
		b.t.Fatal(err)
	}
	if len(m) == 0 {
		b.t.Fatal("no figures on the dashboard")
	}
	return m
}

// figure parses a dashboard figure written the Russian way ("1 234", "4,5").
func figure(t *testing.T, m map[string]string, label string) float64 {
	t.Helper()
	s, ok := m[label]
	if !ok {
		t.Fatalf("no figure %q on the dashboard: %v", label, m)
	}
	s = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "\u2009", "", ",", ".").Replace(s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		t.Fatalf("figure %q = %q: %v", label, m[label], err)
	}
	return v
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		t.Fatalf("grade %q: %v", s, err)
	}
	return n
}
