package web

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
)

// demoLogin is a demo user of each role.
var demoLogin = map[model.Role]string{
	model.RoleAdmin: "admin", model.RoleOperator: "operator", model.RoleModerator: "moderator",
	model.RoleExecutor: "school19", model.RoleSupervisor: "curator",
}

// Every page with roles, whoever adds it: an anonymous visitor is sent to sign in (GET) or refused (POST), and
// a signed-in user of a role not listed gets the 403 page — before the handler runs, so path values need not
// exist.
func TestEveryStaffPageChecksTheRole(t *testing.T) {
	e := newEnv(t, okPage(model.RoleOperator, model.RoleAdmin)) // at least one page other roles may not open
	browsers := map[model.Role]*browser{}
	for role, login := range demoLogin {
		b := e.browser(t)
		b.login(login)
		browsers[role] = b
	}
	anon := e.browser(t)
	anonTok := anon.token("/login")
	wildcard := regexp.MustCompile(`\{[^}]+\}`)
	checked := 0
	for _, p := range e.srv.pages {
		if p.Roles == nil {
			continue
		}
		path := strings.TrimSuffix(wildcard.ReplaceAllString(p.Path, "1"), "{$}")
		send := func(b *browser, tok string) response {
			if p.Method == http.MethodGet {
				return b.get(path)
			}
			return b.post(path, url.Values{CSRFField: {tok}})
		}
		res := send(anon, anonTok)
		if p.Method == http.MethodGet && (res.Status != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login?next=")) ||
			p.Method != http.MethodGet && res.Status != http.StatusUnauthorized {
			t.Errorf("%s %s anonymous: %d %s", p.Method, p.Path, res.Status, res.Header.Get("Location"))
		}
		for role, b := range browsers {
			if slices.Contains(p.Roles, role) {
				continue
			}
			if res := send(b, b.token("/")); res.Status != http.StatusForbidden || !strings.Contains(res.Body, "недоступна для вашей роли") {
				t.Errorf("%s %s as %s: %d, want 403", p.Method, p.Path, role, res.Status)
			}
			checked++
		}
	}
	if checked == 0 {
		t.Fatal("no role refusal checked")
	}
	t.Logf("%d refusals checked", checked)
}
