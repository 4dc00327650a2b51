package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
)

// TestUsersPages: an administrator lists the accounts, adds one (bad fields refused one by one, what was typed
// kept, nothing stored), changes its role and binding, sets its password (the person then signs in), disables
// it (the person's session ends) and enables it again; an administrator cannot lock themselves out; other roles
// cannot open the pages.
func TestUsersPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, login := range []string{"operator", "curator"} {
		b := e.browser(t)
		b.login(login)
		if res := b.get("/users"); res.Status != http.StatusForbidden {
			t.Errorf("%s opens /users: %d", login, res.Status)
		}
	}
	b := e.browser(t)
	b.login("admin")
	res := b.get("/users")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="user-uk.angara"`) || !strings.Contains(res.Body, `href="/users" aria-current="page"`) {
		t.Fatalf("the list: %d\n%s", res.Status, res.Body)
	}
	users, err := e.st.Users(ctx)
	if err != nil {
		t.Fatal(err)
	}
	good := func() url.Values {
		return url.Values{"login": {"petrova"}, "name": {"Петрова Е. С., диспетчер УК"}, "role": {"executor"},
			"executor": {"uk-angara-dom"}, "territory": {""}, "password": {""}}
	}
	for _, c := range []struct {
		name, field, text string
		edit              func(url.Values)
	}{
		{"a bad login", "login", "Латинские", func(f url.Values) { f.Set("login", "Петрова") }},
		{"a taken login", "login", "уже есть", func(f url.Values) { f.Set("login", "operator") }},
		{"no name", "name", "Укажите имя", func(f url.Values) { f.Set("name", " ") }},
		{"an unknown role", "role", "Выберите роль", func(f url.Values) { f.Set("role", "root") }},
		{"an executor without its organisation", "executor", "выберите организацию", func(f url.Values) { f.Set("executor", "") }},
		{"an unknown territory", "territory", "Такой территории нет", func(f url.Values) { f.Set("role", "supervisor"); f.Set("territory", "99999999") }},
		{"a short password", "password", "не короче 8", func(f url.Values) { f.Set("password", "1234") }},
	} {
		f := good()
		c.edit(f)
		res := b.submit("/users", "/users", f)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) || !strings.Contains(res.Body, c.text) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
			continue
		}
		if v := f.Get("name"); strings.TrimSpace(v) != "" && !strings.Contains(res.Body, `value="`+v+`"`) {
			t.Errorf("%s: the typed name is not kept", c.name)
		}
	}
	if after, _ := e.st.Users(ctx); len(after) != len(users) {
		t.Fatalf("refused forms added %d users", len(after)-len(users))
	}

	res = b.submit("/users", "/users", good())
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/users?done=added" {
		t.Fatalf("add: %d\n%s", res.Status, res.Body)
	}
	u, _, err := e.st.UserByLogin(ctx, "petrova")
	if err != nil || u.Role != model.RoleExecutor || u.ExecutorID == 0 || u.Name != "Петрова Е. С., диспетчер УК" {
		t.Fatalf("added %+v, %v", u, err)
	}

	page := "/users/petrova"
	res = b.submit(page, page, url.Values{"form": {"profile"}, "name": {"Петрова Е. С."}, "role": {"supervisor"}, "territory": {"25714000"}, "executor": {""}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("profile: %d\n%s", res.Status, res.Body)
	}
	if u, _, _ = e.st.UserByLogin(ctx, "petrova"); u.Role != model.RoleSupervisor || u.TerritoryID == 0 || u.ExecutorID != 0 || u.Name != "Петрова Е. С." {
		t.Fatalf("after the profile form: %+v", u)
	}
	if res := b.submit(page, page, url.Values{"form": {"password"}, "password": {"short"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `id="password-error"`) {
		t.Fatalf("a short password: %d", res.Status)
	}
	const pw = "Петрова-2026-пароль"
	if res := b.submit(page, page, url.Values{"form": {"password"}, "password": {pw}}); res.Status != http.StatusSeeOther {
		t.Fatalf("password: %d\n%s", res.Status, res.Body)
	}
	p := e.browser(t)
	if res := p.submit("/login", "/login", url.Values{"login": {"petrova"}, "password": {pw}}); res.Status != http.StatusSeeOther {
		t.Fatalf("the new user signs in: %d\n%s", res.Status, res.Body)
	}
	if res := p.get("/dashboard"); res.Status != http.StatusOK {
		t.Fatalf("the supervisor's dashboard: %d", res.Status)
	}
	if res := b.submit(page, page, url.Values{"form": {"disable"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("disable: %d", res.Status)
	}
	if res := p.get("/dashboard"); res.Status == http.StatusOK {
		t.Fatal("a disabled user's session still works")
	}
	if res := b.get(page); !strings.Contains(res.Body, `id="user-disabled"`) || !strings.Contains(res.Body, `id="user-enable"`) {
		t.Fatalf("the disabled user's page:\n%s", res.Body)
	}
	if res := b.submit(page, page, url.Values{"form": {"enable"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("enable: %d", res.Status)
	}
	if u, _, _ = e.st.UserByLogin(ctx, "petrova"); u.Disabled {
		t.Fatal("still disabled")
	}

	// Not oneself.
	self := "/users/admin"
	if res := b.submit(self, self, url.Values{"form": {"disable"}}); res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="disabled-error"`) {
		t.Fatalf("disabling oneself: %d", res.Status)
	}
	if res := b.submit(self, self, url.Values{"form": {"profile"}, "name": {"Администратор"}, "role": {"operator"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `id="role-error"`) {
		t.Fatalf("demoting oneself: %d", res.Status)
	}
	if u, _, _ := e.st.UserByLogin(ctx, "admin"); u.Role != model.RoleAdmin || u.Disabled {
		t.Fatalf("the admin after refused changes: %+v", u)
	}
	if res := b.get("/users/ghost"); res.Status != http.StatusNotFound {
		t.Fatalf("an unknown user: %d", res.Status)
	}
}
