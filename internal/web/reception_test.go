package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/model"
)

// pngBytes is a small real PNG picture.
func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	for i := 0; i < 8; i++ {
		img.Set(i, i, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

type upload struct {
	name string
	data []byte
}

// postMultipart sends the reception form with files, adding the page's CSRF token unless the form has one.
func (b *browser) postMultipart(path string, form url.Values, files []upload) response {
	b.t.Helper()
	if _, ok := form[CSRFField]; !ok {
		form.Set(CSRFField, b.token("/reception"))
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, err := mw.CreateFormFile("photos", f.name)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = w.Write(f.data)
	}
	mw.Close()
	req, err := http.NewRequest("POST", b.e.ts.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return b.do(req)
}

// validForm is a complete reception submission.
func validForm(text string) url.Values {
	return url.Values{"name": {"Галина Петровна Смирнова"}, "email": {"galina.s@example.org"}, "phone": {""},
		"territory": {"25701000"}, "category": {"zhkh.heating"}, "address": {"ул. Лермонтова, 81"},
		"text": {text}, "consent": {"yes"}}
}

var (
	numberRe = regexp.MustCompile(`id="number">([0-9-]+)<`)
	trackRe  = regexp.MustCompile(`href="http://127\.0\.0\.1:\d+(/reception/track/[A-Za-z0-9_-]+)"`)
)

func (e *env) countReception(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM messages WHERE source = 'reception'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestReceptionValidation(t *testing.T) {
	e := newEnv(t)
	pic := pngBytes(t)
	six := make([]upload, 6)
	for i := range six {
		six[i] = upload{fmt.Sprintf("p%d.png", i), pic}
	}
	noConsent := validForm("В квартире холодно уже третий день, батареи чуть тёплые.")
	noConsent.Del("consent")
	noContact := validForm("В квартире холодно уже третий день, батареи чуть тёплые.")
	noContact.Set("email", "")
	badTerritory := validForm("В квартире холодно уже третий день, батареи чуть тёплые.")
	badTerritory.Set("territory", "99999999")
	honey := validForm("В квартире холодно уже третий день, батареи чуть тёплые.")
	honey.Set(honeypotField, "http://spam.example")
	for _, tc := range []struct {
		name   string
		form   url.Values
		files  []upload
		status int
		want   string
	}{
		{"missing consent", noConsent, nil, http.StatusUnprocessableEntity, "Без согласия на обработку"},
		{"no contact", noContact, nil, http.StatusUnprocessableEntity, "Укажите электронную почту или телефон."},
		{"unknown territory", badTerritory, nil, http.StatusUnprocessableEntity, "Выберите муниципальное образование"},
		{"empty text", validForm("  "), nil, http.StatusUnprocessableEntity, "хотя бы в нескольких словах"},
		{"too many photos", validForm("Во дворе яма на дороге, машины её объезжают по газону."), six, http.StatusUnprocessableEntity, "не больше пяти"},
		{"not an image", validForm("Во дворе яма на дороге, машины её объезжают по газону."), []upload{{"evil.png", []byte("<html><script>alert(1)</script>")}}, http.StatusUnprocessableEntity, "только изображения"},
		{"too large a photo", validForm("Во дворе яма на дороге, машины её объезжают по газону."), []upload{{"big.png", append(pic, make([]byte, MaxPhotoBytes)...)}}, http.StatusUnprocessableEntity, "слишком большая"},
		{"honeypot filled", honey, nil, http.StatusBadRequest, "Обращение не принято"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := e.browser(t)
			res := b.postMultipart("/reception", tc.form, tc.files)
			if res.Status != tc.status || !strings.Contains(res.Body, tc.want) {
				t.Fatalf("status %d, want %d with %q\n%.3000s", res.Status, tc.status, tc.want, res.Body)
			}
			if n := e.countReception(t); n != 0 {
				t.Fatalf("%d reception messages stored", n)
			}
			if tc.status == http.StatusUnprocessableEntity && tc.form.Get("name") != "" && !strings.Contains(res.Body, tc.form.Get("name")) {
				t.Error("the typed name was not kept")
			}
		})
	}
	t.Run("no CSRF token", func(t *testing.T) {
		b := e.browser(t)
		b.get("/reception")
		f := validForm("Во дворе яма на дороге, машины её объезжают по газону.")
		f.Set(CSRFField, "")
		if res := b.postMultipart("/reception", f, nil); res.Status != http.StatusForbidden {
			t.Fatalf("status %d", res.Status)
		}
	})
	entries, _ := os.ReadDir(filepath.Join(e.srv.opts.UploadDir, photoDir))
	if len(entries) != 0 {
		t.Errorf("%d photo files left by refused submissions", len(entries))
	}
}

func TestReceptionRateLimit(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	for i := 0; i < ReceptionBurst; i++ {
		res := b.postMultipart("/reception", validForm(fmt.Sprintf("Не горит фонарь у дома номер %d, вечером темно.", i+1)), nil)
		if res.Status != http.StatusOK {
			t.Fatalf("submission %d: %d", i+1, res.Status)
		}
	}
	res := b.postMultipart("/reception", validForm("Ещё одно обращение о тёмном дворе и разбитых фонарях."), nil)
	if res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, "слишком много обращений") {
		t.Fatalf("status %d", res.Status)
	}
	if n := e.countReception(t); n != ReceptionBurst {
		t.Fatalf("%d stored, want %d", n, ReceptionBurst)
	}
	e.clock.Advance(ReceptionEvery)
	if res := b.postMultipart("/reception", validForm("Ещё одно обращение о тёмном дворе и разбитых фонарях."), nil); res.Status != http.StatusOK {
		t.Fatalf("after waiting: %d", res.Status)
	}
}

func TestReceptionSubmitTrackAndRate(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	resident := e.browser(t)
	if res := resident.get("/reception"); res.Status != 200 || !strings.Contains(res.Body, "Иркутск") || !strings.Contains(res.Body, `<optgroup label=`) {
		t.Fatalf("form: %d", res.Status)
	}
	text := "Третий день нет отопления в квартире, батареи холодные, дома маленький ребёнок."
	res := resident.postMultipart("/reception", validForm(text), []upload{{"../../etc/passwd.png", pngBytes(t)}})
	if res.Status != http.StatusOK {
		t.Fatalf("submit: %d\n%.2000s", res.Status, res.Body)
	}
	number := numberRe.FindStringSubmatch(res.Body)
	link := trackRe.FindStringSubmatch(res.Body)
	if number == nil || link == nil {
		t.Fatalf("no number or tracking link on the confirmation\n%.3000s", res.Body)
	}
	if len(strings.TrimPrefix(link[1], "/reception/track/")) < 32 {
		t.Fatalf("tracking token too short: %s", link[1])
	}
	// The message went through the pipeline with the resident's hints and a safe photo name.
	var msg model.Message
	inc, err := e.st.IncidentByNumber(ctx, number[1])
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := e.st.Messages(ctx, inc.ID)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("messages %v, %v", msgs, err)
	}
	msg = msgs[0]
	if msg.Source != ReceptionSource || msg.Territory != "25701000" || msg.Category != "zhkh.heating" || msg.Author != "Галина Петровна Смирнова" ||
		len(msg.Attachments) != 1 || inc.CategoryCode != "zhkh.heating" {
		t.Fatalf("message %+v, incident category %q", msg, inc.CategoryCode)
	}
	photo := msg.Attachments[0]
	if !photoName.MatchString(filepath.Base(photo)) || strings.Contains(photo, "passwd") {
		t.Fatalf("photo stored as %q", photo)
	}
	if res := resident.get(photo); res.Status != http.StatusSeeOther {
		t.Fatalf("a resident opened a stored photo: %d", res.Status)
	}
	staff := e.browser(t)
	staff.login("operator")
	if res := staff.get(photo); res.Status != 200 || res.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("staff photo: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	if res := staff.get("/files/reception/..%2f..%2fetc%2fpasswd"); res.Status != http.StatusNotFound {
		t.Fatalf("path traversal: %d", res.Status)
	}

	// The tracking page: status in words, the resident's text, no answer yet; a stranger gets nothing.
	page := resident.get(link[1])
	if page.Status != 200 || !strings.Contains(page.Body, number[1]) || !strings.Contains(page.Body, "Ответа пока нет") ||
		!strings.Contains(page.Body, "Третий день нет отопления") || page.Header.Get("X-Robots-Tag") == "" {
		t.Fatalf("tracking page: %d\n%.3000s", page.Status, page.Body)
	}
	if strings.Contains(page.Body, "galina.s@example.org") {
		t.Fatal("contact shown on the tracking page")
	}
	if res := e.browser(t).get("/reception/track/" + strings.Repeat("A", 32)); res.Status != http.StatusNotFound {
		t.Fatalf("guessed token: %d", res.Status)
	}

	// The incident goes through the workflow to a published final answer.
	answer := "Отопление в доме по ул. Лермонтова, 81 восстановлено 26 ноября: заменён участок трубы в подвале."
	a := e.approvedFinal(t, inc.ID, answer)
	if err := e.svc.Published(ctx, a.ID, "local-1", ""); err != nil {
		t.Fatal(err)
	}
	page = resident.get(link[1])
	if !strings.Contains(page.Body, "заменён участок трубы") || !strings.Contains(page.Body, "решено, дан ответ") || !strings.Contains(page.Body, "Оцените ответ") {
		t.Fatalf("tracking page after publication:\n%.4000s", page.Body)
	}
	tok := csrfRe.FindStringSubmatch(page.Body)[1]
	rate := link[1] + "/rate"
	if res := resident.post(rate, url.Values{CSRFField: {tok}, "answer": {fmt.Sprint(a.ID)}, "score": {"7"}, "solved": {"yes"}}); res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("score 7: %d", res.Status)
	}
	if res := resident.post(rate, url.Values{"answer": {fmt.Sprint(a.ID)}, "score": {"4"}, "solved": {"yes"}}); res.Status != http.StatusForbidden {
		t.Fatalf("rating without a token: %d", res.Status)
	}
	if res := resident.post(rate, url.Values{CSRFField: {tok}, "answer": {"999999"}, "score": {"4"}, "solved": {"yes"}}); res.Status != http.StatusNotFound {
		t.Fatalf("another answer: %d", res.Status)
	}
	res = resident.post(rate, url.Values{CSRFField: {tok}, "answer": {fmt.Sprint(a.ID)}, "score": {"4"}, "solved": {"yes"}, "comment": {"Спасибо, тепло"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("rate: %d\n%.2000s", res.Status, res.Body)
	}
	page = resident.get(res.Header.Get("Location"))
	if !strings.Contains(page.Body, "Спасибо за оценку") || !strings.Contains(page.Body, "Ваша оценка: 4 из 5") || strings.Contains(page.Body, "Оцените ответ") {
		t.Fatalf("after rating:\n%.3000s", page.Body)
	}
	if res := resident.post(rate, url.Values{CSRFField: {tok}, "answer": {fmt.Sprint(a.ID)}, "score": {"1"}, "solved": {"no"}}); res.Status != http.StatusConflict {
		t.Fatalf("second rating: %d", res.Status)
	}
	sat, err := e.st.SatisfactionStats(ctx, inc.CreatedAt, inc.CreatedAt.AddDate(0, 1, 0))
	if err != nil || sat.Rated != 1 || sat.Mean == nil || *sat.Mean != 4 {
		t.Fatalf("satisfaction %+v, %v", sat, err)
	}
}

func TestPublicStats(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	res := b.get("/stats?period=0")
	if res.Status != 200 {
		t.Fatalf("status %d", res.Status)
	}
	got := map[string]string{}
	for _, m := range regexp.MustCompile(`id="stat-([a-z-]+)">([^<]*)<`).FindAllStringSubmatch(res.Body, -1) {
		got[m[1]] = m[2]
	}
	st, err := e.st.Stats(context.Background(), storeStatsAll(e))
	if err != nil {
		t.Fatal(err)
	}
	wantReceived := st.Total - st.ByStatus[model.StatusRejected] - st.ByStatus[model.StatusMerged]
	if got["received"] != fmt.Sprint(wantReceived) || got["answered"] != fmt.Sprint(st.Answered) || got["median"] == "—" || got["median"] == "" {
		t.Fatalf("stats %v; store says %+v", got, st)
	}
	// One territory narrows the counts; an unknown one is ignored; no personal data.
	one := b.get("/stats?period=0&territory=25701000")
	if one.Status != 200 || !strings.Contains(one.Body, `value="25701000" selected`) {
		t.Fatalf("territory filter: %d", one.Status)
	}
	if res := b.get("/stats?period=abc&territory=x"); res.Status != 200 {
		t.Fatalf("bad filter: %d", res.Status)
	}
	if strings.Contains(res.Body, "@") {
		t.Fatal("an e-mail address on the public statistics")
	}
	// The counts are served from memory for StatsTTL, then counted again.
	if _, err := e.pipe.Submit(context.Background(), []model.Message{{Source: "reception", ExternalID: "stats-1",
		Text: "Не вывозят мусор с площадки у дома уже неделю", Territory: "25701000"}}); err != nil {
		t.Fatal(err)
	}
	received := func() string {
		return regexp.MustCompile(`id="stat-received">([^<]*)<`).FindStringSubmatch(b.get("/stats?period=0").Body)[1]
	}
	if got := received(); got != fmt.Sprint(wantReceived) {
		t.Fatalf("within the TTL: %s, want the cached %d", got, wantReceived)
	}
	e.clock.Advance(StatsTTL)
	if got := received(); got != fmt.Sprint(wantReceived+1) {
		t.Fatalf("after the TTL: %s, want %d", got, wantReceived+1)
	}
}

// A pipeline that refuses work (here: shut down) makes the reception answer 503 with Retry-After and keep
// nothing.
func TestReceptionOverloaded(t *testing.T) {
	e := newEnv(t)
	stopped := ingest.New(e.svc, nil, ingest.Config{}, quiet)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	stopped.Run(ctx) // returns at once: the pipeline is shut down
	srv := newServer(e.svc, stopped, Options{Logger: quiet, Now: e.clock.Now, UploadDir: t.TempDir()}, allPages())
	ts := httptest.NewServer(srv)
	defer ts.Close()
	b := e.browser(t)
	b.e = &env{ts: ts}
	res := b.postMultipart("/reception", validForm("Во дворе яма на дороге, машины её объезжают по газону."), []upload{{"p.png", pngBytes(t)}})
	if res.Status != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" || !strings.Contains(res.Body, "слишком много обращений") {
		t.Fatalf("status %d\n%.1000s", res.Status, res.Body)
	}
	if n := e.countReception(t); n != 0 {
		t.Fatalf("%d stored", n)
	}
	if entries, _ := os.ReadDir(filepath.Join(srv.opts.UploadDir, photoDir)); len(entries) != 0 {
		t.Fatalf("%d photos left behind", len(entries))
	}
}

// TestReceptionLegalTerm: an appeal sent through the reception shows its 59-ФЗ term on the card and on the
// resident's tracking page; the operator extends it once from the card, and the resident reads when to and why.
func TestReceptionLegalTerm(t *testing.T) {
	ctx := context.Background()
	e := newEnv(t)
	resident := e.browser(t)
	res := resident.postMultipart("/reception", validForm("Во дворе дома по ул. Лермонтова, 81 неделю не вывозят мусор, контейнеры переполнены."), nil)
	number, link := numberRe.FindStringSubmatch(res.Body), trackRe.FindStringSubmatch(res.Body)
	if res.Status != http.StatusOK || number == nil || link == nil {
		t.Fatalf("submit: %d\n%.2000s", res.Status, res.Body)
	}
	inc, err := e.st.IncidentByNumber(ctx, number[1])
	if err != nil {
		t.Fatal(err)
	}
	if inc.LegalDue == nil {
		t.Fatal("a reception appeal has no legal term")
	}
	irk, err := time.LoadLocation("Asia/Irkutsk") // the demo region's zone, in which pages show dates
	if err != nil {
		t.Skipf("time zone data absent: %v", err)
	}
	last := inc.LegalDue.Add(-time.Nanosecond).In(irk).Format("02.01.2006")
	if page := resident.get(link[1]); !strings.Contains(page.Body, "по "+last+" включительно") || strings.Contains(page.Body, `id="extended"`) {
		t.Fatalf("the tracking page lacks the term %s\n%.3000s", last, page.Body)
	}
	staff := e.browser(t)
	staff.login("operator")
	card := "/incidents/" + number[1]
	if page := staff.get(card); !strings.Contains(page.Body, "Срок по 59-ФЗ") || !strings.Contains(page.Body, `value="extend"`) {
		t.Fatalf("the card lacks the term or the extension form\n%.3000s", page.Body)
	}
	reason := "Запрошено заключение регионального оператора по графику вывоза"
	if res := staff.submit(card, card+"/act", url.Values{"action": {"extend"}, "reason": {reason}, "back": {card}}); res.Status != http.StatusSeeOther {
		t.Fatalf("extend: %d\n%.2000s", res.Status, res.Body)
	}
	inc, _ = e.st.IncidentByNumber(ctx, number[1])
	if inc.LegalExtendedAt == nil {
		t.Fatal("the term was not extended")
	}
	last = inc.LegalDue.Add(-time.Nanosecond).In(irk).Format("02.01.2006")
	page := resident.get(link[1])
	if !strings.Contains(page.Body, "продлён до "+last+" включительно") || !strings.Contains(page.Body, reason) {
		t.Fatalf("the tracking page lacks the extension to %s\n%.3000s", last, page.Body)
	}
	if page := staff.get(card); strings.Contains(page.Body, `value="extend"`) || !strings.Contains(page.Body, "срок рассмотрения по 59-ФЗ продлён") {
		t.Fatalf("after the extension the card still offers it or lacks the event\n%.3000s", page.Body)
	}
}
