package web

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

const deskLogin = "uk.baikalsky"

// deskIncidents returns an incident of the desk user's organisation in the given status, and an open incident of
// another executor.
func deskIncidents(t *testing.T, e *env, status model.Status) (mine, other model.Incident, me model.User) {
	t.Helper()
	ctx := context.Background()
	u, _, err := e.st.UserByLogin(ctx, deskLogin)
	if err != nil {
		t.Fatal(err)
	}
	all, err := e.st.ListIncidents(ctx, store.IncidentFilter{Limit: 500, Now: e.clock.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, inc := range all.Items {
		switch {
		case inc.ExecutorID == u.ExecutorID && inc.Status == status && mine.ID == 0:
			mine = inc
		case inc.ExecutorID != 0 && inc.ExecutorID != u.ExecutorID && other.ID == 0:
			other = inc
		}
	}
	if mine.ID == 0 {
		// Hand one to the desk user's organisation through the workflow, as an operator would.
		op, _, err := e.st.UserByLogin(ctx, "operator")
		if err != nil {
			t.Fatal(err)
		}
		for _, inc := range all.Items {
			if inc.Status == model.StatusNew {
				if mine, err = e.svc.Act(ctx, model.ActorOf(op), inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: u.ExecutorID}); err != nil {
					t.Fatal(err)
				}
				break
			}
		}
		if mine.ID != 0 && status == model.StatusInWork {
			if mine, err = e.svc.Act(ctx, model.ActorOf(u), mine.ID, model.ActAccept, model.ActionArgs{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	if mine.ID == 0 || other.ID == 0 || mine.Status != status {
		t.Fatalf("the demo data has no incident to test with (mine %+v, other %+v)", mine, other)
	}
	return mine, other, u
}

func TestDeskRolesAndOrganisations(t *testing.T) {
	e := newEnv(t)
	mine, other, _ := deskIncidents(t, e, model.StatusInWork)
	ex := e.browser(t)
	ex.login(deskLogin)
	mod := e.browser(t)
	mod.login("moderator")
	cases := []struct {
		name string
		b    *browser
		path string
		want int
	}{
		{"executor desk", ex, "/desk", http.StatusOK},
		{"executor desk other tab", ex, "/desk?tab=other", http.StatusOK},
		{"executor own incident", ex, "/desk/incidents/" + mine.Number, http.StatusOK},
		{"executor another's incident", ex, "/desk/incidents/" + other.Number, http.StatusNotFound},
		{"executor unknown incident", ex, "/desk/incidents/38-0000-000000", http.StatusNotFound},
		{"executor moderation", ex, "/moderation", http.StatusForbidden},
		{"moderator desk", mod, "/desk", http.StatusForbidden},
		{"moderator editor", mod, "/desk/incidents/" + mine.Number, http.StatusForbidden},
		{"moderator moderation", mod, "/moderation", http.StatusOK},
		{"moderator published", mod, "/moderation?tab=published", http.StatusOK},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := c.b.get(c.path).Status; got != c.want {
				t.Errorf("GET %s: %d, want %d", c.path, got, c.want)
			}
		})
	}
	body := ex.get("/desk").Body
	if !strings.Contains(body, mine.Number) {
		t.Errorf("the desk does not list %s", mine.Number)
	}
	if strings.Contains(body, other.Number) {
		t.Errorf("the desk lists another organisation's %s", other.Number)
	}
	// Posting to another's incident is refused too.
	tok := ex.token("/desk")
	if res := ex.post("/desk/incidents/"+other.Number+"/answer", url.Values{CSRFField: {tok}, "kind": {"final"}, "text": {"Сделано."}}); res.Status != http.StatusNotFound {
		t.Errorf("answer to another's incident: %d", res.Status)
	}
}

func TestDeskCSRF(t *testing.T) {
	e := newEnv(t)
	mine, _, _ := deskIncidents(t, e, model.StatusInWork)
	ex := e.browser(t)
	ex.login(deskLogin)
	if res := ex.post("/desk/incidents/"+mine.Number+"/answer", url.Values{"kind": {"final"}, "text": {"Сделано."}, "action": {"submit"}}); res.Status != http.StatusForbidden {
		t.Errorf("answer without token: %d", res.Status)
	}
	req, _ := http.NewRequest("POST", e.ts.URL+"/desk/grade", strings.NewReader(`{"incident":"`+mine.Number+`","kind":"final","text":"Сделано."}`))
	req.Header.Set("Content-Type", "application/json")
	if res := ex.do(req); res.Status != http.StatusForbidden {
		t.Errorf("grade without token: %d", res.Status)
	}
	mod := e.browser(t)
	mod.login("moderator")
	if res := mod.post("/moderation/answers/1", url.Values{"action": {"approve"}}); res.Status != http.StatusForbidden {
		t.Errorf("moderation without token: %d", res.Status)
	}
	answers, _ := e.st.Answers(context.Background(), mine.ID)
	if len(answers) != 0 {
		t.Errorf("refused posts made answers: %+v", answers)
	}
}

// latestAnswer is the incident's newest answer.
func latestAnswer(t *testing.T, e *env, incID int64) model.Answer {
	t.Helper()
	as, err := e.st.Answers(context.Background(), incID)
	if err != nil || len(as) == 0 {
		t.Fatalf("answers: %v %v", as, err)
	}
	return as[len(as)-1]
}

func TestAnswerReviewRoundTrip(t *testing.T) {
	e := newEnv(t)
	mine, _, _ := deskIncidents(t, e, model.StatusInWork)
	page := "/desk/incidents/" + mine.Number
	ex := e.browser(t)
	ex.login(deskLogin)
	mod := e.browser(t)
	mod.login("moderator")

	text := "Фонари во дворе проверили 26 ноября: заменили две лампы и предохранитель, свет горит."
	res := ex.submit(page, page+"/answer", url.Values{"kind": {"final"}, "text": {text}, "action": {"save"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.Status, res.Body)
	}
	a := latestAnswer(t, e, mine.ID)
	if a.State != model.AnswerDraft || a.Text != text {
		t.Fatalf("after save: %s %q", a.State, a.Text)
	}
	body := ex.get(page).Body
	if !strings.Contains(body, `id="grade-informative"`) || strings.Contains(body, `id="grades-empty"`) {
		t.Errorf("the editor does not show the saved draft's grades")
	}
	if res := ex.submit(page, page+"/answer", url.Values{"kind": {"final"}, "text": {text}, "action": {"submit"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("submit: %d", res.Status)
	}
	if a = latestAnswer(t, e, mine.ID); a.State != model.AnswerOnReview {
		t.Fatalf("after submit: %s", a.State)
	}
	q := mod.get("/moderation").Body
	if !strings.Contains(q, mine.Number) || !strings.Contains(q, "заменили две лампы") {
		t.Fatalf("the moderation queue does not show the answer")
	}
	act := "/moderation/answers/" + itoa(a.ID)
	if res := mod.submit("/moderation", act, url.Values{"action": {"return"}, "comment": {"  "}}); res.Status != http.StatusBadRequest {
		t.Errorf("return without comment: %d", res.Status)
	}
	comment := "Укажите адрес дома, пожалуйста."
	if res := mod.submit("/moderation", act, url.Values{"action": {"return"}, "comment": {comment}}); res.Status != http.StatusSeeOther {
		t.Fatalf("return: %d", res.Status)
	}
	if a = latestAnswer(t, e, mine.ID); a.State != model.AnswerReturned || a.ReviewComment != comment {
		t.Fatalf("after return: %s %q", a.State, a.ReviewComment)
	}
	if body := ex.get(page).Body; !strings.Contains(body, comment) {
		t.Errorf("the editor does not show the moderator's comment")
	}
	fixed := "Фонари во дворе дома 5 по улице Мира проверили 26 ноября: заменили две лампы и предохранитель, свет горит."
	if res := ex.submit(page, page+"/answer", url.Values{"kind": {"final"}, "text": {fixed}, "action": {"submit"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("resubmit: %d", res.Status)
	}
	if a = latestAnswer(t, e, mine.ID); a.State != model.AnswerOnReview || a.Text != fixed {
		t.Fatalf("after resubmit: %s %q", a.State, a.Text)
	}
	if res := mod.submit("/moderation", act, url.Values{"action": {"approve"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("approve: %d", res.Status)
	}
	if a = latestAnswer(t, e, mine.ID); a.State != model.AnswerApproved && a.State != model.AnswerPublished {
		t.Fatalf("after approve: %s", a.State)
	}
	// An empty text is refused with the form shown again.
	if res := ex.submit(page, page+"/answer", url.Values{"kind": {"interim"}, "text": {" "}, "action": {"save"}}); res.Status != http.StatusBadRequest {
		t.Errorf("empty text: %d", res.Status)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// grade posts a text to the grading endpoint as desk.js does.
func grade(t *testing.T, b *browser, number, kind, text string) gradeReply {
	t.Helper()
	tok := b.token("/desk/incidents/" + number)
	body, _ := json.Marshal(gradeRequest{Incident: number, Kind: kind, Text: text})
	req, _ := http.NewRequest("POST", b.e.ts.URL+"/desk/grade", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(CSRFHeader, tok)
	res := b.do(req)
	if res.Status != http.StatusOK {
		t.Fatalf("grade: %d %s", res.Status, res.Body)
	}
	var g gradeReply
	if err := json.Unmarshal([]byte(res.Body), &g); err != nil {
		t.Fatal(err)
	}
	return g
}

func gradeOf(g gradeReply, id string) string {
	for _, x := range g.Groups {
		if x.ID == id {
			return x.Value
		}
	}
	return ""
}

func TestDeskGradeFollowsTheText(t *testing.T) {
	e := newEnv(t)
	mine, other, _ := deskIncidents(t, e, model.StatusInWork)
	ex := e.browser(t)
	ex.login(deskLogin)
	formal := grade(t, ex, mine.Number, "final", "Ваше обращение рассмотрено. Информация принята к сведению. Вопрос будет рассмотрен в установленном порядке.")
	concrete := grade(t, ex, mine.Number, "final", "Фонари во дворе дома 5 по улице Мира проверили 26 ноября: электрик заменил две лампы и предохранитель, свет горит с 18:00. Если фонари снова погаснут, позвоните диспетчеру по телефону 8 (3952) 20-30-40.")
	t.Logf("formal: %+v\nconcrete: %+v", formal, concrete)
	if !formal.Formal || len(formal.FormalReasons) == 0 {
		t.Errorf("a formal brush-off is not flagged: %+v", formal)
	}
	if concrete.Formal {
		t.Errorf("a concrete answer is flagged formal: %+v", concrete)
	}
	ci, _ := strconv.Atoi(gradeOf(concrete, "informative"))
	fi, _ := strconv.Atoi(gradeOf(formal, "informative"))
	if ci <= fi {
		t.Errorf("informative: concrete %s, formal %s", gradeOf(concrete, "informative"), gradeOf(formal, "informative"))
	}
	// Another organisation's incident cannot be graded.
	tok := ex.token("/desk")
	body, _ := json.Marshal(gradeRequest{Incident: other.Number, Kind: "final", Text: "Сделано."})
	req, _ := http.NewRequest("POST", e.ts.URL+"/desk/grade", bytes.NewReader(body))
	req.Header.Set(CSRFHeader, tok)
	if res := ex.do(req); res.Status != http.StatusNotFound {
		t.Errorf("grade another's incident: %d", res.Status)
	}
}

// multipartAnswer builds the editor's multipart form with one file.
func multipartAnswer(t *testing.T, tok, name string, data []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range map[string]string{CSRFField: tok, "kind": "interim", "text": "Работы начаты, фото приложено. Закончим к 30 ноября.", "action": "save", "due_date": "2026-11-30"} {
		_ = mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("photos", name)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	return &buf, mw.FormDataContentType()
}

func TestAnswerPhotoUpload(t *testing.T) {
	e := newEnv(t)
	mine, _, _ := deskIncidents(t, e, model.StatusInWork)
	page := "/desk/incidents/" + mine.Number
	ex := e.browser(t)
	ex.login(deskLogin)
	cases := []struct {
		name, file string
		data       []byte
		want       int
	}{
		{"text posing as an image", "photo.jpg", []byte("это не картинка, а текст"), http.StatusBadRequest},
		{"too large", "big.png", append(pngBytes(t), make([]byte, MaxPhotoBytes)...), http.StatusBadRequest},
		{"a png", "../../etc/двор.png", pngBytes(t), http.StatusSeeOther},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, ct := multipartAnswer(t, ex.token(page), c.file, c.data)
			req, _ := http.NewRequest("POST", e.ts.URL+page+"/answer", body)
			req.Header.Set("Content-Type", ct)
			if res := ex.do(req); res.Status != c.want {
				t.Fatalf("status %d, want %d\n%s", res.Status, c.want, res.Body)
			}
		})
	}
	a := latestAnswer(t, e, mine.ID)
	if len(a.Attachments) != 1 || !photoName.MatchString(strings.TrimPrefix(a.Attachments[0], answerPrefix)) {
		t.Fatalf("attachments: %v", a.Attachments)
	}
	if a.Kind != model.AnswerInterim || a.DueDate == nil {
		t.Errorf("kind %s, due %v", a.Kind, a.DueDate)
	}
	res := ex.get(a.Attachments[0])
	if res.Status != http.StatusOK || res.Header.Get("Content-Type") != "image/png" {
		t.Errorf("photo: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if res := ex.get(answerPrefix + "..%2F..%2Fsecret.png"); res.Status != http.StatusNotFound {
		t.Errorf("traversal: %d", res.Status)
	}
	// Saving again keeps the photo only when it is ticked.
	tok := ex.token(page)
	if res := ex.post(page+"/answer", url.Values{CSRFField: {tok}, "kind": {"interim"}, "text": {a.Text}, "due_date": {"2026-11-30"}, "keep": {a.Attachments[0], "/files/answers/forged.png"}, "action": {"save"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("resave: %d", res.Status)
	}
	if b := latestAnswer(t, e, mine.ID); len(b.Attachments) != 1 || b.Attachments[0] != a.Attachments[0] {
		t.Errorf("kept: %v", b.Attachments)
	}
}

func TestDeskAcceptAndDecline(t *testing.T) {
	e := newEnv(t)
	mine, _, _ := deskIncidents(t, e, model.StatusAssigned)
	ex := e.browser(t)
	ex.login(deskLogin)
	act := "/desk/incidents/" + mine.Number + "/act"
	if res := ex.submit("/desk", act, url.Values{"action": {"decline"}}); res.Status != http.StatusBadRequest {
		t.Errorf("decline without reason: %d", res.Status)
	}
	if res := ex.submit("/desk", act, url.Values{"action": {"accept"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("accept: %d", res.Status)
	}
	inc, _ := e.st.Incident(context.Background(), mine.ID)
	if inc.Status != model.StatusInWork {
		t.Fatalf("after accept: %s", inc.Status)
	}
	if res := ex.submit("/desk", act, url.Values{"action": {"decline"}, "reason": {"incompetent"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("decline: %d", res.Status)
	}
	inc, _ = e.st.Incident(context.Background(), mine.ID)
	// Declined, the incident leaves the organisation, which may not get it again (the router may pass it on).
	if inc.ExecutorID == mine.ExecutorID || !slices.Contains(inc.ExcludedExecutor, mine.ExecutorID) {
		t.Fatalf("after decline: %s, executor %d (mine %d), excluded %v", inc.Status, inc.ExecutorID, mine.ExecutorID, inc.ExcludedExecutor)
	}
	if res := ex.get("/desk/incidents/" + mine.Number); res.Status != http.StatusNotFound {
		t.Errorf("a declined incident is still open to the executor: %d", res.Status)
	}
}

// BenchmarkDeskPages renders the desk, the editor and the moderation queue through the whole handler at
// benchIncidents (100,000 by default) incidents, 2,000 of them handed to the demo executor's organisation and 30 answers waiting for review,
// on every backend of benchBackends.
func BenchmarkDeskPages(b *testing.B) {
	for _, be := range benchBackends(b) {
		b.Run(be.Name, func(b *testing.B) { benchDeskPages(b, newBenchEnvOn(b, benchIncidents(b), be)) })
	}
}

func benchDeskPages(b *testing.B, e *benchEnv) {
	ctx := context.Background()
	svc := e.srv.svc
	ex, _, err := e.st.UserByLogin(ctx, deskLogin)
	if err != nil {
		b.Fatal(err)
	}
	op, _, err := e.st.UserByLogin(ctx, "operator")
	if err != nil {
		b.Fatal(err)
	}
	fresh, err := e.st.ListIncidents(ctx, store.IncidentFilter{Statuses: []model.Status{model.StatusNew}, Limit: 2000, Now: e.now})
	if err != nil {
		b.Fatal(err)
	}
	var answered []model.Incident
	for i, inc := range fresh.Items {
		if _, err := svc.Act(ctx, model.ActorOf(op), inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: ex.ExecutorID}); err != nil {
			b.Fatal(err)
		}
		if i%2 == 0 {
			inc, err := svc.Act(ctx, model.ActorOf(ex), inc.ID, model.ActAccept, model.ActionArgs{})
			if err != nil {
				b.Fatal(err)
			}
			if len(answered) < 30 {
				if _, err := svc.CreateAnswer(ctx, model.ActorOf(ex), inc.ID, workflow.AnswerInput{Kind: model.AnswerFinal, Submit: true,
					Text: "Фонари во дворе дома 5 проверили 26 ноября: заменили две лампы, свет горит."}); err != nil {
					b.Fatal(err)
				}
				answered = append(answered, inc)
			}
		}
	}
	if len(answered) == 0 {
		b.Fatal("no incident to answer")
	}
	exCookies, modCookies := e.session(b, deskLogin), e.session(b, "moderator")
	for _, p := range []struct {
		name, path string
		cookies    []*http.Cookie
	}{
		{"desk", "/desk", exCookies},
		{"desk other", "/desk?tab=other", exCookies},
		{"editor", "/desk/incidents/" + answered[len(answered)-1].Number, exCookies},
		{"moderation", "/moderation", modCookies},
		{"moderation published", "/moderation?tab=published", modCookies},
	} {
		e.benchPage(b, p.name, p.path, p.cookies)
	}
}
