package web_test

// The browser-test harness: the real server (web interface, REST API and inbound hooks on one mux, as `otklik
// serve` mounts them) over a seeded SQLite file with the real ingest pipeline and the real outbox runner, driven
// by headless Chromium through chromedp. One VK community is configured as a source (vkTestSource): its Callback
// API hook is POST /hooks/vk/vk-test, and the answers to its residents go to a fake VK API (app.VK) that speaks
// VK's wire format; answers to other sources (the reception) are published in place, as serve does.
//
// Use it from any browser test of the package:
//
//	a := startApp(t)             // skips without Chromium (fails under CI=true)
//	b := a.newBrowser(t)          // a fresh browser: its own profile, so its own cookies
//	b.login("operator")           // signs in through the form with the demo password
//	b.open("/reception")
//	b.fill("#name", "…"); b.click("button[type=submit]"); b.waitVisible("#number")
//	b.screenshot("reception")     // saved as NN-reception.png in the screenshot directory
//
// Screenshots go to $OTKLIK_SCREENSHOTS when set, else to testdata/screenshots/ in a fresh temporary directory
// that is kept after the run; the test log names the directory.

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/otklik/otklik/internal/api"
	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/hooks"
	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/web"
	"github.com/otklik/otklik/internal/workflow"
)

// ChromiumPath is where Debian's chromium package puts the browser.
const ChromiumPath = "/usr/bin/chromium"

// app is a running Otklik server for browser tests.
type app struct {
	URL    string
	Store  *store.Store
	Svc    *workflow.Service
	Pipe   *ingest.Pipeline
	Web    *web.Server
	VK     *fakeVK      // the VK API the outbox publishes answers to
	VKSrc  store.Source // the configured VK community (vkTestSource)
	Outbox *outbox.Runner
	Shots  string // screenshot directory

	mu   sync.Mutex
	shot int
}

// vkTestSource is the VK community every browser-test app has as a source: its hook is POST /hooks/vk/vk-test.
var vkTestSource = store.Source{Code: "vk-test", Kind: "vk", Name: "ВКонтакте: сообщество администрации (тест)",
	Territory: "25701000", Enabled: true,
	Config: store.SourceConfig{GroupID: 201734, Confirmation: "7c1e42d9", Secret: "vk-callback-secret-3f9a", Token: "vk1.a.test-community-token"}}

// fakeVK is a local VK API: it answers wall.createComment the way VK does (a form-encoded POST to
// /method/wall.createComment, answered {"response":{"comment_id":N}}) and records every call; any other method
// gets VK's "unknown method" error.
type fakeVK struct {
	*httptest.Server
	token string

	mu    sync.Mutex
	calls []vkCall
	next  int64
}

// vkCall is one call the fake VK API received.
type vkCall struct {
	Method      string
	ContentType string
	Params      url.Values
	CommentID   int64 // the id answered (0: an error was answered)
}

func newFakeVK(t *testing.T, token string) *fakeVK {
	t.Helper()
	f := &fakeVK{token: token, next: 9100}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

// BaseURL is where a vk.Client sends its calls.
func (f *fakeVK) BaseURL() string { return f.URL + "/method/" }

func (f *fakeVK) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	call := vkCall{Method: strings.TrimPrefix(r.URL.Path, "/method/"), ContentType: r.Header.Get("Content-Type")}
	vkErr := func(code int, msg string) {
		_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"error_code": code, "error_msg": msg}})
	}
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		call.Params = r.Form
		f.record(call)
		vkErr(8, "Invalid request")
		return
	}
	call.Params = r.PostForm
	switch {
	case call.Params.Get("access_token") != f.token:
		f.record(call)
		vkErr(5, "User authorization failed: invalid access_token")
	case call.Method != "wall.createComment":
		f.record(call)
		vkErr(3, "Unknown method passed")
	default:
		f.mu.Lock()
		f.next++
		call.CommentID = f.next
		f.calls = append(f.calls, call)
		f.mu.Unlock()
		_ = json.NewEncoder(w).Encode(map[string]any{"response": map[string]any{"comment_id": call.CommentID}})
	}
}

func (f *fakeVK) record(c vkCall) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
}

// Calls is every call received so far.
func (f *fakeVK) Calls() []vkCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]vkCall(nil), f.calls...)
}

// requireChromium skips the test when Chromium is missing, or fails it under CI.
func requireChromium(t *testing.T) string {
	t.Helper()
	path := ChromiumPath
	if p := os.Getenv("OTKLIK_CHROMIUM"); p != "" {
		path = p
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but Chromium is not at %s: install it with `apt-get install -y chromium`", path)
		}
		t.Skipf("browser tests skipped: Chromium is not at %s (install it with `apt-get install -y chromium`, or set OTKLIK_CHROMIUM)", path)
	}
	return path
}

var (
	shotsOnce sync.Once
	shotsDir  string
	shotsErr  error
)

// screenshotDir is where this run's screenshots go (one directory for the whole run).
func screenshotDir(t *testing.T) string {
	t.Helper()
	shotsOnce.Do(func() {
		if d := os.Getenv("OTKLIK_SCREENSHOTS"); d != "" {
			shotsDir, shotsErr = d, os.MkdirAll(d, 0o755)
			return
		}
		base, err := os.MkdirTemp("", "otklik-browser-")
		if err != nil {
			shotsErr = err
			return
		}
		shotsDir = filepath.Join(base, "testdata", "screenshots")
		shotsErr = os.MkdirAll(shotsDir, 0o755)
	})
	if shotsErr != nil {
		t.Fatal(shotsErr)
	}
	return shotsDir
}

// startApp seeds a small demo region into a SQLite file and serves Otklik on 127.0.0.1:0, wired as `otklik serve`
// wires it: the web interface at /, the REST API at /api/, /healthz and /r/, the hooks of the configured sources,
// the ingest pipeline and the outbox runner publishing approved answers (vkTestSource's to the fake VK API).
func startApp(t *testing.T) *app {
	t.Helper()
	requireChromium(t)
	ctx := context.Background()
	st := storetest.OpenSQLiteFile(t)
	now := time.Now()
	if _, err := seed.Seed(ctx, st, seed.Options{Now: now, Incidents: 40, Seed: 11}); err != nil {
		t.Fatal(err)
	}
	vkAPI := newFakeVK(t, vkTestSource.Config.Token)
	vkSrc := vkTestSource
	vkSrc.Config.APIBase = vkAPI.BaseURL()
	id, err := st.PutSource(ctx, vkSrc)
	if err != nil {
		t.Fatal(err)
	}
	vkSrc.ID = id
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := workflow.New(st, workflow.WithLogger(log))
	an, err := ingest.DefaultAnalyzer(nil)
	if err != nil {
		t.Fatal(err)
	}
	pipe := ingest.New(svc, an, ingest.Config{}, log)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	t.Cleanup(func() { stop(); <-done })

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()

	// The outbox, as serve's startOutbox builds it with --public-url: every VK source with a token publishes through
	// the VK API at its api_base, with the invitation to rate; the rest (the reception, the demo's imports) are
	// published in place.
	runner := &outbox.Runner{Store: st, Workers: 2, Poll: 100 * time.Millisecond, Logger: log, Handlers: map[string]outbox.Handler{
		outbox.KindPublish: &outbox.PublishHandler{Publisher: svc, Resolve: &outbox.SourceDestinations{Store: st}, Fallback: outbox.Local{},
			RateLink: func(tok string) string { return base + workflow.RatePagePath + tok }},
	}}
	outCtx, stopOutbox := context.WithCancel(ctx)
	outDone := make(chan struct{})
	go func() { _ = runner.Run(outCtx); close(outDone) }()
	t.Cleanup(func() { stopOutbox(); <-outDone })

	w := web.New(svc, pipe, web.Options{Logger: log, UploadDir: t.TempDir()})
	mux := http.NewServeMux()
	hooks.New(st, pipe, log).Register(mux)
	apiH := api.New(svc, log)
	for _, p := range []string{"/api/", "/healthz", "/r/"} {
		mux.Handle(p, apiH)
	}
	mux.Handle("/", w)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	a := &app{URL: base, Store: st, Svc: svc, Pipe: pipe, Web: w, VK: vkAPI, VKSrc: vkSrc, Outbox: runner,
		Shots: screenshotDir(t)}
	t.Logf("screenshots: %s", a.Shots)
	return a
}

// waitPublished waits until the outbox has published the answer and returns it.
func waitPublished(t *testing.T, a *app, answerID int64) model.Answer {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ans, err := a.Store.Answer(context.Background(), answerID)
		if err != nil {
			t.Fatal(err)
		}
		if ans.State == model.AnswerPublished {
			return ans
		}
		if time.Now().After(deadline) {
			t.Fatalf("answer %d is still %s: the outbox did not publish it", answerID, ans.State)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// browser is one headless Chromium with a fresh profile.
type browser struct {
	t   *testing.T
	app *app
	ctx context.Context
}

// newBrowser starts Chromium with the flags DESIGN.md names and a fresh user-data directory.
func (a *app) newBrowser(t *testing.T) *browser {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(requireChromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	b := &browser{t: t, app: a, ctx: ctx}
	b.do(chromedp.Navigate("about:blank"))
	return b
}

func (b *browser) do(steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// open navigates to a path of the app and waits for the page to load.
func (b *browser) open(path string) { b.t.Helper(); b.do(chromedp.Navigate(b.app.URL + path)) }

// fill types a value into the field matching a CSS selector, replacing what it held.
func (b *browser) fill(sel, value string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)))
	// Clear first (chromedp's SetValue cannot set an empty value), then type like a person.
	eval[bool](b, fmt.Sprintf(`(function(){ document.querySelector(%s).value = ""; return true })()`, strconv.Quote(sel)))
	b.do(chromedp.SendKeys(chromedp.CSS(sel), value))
}

// choose selects an option of a select by its value.
func (b *browser) choose(sel, value string) {
	b.t.Helper()
	b.do(chromedp.SetValue(chromedp.CSS(sel), value))
}

func (b *browser) click(sel string) { b.t.Helper(); b.do(chromedp.Click(chromedp.CSS(sel))) }

func (b *browser) waitVisible(sel string) {
	b.t.Helper()
	b.do(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// text is the visible text of the first element matching a CSS selector.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: text of %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// eval runs JavaScript in the page and returns its value.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("browser: eval %q: %v", js, err)
	}
	return v
}

// location is the current URL's path and query.
func (b *browser) location() string {
	b.t.Helper()
	u, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatal(err)
	}
	return strings.TrimPrefix(u, b.app.URL)
}

// login signs in through the form as a demo user.
func (b *browser) login(login string) {
	b.t.Helper()
	b.open("/login")
	b.fill("#login", login)
	b.fill("#password", seed.Password)
	b.click("form[action='/login'] button[type=submit]")
	b.waitVisible(".who")
}

var shotName = regexp.MustCompile(`[^a-z0-9-]+`)

// screenshot saves the whole page as a PNG named after the step and returns its path.
func (b *browser) screenshot(name string) string {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	b.app.mu.Lock()
	b.app.shot++
	n := b.app.shot
	b.app.mu.Unlock()
	path := filepath.Join(b.app.Shots, fmt.Sprintf("%s-%02d-%s.png", shotName.ReplaceAllString(strings.ToLower(b.t.Name()), "-"), n, shotName.ReplaceAllString(name, "-")))
	if err := os.WriteFile(path, png, 0o644); err != nil {
		b.t.Fatal(err)
	}
	return path
}

// photoFile writes a small PNG picture for upload fields and returns its path.
func photoFile(t *testing.T) string {
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for x := 0; x < 64; x++ {
		for y := 0; y < 48; y++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 5), 120, 255})
		}
	}
	path := filepath.Join(t.TempDir(), "двор.png")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		t.Fatal(err)
	}
	return path
}

// A resident writes through the reception with a photo, gets a number and a secret link, and follows it.
func TestBrowserReception(t *testing.T) {
	a := startApp(t)
	b := a.newBrowser(t)
	b.open("/")
	b.screenshot("home")
	b.open("/reception")
	b.screenshot("reception")
	b.fill("#name", "Ольга Викторовна Зуева")
	b.fill("#email", "o.zueva@example.org")
	b.choose("#territory", "25701000")
	b.choose("#category", "roads.potholes")
	b.fill("#address", "ул. Байкальская, 105")
	b.fill("#text", "Напротив дома по ул. Байкальская, 105 на проезжей части глубокая яма, машины вылетают на тротуар. Просим заделать.")
	b.do(chromedp.SetUploadFiles(chromedp.CSS("#photos"), []string{photoFile(t)}))
	b.click("#consent")
	b.click("#reception-form button[type=submit]")
	b.waitVisible("#number")
	number := b.text("#number")
	if !regexp.MustCompile(`^38-\d{4}-\d+$`).MatchString(number) {
		t.Fatalf("tracking number %q", number)
	}
	link := b.text("#track-link")
	if !strings.HasPrefix(link, a.URL+"/reception/track/") {
		t.Fatalf("tracking link %q", link)
	}
	b.screenshot("reception-confirmation")

	inc, err := a.Store.IncidentByNumber(b.ctx, number)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := a.Store.Messages(b.ctx, inc.ID)
	if err != nil || len(msgs) == 0 || msgs[0].Source != "reception" || len(msgs[0].Attachments) != 1 {
		t.Fatalf("stored messages %+v, %v", msgs, err)
	}

	b.click("#track-link")
	b.waitVisible("#status")
	if got := b.text("h1"); !strings.Contains(got, number) {
		t.Fatalf("tracking page heading %q", got)
	}
	if status := b.text("#status"); status == "" || strings.Contains(status, "status.") {
		t.Fatalf("status %q not in words", status)
	}
	b.screenshot("reception-tracking")
	trackURL := b.location()

	// The centre and the executor answer through the workflow; the answer is published.
	actor := func(login string) model.Actor {
		u, _, err := a.Store.UserByLogin(b.ctx, login)
		if err != nil {
			t.Fatal(err)
		}
		return model.ActorOf(u)
	}
	ex := actor("adm.irkutsk")
	if _, err := a.Svc.Act(b.ctx, actor("operator"), inc.ID, model.ActAssign, model.ActionArgs{ExecutorID: ex.ExecutorID}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Svc.Act(b.ctx, ex, inc.ID, model.ActAccept, model.ActionArgs{}); err != nil {
		t.Fatal(err)
	}
	ans, err := a.Svc.CreateAnswer(b.ctx, ex, inc.ID, workflow.AnswerInput{Kind: model.AnswerFinal, Submit: true,
		Text: "Яма у дома по ул. Байкальская, 105 заделана 27 ноября: уложен новый асфальт, фото приложено.", Attachments: []string{"photo:1"}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Svc.AnswerAct(b.ctx, actor("moderator"), ans.ID, model.AnsApprove, workflow.AnswerArgs{}); err != nil {
		t.Fatal(err)
	}
	waitPublished(t, a, ans.ID) // by the outbox, in place (outbox.Local)

	// The resident reads the answer and rates it.
	b.open(trackURL)
	b.waitVisible("input[name=score][value='4']")
	if txt := b.text(".answer p:not(.meta)"); !strings.Contains(txt, "уложен новый асфальт") {
		t.Fatalf("answer on the tracking page: %q", txt)
	}
	b.screenshot("reception-answer")
	b.click("input[name=score][value='4']")
	b.click("input[name=solved][value=yes]")
	b.fill("textarea[name=comment]", "Спасибо, сделали быстро")
	b.click("form[action$='/rate'] button[type=submit]")
	b.waitVisible(".success")
	if txt := b.text("main"); !strings.Contains(txt, "Ваша оценка: 4 из 5") {
		t.Fatalf("after rating: %q", txt)
	}
	b.screenshot("reception-rated")

	// The public statistics count the new appeal.
	b.open("/stats?period=7")
	b.waitVisible("#stat-received")
	b.screenshot("stats")

	// The same form on a phone.
	b.do(chromedp.EmulateViewport(390, 844))
	b.open("/reception")
	b.screenshot("reception-phone")
}

// Staff sign in; a form that lost its CSRF token is refused; a role cannot open another role's page.
func TestBrowserLoginAndCSRF(t *testing.T) {
	a := startApp(t)
	b := a.newBrowser(t)
	b.open("/login")
	b.screenshot("login")
	// A wrong password first.
	b.fill("#login", "operator")
	b.fill("#password", "not-the-password")
	b.click("form[action='/login'] button[type=submit]")
	b.waitVisible("#login-error")
	b.screenshot("login-failed")

	b.login("operator")
	if who := b.text(".who"); !strings.Contains(who, "Ирина Соколова") {
		t.Fatalf("signed in as %q", who)
	}
	b.screenshot("home-operator")

	// Strip the token from the sign-out form and send it: refused with 403, still signed in.
	eval[bool](b, `(function(){ document.querySelector("form[action='/logout'] input[name=csrf_token]").remove(); return true })()`)
	b.click("form[action='/logout'] button[type=submit]")
	b.waitVisible(".error-panel")
	if msg := b.text(".error-panel"); !strings.Contains(msg, "403") {
		t.Fatalf("sign-out without a token: %q", msg)
	}
	b.screenshot("csrf-refused")
	b.open("/")
	if who := b.text(".who"); !strings.Contains(who, "Ирина Соколова") {
		t.Fatal("the refused sign-out signed the user out")
	}

	// A photo a resident sent is for staff only: an anonymous browser is sent to sign in.
	anon := a.newBrowser(t)
	anon.open("/files/reception/AAAAAAAAAAAAAAAAAAAAAAAA.png")
	if loc := anon.location(); !strings.HasPrefix(loc, "/login?next=") {
		t.Fatalf("anonymous at a staff URL landed on %q", loc)
	}

	// The language switch.
	b.click("a[hreflang=en]")
	b.waitVisible("html[lang=en]")
	b.screenshot("home-operator-en")

	// Signing out with the real form works.
	b.click("form[action='/logout'] button[type=submit]")
	b.waitVisible("#login")
	if loc := b.location(); loc != "/login" {
		t.Fatalf("after sign-out at %q", loc)
	}
}
