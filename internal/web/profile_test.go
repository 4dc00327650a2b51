package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/store"
)

// TestProfile: a member of staff says where notifications reach them — refused field by field when wrong, an
// empty address removing a channel — and changes their password after giving the current one.
func TestProfile(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if res := e.browser(t).get("/profile"); res.Status == http.StatusOK {
		t.Fatal("the profile opens without signing in")
	}
	b := e.browser(t)
	b.login("uk.angara")
	res := b.get("/profile")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, "ООО «УК Ангара-Дом»") || !strings.Contains(res.Body, `href="/profile"`) {
		t.Fatalf("the profile: %d\n%s", res.Status, res.Body)
	}
	u, _, err := e.st.UserByLogin(ctx, "uk.angara")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, field string
		form        url.Values
	}{
		{"a bad e-mail", "email", url.Values{"email": {"olga at example"}}},
		{"a bad chat id", "telegram", url.Values{"telegram": {"@olga"}}},
		{"half the quiet hours", "quiet", url.Values{"email": {"olga@example.org"}, "quiet_from": {"22:00"}}},
		{"a bad time", "quiet", url.Values{"email": {"olga@example.org"}, "quiet_from": {"25:00"}, "quiet_to": {"07:00"}}},
	} {
		res := b.submit("/profile", "/profile/notifications", c.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
		}
	}
	if chans, _ := e.st.UserChannelsOf(ctx, u.ID); len(chans) != 0 {
		t.Fatalf("refused forms stored channels: %+v", chans)
	}
	res = b.submit("/profile", "/profile/notifications", url.Values{"email": {"olga@example.org"}, "email_on": {"1"},
		"telegram": {"-100200300"}, "quiet_from": {"22:00"}, "quiet_to": {"07:30"}})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", res.Status, res.Body)
	}
	chans, err := e.st.UserChannelsOf(ctx, u.ID)
	if err != nil || len(chans) != 2 || chans[0].Kind != store.ChannelEmail || chans[0].Address != "olga@example.org" || !chans[0].Enabled ||
		chans[1].Address != "-100200300" || chans[1].Enabled || chans[1].QuietFrom != "22:00" || chans[1].QuietTo != "07:30" {
		t.Fatalf("channels %+v, %v", chans, err)
	}
	// An empty address removes the channel.
	if res := b.submit("/profile", "/profile/notifications", url.Values{"email": {"olga@example.org"}, "email_on": {"1"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("save again: %d", res.Status)
	}
	if chans, _ := e.st.UserChannelsOf(ctx, u.ID); len(chans) != 1 || chans[0].QuietFrom != "" {
		t.Fatalf("after removing Telegram: %+v", chans)
	}

	if res := b.submit("/profile", "/profile/password", url.Values{"current": {"wrong password"}, "new": {"новый пароль 2026"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `id="current-error"`) {
		t.Fatalf("a wrong current password: %d", res.Status)
	}
	if res := b.submit("/profile", "/profile/password", url.Values{"current": {seed.Password}, "new": {"short"}}); res.Status != http.StatusUnprocessableEntity ||
		!strings.Contains(res.Body, `id="new-error"`) {
		t.Fatalf("a short new password: %d", res.Status)
	}
	if res := b.submit("/profile", "/profile/password", url.Values{"current": {seed.Password}, "new": {"новый пароль 2026"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("change: %d", res.Status)
	}
	n := e.browser(t)
	if res := n.submit("/login", "/login", url.Values{"login": {"uk.angara"}, "password": {"новый пароль 2026"}}); res.Status != http.StatusSeeOther {
		t.Fatalf("signing in with the new password: %d", res.Status)
	}
}
