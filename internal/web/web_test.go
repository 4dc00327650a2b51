package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/model"
)

func TestSecurityHeaders(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	for _, path := range []string{"/", "/login", "/nope", "/static/app.css"} {
		res := b.get(path)
		h := res.Header
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	if res := b.get("/nope"); res.Status != http.StatusNotFound || !strings.Contains(res.Body, "Такой страницы нет") {
		t.Errorf("404 page: %d", res.Status)
	}
	// Static files: versioned URLs are immutable, others short-lived.
	home := b.get("/login").Body
	i := strings.Index(home, "/static/app.css?v=")
	if i < 0 {
		t.Fatal("no versioned stylesheet link")
	}
	link := home[i : i+strings.IndexByte(home[i:], '"')]
	if res := b.get(link); res.Status != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") {
		t.Errorf("%s: %d %v", link, res.Status, res.Header)
	}
	if res := b.get("/static/app.css"); !strings.Contains(res.Header.Get("Cache-Control"), "max-age=300") {
		t.Errorf("unversioned: %v", res.Header.Get("Cache-Control"))
	}
	// No inline script or style anywhere in the rendered pages.
	for _, path := range []string{"/", "/login", "/nope"} {
		body := b.get(path).Body
		if strings.Contains(body, "<script>") || strings.Contains(body, " style=") || strings.Contains(body, "<style") || strings.Contains(body, "onclick") {
			t.Errorf("%s has inline script or style", path)
		}
	}
}

func TestLogin(t *testing.T) {
	e := newEnv(t, okPage(model.RoleOperator, model.RoleAdmin))
	t.Run("success", func(t *testing.T) {
		b := e.browser(t)
		before := b.get("/")
		if !strings.Contains(before.Body, `href="/login"`) {
			t.Fatal("anonymous home has no sign-in link")
		}
		res := b.submit("/login?next=/test/operator", "/login", url.Values{"login": {"operator"}, "password": {seed.Password}, "next": {"/test/operator"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/test/operator" {
			t.Fatalf("status %d location %q", res.Status, res.Header.Get("Location"))
		}
		var cookie *http.Cookie
		for _, c := range (&http.Response{Header: res.Header}).Cookies() {
			if c.Name == sessionCookie {
				cookie = c
			}
		}
		if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Secure {
			t.Fatalf("session cookie = %+v", cookie)
		}
		page := b.get("/test/operator")
		if page.Status != 200 || !strings.Contains(page.Body, "Ирина Соколова") {
			t.Fatalf("operator page: %d", page.Status)
		}
		// The stored session holds only the token's hash.
		var n int
		if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM web_sessions WHERE token_hash = ?`, cookie.Value).Scan(&n); err != nil || n != 0 {
			t.Fatalf("raw token stored: %d, %v", n, err)
		}
	})
	t.Run("open redirect refused", func(t *testing.T) {
		b := e.browser(t)
		res := b.submit("/login", "/login", url.Values{"login": {"operator"}, "password": {seed.Password}, "next": {"//evil.example/x"}})
		if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/" {
			t.Fatalf("status %d location %q", res.Status, res.Header.Get("Location"))
		}
	})
	t.Run("failure", func(t *testing.T) {
		b := e.browser(t)
		for _, f := range []url.Values{
			{"login": {"operator"}, "password": {"wrong-password"}},
			{"login": {"nobody"}, "password": {seed.Password}},
			{"login": {""}, "password": {""}},
		} {
			res := b.submit("/login", "/login", f)
			if res.Status != http.StatusUnauthorized || !strings.Contains(res.Body, "Неверный логин или пароль") {
				t.Errorf("%v: status %d", f, res.Status)
			}
		}
		if res := b.get("/test/operator"); res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=") {
			t.Errorf("anonymous on a staff page: %d %q", res.Status, res.Header.Get("Location"))
		}
	})
	t.Run("rate limited per login", func(t *testing.T) {
		b := e.browser(t)
		tok := b.token("/login")
		var last int
		for i := 0; i < LoginUserBurst+1; i++ {
			last = b.post("/login", url.Values{CSRFField: {tok}, "login": {"moderator"}, "password": {"guess-" + string(rune('a'+i))}}).Status
		}
		if last != http.StatusTooManyRequests {
			t.Fatalf("attempt %d: status %d, want 429", LoginUserBurst+1, last)
		}
		// Even the right password waits now; after a minute one more attempt is allowed.
		if res := b.post("/login", url.Values{CSRFField: {tok}, "login": {"moderator"}, "password": {seed.Password}}); res.Status != http.StatusTooManyRequests {
			t.Fatalf("right password while limited: %d", res.Status)
		}
		e.clock.Advance(LoginUserEvery)
		if res := b.post("/login", url.Values{CSRFField: {tok}, "login": {"moderator"}, "password": {seed.Password}}); res.Status != http.StatusSeeOther {
			t.Fatalf("after waiting: %d", res.Status)
		}
	})
	t.Run("rate limited per address", func(t *testing.T) {
		b := e.browser(t)
		tok := b.token("/login")
		limited := false
		for i := 0; i < LoginIPBurst+1; i++ {
			login := "user" + string(rune('a'+i)) // a different login each time: only the address limit applies
			if b.post("/login", url.Values{CSRFField: {tok}, "login": {login}, "password": {"x"}}).Status == http.StatusTooManyRequests {
				limited = true
			}
		}
		if !limited {
			t.Fatal("no limit per address")
		}
	})
}

func TestCSRFAndRoles(t *testing.T) {
	e := newEnv(t, okPage(model.RoleOperator, model.RoleAdmin))
	b := e.browser(t)
	// Anonymous: no token, a wrong token, another browser's token.
	other := e.browser(t)
	otherTok := other.token("/login")
	b.token("/login")
	for name, f := range map[string]url.Values{
		"missing":         {"login": {"operator"}, "password": {seed.Password}},
		"wrong":           {CSRFField: {"abc"}, "login": {"operator"}, "password": {seed.Password}},
		"another browser": {CSRFField: {otherTok}, "login": {"operator"}, "password": {seed.Password}},
	} {
		if res := b.post("/login", f); res.Status != http.StatusForbidden || !strings.Contains(res.Body, "Форма устарела") {
			t.Errorf("%s token: status %d", name, res.Status)
		}
	}
	// A browser reporting a cross-site form is refused even with a valid token.
	req, _ := http.NewRequest("POST", e.ts.URL+"/login", strings.NewReader(url.Values{CSRFField: {b.token("/login")}, "login": {"operator"}, "password": {seed.Password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if res := b.do(req); res.Status != http.StatusForbidden {
		t.Errorf("cross-site form: %d", res.Status)
	}
	// Signed in: the session's token, not the anonymous one.
	anonTok := b.token("/login")
	b.login("school19")
	if res := b.post("/logout", url.Values{CSRFField: {anonTok}}); res.Status != http.StatusForbidden {
		t.Errorf("sign-out with the anonymous token: %d", res.Status)
	}
	// A role cannot open another role's page.
	res := b.get("/test/operator")
	if res.Status != http.StatusForbidden || !strings.Contains(res.Body, "недоступна для вашей роли") {
		t.Errorf("executor on an operator page: %d", res.Status)
	}
	// With the right token sign-out works and the session is gone.
	if res := b.submit("/", "/logout", url.Values{}); res.Status != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", res.Status)
	}
	if res := b.get("/test/operator"); res.Status != http.StatusSeeOther {
		t.Errorf("after sign-out: %d", res.Status)
	}
}

func TestSessionExpiryAndSignOutEverywhere(t *testing.T) {
	e := newEnv(t, okPage(model.RoleOperator))
	t.Run("idle", func(t *testing.T) {
		b := e.browser(t)
		b.login("operator")
		e.clock.Advance(e.srv.opts.IdleTimeout - time.Minute)
		if res := b.get("/test/operator"); res.Status != 200 {
			t.Fatalf("before idle limit: %d", res.Status)
		}
		e.clock.Advance(e.srv.opts.IdleTimeout - time.Minute) // used a moment ago: still alive
		if res := b.get("/test/operator"); res.Status != 200 {
			t.Fatalf("idle limit counted from the last use: %d", res.Status)
		}
		other := e.browser(t)
		other.login("operator2")
		e.clock.Advance(e.srv.opts.IdleTimeout)
		if res := b.get("/test/operator"); res.Status != http.StatusSeeOther {
			t.Fatalf("after idle limit: %d", res.Status)
		}
		// The other idle session is refused too, and the janitor removes it from the table.
		if n, err := e.srv.PurgeSessions(t.Context()); err != nil || n != 1 {
			t.Fatalf("purged %d, %v", n, err)
		}
		if res := other.get("/"); strings.Contains(res.Body, "Денис Орлов") {
			t.Fatal("an idle session still open after the purge")
		}
	})
	t.Run("absolute", func(t *testing.T) {
		b := e.browser(t)
		b.login("operator")
		for used := time.Duration(0); used < e.srv.opts.MaxAge-time.Hour; used += time.Hour {
			e.clock.Advance(time.Hour)
			if res := b.get("/test/operator"); res.Status != 200 {
				t.Fatalf("after %v: %d", used+time.Hour, res.Status)
			}
		}
		e.clock.Advance(2 * time.Hour)
		if res := b.get("/test/operator"); res.Status != http.StatusSeeOther {
			t.Fatalf("past the absolute limit: %d", res.Status)
		}
	})
	t.Run("rotation and everywhere", func(t *testing.T) {
		laptop, phone, colleague := e.browser(t), e.browser(t), e.browser(t)
		laptop.login("operator")
		first := sessionToken(t, laptop)
		// Signing in again from a signed-in browser replaces its session.
		if res := laptop.submit("/", "/login", url.Values{"login": {"operator"}, "password": {seed.Password}}); res.Status != http.StatusSeeOther {
			t.Fatalf("second sign-in: %d", res.Status)
		}
		if sessionToken(t, laptop) == first {
			t.Fatal("session not rotated at sign-in")
		}
		phone.login("operator")
		colleague.login("operator2")
		var n int
		if err := e.st.DB().QueryRow(`SELECT COUNT(*) FROM web_sessions ws JOIN users u ON u.id = ws.user_id WHERE u.login = 'operator'`).Scan(&n); err != nil || n != 2 {
			t.Fatalf("operator sessions = %d, %v (the rotated one must be gone)", n, err)
		}
		if res := phone.submit("/", "/logout/everywhere", url.Values{}); res.Status != http.StatusSeeOther {
			t.Fatalf("sign out everywhere: %d", res.Status)
		}
		if res := laptop.get("/test/operator"); res.Status != http.StatusSeeOther {
			t.Errorf("laptop still signed in: %d", res.Status)
		}
		if res := colleague.get("/"); !strings.Contains(res.Body, "Денис Орлов") {
			t.Errorf("another user's session ended too")
		}
	})
}

func sessionToken(t *testing.T, b *browser) string {
	u, _ := url.Parse(b.e.ts.URL)
	for _, c := range b.c.Jar.Cookies(u) {
		if c.Name == sessionCookie {
			return c.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

func TestLanguageSwitch(t *testing.T) {
	e := newEnv(t)
	b := e.browser(t)
	if !strings.Contains(b.get("/login").Body, "Вход для сотрудников") {
		t.Fatal("Russian is not the default")
	}
	res := b.get("/lang/en?next=/login")
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Fatalf("switch: %d %q", res.Status, res.Header.Get("Location"))
	}
	if body := b.get("/login").Body; !strings.Contains(body, "Staff sign-in") || !strings.Contains(body, `lang="en"`) {
		t.Fatal("English not shown after the switch")
	}
	if res := b.get("/lang/de"); res.Status != http.StatusNotFound {
		t.Fatalf("unknown language: %d", res.Status)
	}
}
