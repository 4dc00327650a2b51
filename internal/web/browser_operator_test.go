package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// The operator opens the queue, a resident's message arrives and appears live, and the operator assigns it to
// an executor chosen from the list; the search and the incident card follow.
func TestBrowserOperatorTriage(t *testing.T) {
	a := startApp(t)
	b := a.newBrowser(t)
	b.login("operator")
	b.open("/operator")
	b.waitVisible("#queue")

	now := time.Now()
	msg := model.Message{Source: "vk", ExternalID: "browser-operator-1", Author: "Нина Гарева",
		Text: "Подскажите, пожалуйста, кто отвечает за то, что у нас во дворе уже неделю не горят фонари и вечером совсем темно?",
		URL:  "https://vk.com/wall-1_501", PostedAt: now, ReceivedAt: now}
	res, err := a.Pipe.Submit(context.Background(), []model.Message{msg})
	if err != nil || len(res) != 1 || res[0].IncidentID == 0 {
		t.Fatalf("submit: %v %v", res, err)
	}
	inc, err := a.Store.Incident(context.Background(), res[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	if inc.Status != model.StatusNew {
		t.Fatalf("the test message went to %s, not to the triage queue", inc.Status)
	}
	row := fmt.Sprintf("#inc-%d", inc.ID)
	b.waitVisible(row) // inserted by operator.js from the live stream
	if got := b.text("#op-live"); !strings.Contains(got, "1") {
		t.Fatalf("live notice: %q", got)
	}
	b.screenshot("operator-queue")

	b.click(row + " details summary")
	exec := eval[string](b, fmt.Sprintf(`document.querySelector("#ex-%d option:nth-child(2)").value`, inc.ID))
	b.choose(fmt.Sprintf("#ex-%d", inc.ID), exec)
	b.click(fmt.Sprintf("#ex-%d ~ button", inc.ID))
	b.waitVisible(".flash")
	if got := b.text(".flash"); !strings.Contains(got, inc.Number) || !strings.Contains(got, "передано исполнителю") {
		t.Fatalf("flash: %q", got)
	}
	after, err := a.Store.Incident(context.Background(), inc.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Status != model.StatusAssigned || fmt.Sprint(after.ExecutorID) != exec {
		t.Fatalf("after triage: %s, executor %d, want %s", after.Status, after.ExecutorID, exec)
	}

	b.open("/incidents?q=" + "фонари")
	b.waitVisible(".inc-table")
	if !strings.Contains(b.text(".inc-table"), inc.Number) {
		t.Fatal("the search does not find the incident by a word")
	}
	b.screenshot("incidents")
	b.click(".inc-table a[href='/incidents/" + inc.Number + "']")
	b.waitVisible(".history")
	if got := b.text("#status"); !strings.Contains(got, "передано исполнителю") {
		t.Fatalf("card status: %q", got)
	}
	b.screenshot("incident-card")
}
