package web_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// deskIncident finds (or, through the workflow, makes) an incident in work for the demo executor's organisation.
func deskIncident(t *testing.T, a *app, login string) model.Incident {
	t.Helper()
	ctx := context.Background()
	u, _, err := a.Store.UserByLogin(ctx, login)
	if err != nil {
		t.Fatal(err)
	}
	page, err := a.Store.ListIncidents(ctx, store.IncidentFilter{ExecutorID: u.ExecutorID, Statuses: []model.Status{model.StatusInWork}, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range page.Items {
		if as, err := a.Store.Answers(ctx, inc.ID); err == nil && len(as) == 0 {
			return inc
		}
	}
	op, _, err := a.Store.UserByLogin(ctx, "operator")
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := a.Store.ListIncidents(ctx, store.IncidentFilter{Statuses: []model.Status{model.StatusNew}, Limit: 1})
	if err != nil || len(fresh.Items) == 0 {
		t.Fatalf("no incident to hand to %s: %v", login, err)
	}
	inc, err := a.Svc.Act(ctx, model.ActorOf(op), fresh.Items[0].ID, model.ActAssign, model.ActionArgs{ExecutorID: u.ExecutorID})
	if err != nil {
		t.Fatal(err)
	}
	if inc, err = a.Svc.Act(ctx, model.ActorOf(u), inc.ID, model.ActAccept, model.ActionArgs{}); err != nil {
		t.Fatal(err)
	}
	return inc
}

// waitTextChange waits until the text of sel differs from was (the page changes it by script) and returns it.
func waitTextChange(b *browser, sel, was string) string {
	b.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		got := eval[string](b, fmt.Sprintf(`(document.querySelector(%s)||{}).textContent||""`, strconv.Quote(sel)))
		got = strings.TrimSpace(got)
		if got != was {
			return got
		}
		if time.Now().After(deadline) {
			b.t.Fatalf("%s still reads %q", sel, was)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func latest(t *testing.T, a *app, incID int64) model.Answer {
	t.Helper()
	as, err := a.Store.Answers(context.Background(), incID)
	if err != nil || len(as) == 0 {
		t.Fatalf("answers: %v %v", as, err)
	}
	return as[len(as)-1]
}

// The executor opens an incident, types an answer and sees the grades change, submits it; the moderator
// returns it with a comment; the executor fixes it and submits again; the moderator approves it.
func TestBrowserDeskAnswerReview(t *testing.T) {
	a := startApp(t)
	const login = "uk.baikalsky"
	inc := deskIncident(t, a, login)
	ex := a.newBrowser(t)
	ex.login(login)
	ex.open("/desk")
	ex.waitVisible("#desk-list")
	ex.screenshot("desk")

	ex.open("/desk/incidents/" + inc.Number)
	ex.waitVisible("#answer-text")
	before := ex.text("#grade-informative")
	ex.fill("#answer-text", "Ваше обращение рассмотрено. Информация принята к сведению.")
	formal := waitTextChange(ex, "#grade-formal", "")
	if !strings.Contains(formal, "формальн") || !strings.Contains(ex.text("#grade-formal"), "отписку") {
		t.Fatalf("formal warning: %q", formal)
	}
	vague := waitTextChange(ex, "#grade-informative", before)
	ex.fill("#answer-text", "Во дворе проверили освещение 26 ноября: электрик управляющей компании заменил две лампы и предохранитель, фонари горят. Если снова погаснут, звоните диспетчеру по телефону 8 (3952) 20-30-40.")
	concrete := waitTextChange(ex, "#grade-informative", vague)
	v, _ := strconv.Atoi(vague)
	c, _ := strconv.Atoi(concrete)
	if c <= v {
		t.Errorf("informativeness went from %d to %d for a concrete answer", v, c)
	}
	waitTextChange(ex, "#grade-formal", formal)
	ex.screenshot("editor")
	ex.click("#submit")
	ex.waitVisible(".flash")
	ans := latest(t, a, inc.ID)
	if ans.State != model.AnswerOnReview {
		t.Fatalf("after submit: %s (flash %q at %s)", ans.State, ex.text(".flash"), ex.location())
	}

	mod := a.newBrowser(t)
	mod.login("moderator")
	mod.open("/moderation")
	item := fmt.Sprintf("#mod-%d", ans.ID)
	mod.waitVisible(item)
	mod.screenshot("moderation")
	comment := "Назовите адрес дома, где заменили лампы."
	mod.fill(fmt.Sprintf("#comment-%d", ans.ID), comment)
	mod.click(fmt.Sprintf("#return-%d", ans.ID))
	mod.waitVisible(".flash")
	if ans = latest(t, a, inc.ID); ans.State != model.AnswerReturned || ans.ReviewComment != comment {
		t.Fatalf("after return: %s %q", ans.State, ans.ReviewComment)
	}

	ex.open("/desk/incidents/" + inc.Number)
	ex.waitVisible(".desk-review")
	if got := ex.text("#editor .desk-review"); !strings.Contains(got, comment) {
		t.Fatalf("the editor shows %q, not the moderator's comment", got)
	}
	ex.fill("#answer-text", "В доме 5 по улице Мира 26 ноября электрик управляющей компании заменил две лампы и предохранитель, фонари во дворе горят. Если снова погаснут, звоните диспетчеру по телефону 8 (3952) 20-30-40.")
	ex.click("#submit")
	ex.waitVisible(".flash")
	if ans = latest(t, a, inc.ID); ans.State != model.AnswerOnReview || !strings.Contains(ans.Text, "улице Мира") {
		t.Fatalf("after resubmit: %s %q", ans.State, ans.Text)
	}

	mod.open("/moderation")
	mod.waitVisible(item)
	mod.click(fmt.Sprintf("#approve-%d", ans.ID))
	mod.waitVisible(".flash")
	if ans = latest(t, a, inc.ID); ans.State != model.AnswerApproved && ans.State != model.AnswerPublished {
		t.Fatalf("after approve: %s", ans.State)
	}
	mod.open("/moderation?tab=published")
	mod.screenshot("moderation-published")
}
