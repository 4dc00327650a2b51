package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
)

// TestRatePage follows a VK resident's rating link: the answer and its form without anything about the resident,
// bad input refused with the reason, the rating counted once, unknown and malformed links not found.
func TestRatePage(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	author := "Пётр Иванович Соколов"
	res, err := e.svc.Intake(ctx, []model.Message{{Source: "vk", ExternalID: "comment:-77_12_501", ThreadID: "wall:-77_12", ReplyTo: "501",
		Author: author, Text: "Во дворе дома 12 на улице Байкальской не горят фонари уже неделю", Category: "blago.lighting", Territory: "25701000",
		PostedAt: e.clock.Now(), ReceivedAt: e.clock.Now()}})
	if err != nil {
		t.Fatal(err)
	}
	inc, err := e.st.Incident(ctx, res[0].IncidentID)
	if err != nil {
		t.Fatal(err)
	}
	answer := "Фонари во дворе дома 12 по ул. Байкальской отремонтированы 26 ноября: заменены две лампы и кабель."
	a := e.approvedFinal(t, inc.ID, answer)
	const token = "Rt7-aQ_9kLm2Xp4Z" // as the publication job carries it
	resident := e.browser(t)
	page := RatePagePath + token
	if res := resident.get(page); res.Status != http.StatusNotFound {
		t.Fatalf("rating page before publication: %d", res.Status)
	}
	if err := e.svc.Published(ctx, a.ID, "comment:-77_12_502", token); err != nil {
		t.Fatal(err)
	}
	got := resident.get(page)
	if got.Status != http.StatusOK || !strings.Contains(got.Body, "заменены две лампы") || !strings.Contains(got.Body, "Оцените ответ") ||
		!strings.Contains(got.Body, inc.Number) || got.Header.Get("X-Robots-Tag") == "" {
		t.Fatalf("rating page: %d\n%.3000s", got.Status, got.Body)
	}
	if strings.Contains(got.Body, author) || strings.Contains(got.Body, "уже неделю") {
		t.Fatal("the rating page shows the resident's name or words")
	}
	tok := csrfRe.FindStringSubmatch(got.Body)[1]
	for _, c := range []struct {
		name string
		form url.Values
		want int
	}{
		{"no CSRF token", url.Values{"score": {"4"}, "solved": {"yes"}}, http.StatusForbidden},
		{"score out of range", url.Values{CSRFField: {tok}, "score": {"0"}, "solved": {"yes"}}, http.StatusUnprocessableEntity},
		{"solved missing", url.Values{CSRFField: {tok}, "score": {"3"}}, http.StatusUnprocessableEntity},
	} {
		if res := resident.post(page, c.form); res.Status != c.want {
			t.Errorf("%s: %d, want %d", c.name, res.Status, c.want)
		}
	}
	if res := resident.post(RatePagePath+"AAAAAAAAAAAAAAAA", url.Values{CSRFField: {tok}, "score": {"4"}, "solved": {"yes"}}); res.Status != http.StatusNotFound {
		t.Errorf("unknown link: %d", res.Status)
	}
	for _, bad := range []string{"AAAAAAAAAAAAAAAA", "no%20such!", strings.Repeat("a", 65)} {
		if res := resident.get(RatePagePath + bad); res.Status != http.StatusNotFound {
			t.Errorf("GET %s: %d", bad, res.Status)
		}
	}
	r := resident.post(page, url.Values{CSRFField: {tok}, "score": {"2"}, "solved": {"no"}, "comment": {"Один фонарь так и не горит"}})
	if r.Status != http.StatusSeeOther || r.Header.Get("Location") != page+"?rated=1" {
		t.Fatalf("rate: %d → %q\n%.2000s", r.Status, r.Header.Get("Location"), r.Body)
	}
	after := resident.get(r.Header.Get("Location"))
	if !strings.Contains(after.Body, "Спасибо за оценку") || !strings.Contains(after.Body, "Ваша оценка: 2 из 5") || strings.Contains(after.Body, "Оцените ответ") {
		t.Fatalf("after rating:\n%.3000s", after.Body)
	}
	if res := resident.post(page, url.Values{CSRFField: {tok}, "score": {"5"}, "solved": {"yes"}}); res.Status != http.StatusConflict {
		t.Errorf("second rating: %d", res.Status)
	}
	rt, err := e.st.RatingByToken(ctx, token)
	if err != nil || rt.Score != 2 || rt.Solved == nil || *rt.Solved || rt.Comment != "Один фонарь так и не горит" {
		t.Fatalf("stored rating %+v, %v", rt, err)
	}
	// «Не решено» on a final answer reopens the incident.
	if inc, err = e.st.Incident(ctx, inc.ID); err != nil || inc.Status == model.StatusResolved {
		t.Fatalf("incident after «не решено»: %s, %v", inc.Status, err)
	}
}
