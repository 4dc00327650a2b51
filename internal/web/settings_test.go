package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/sla"
)

// TestSettingsPage: an administrator reads and changes the region's auto-approval threshold and terms; bad
// numbers are refused field by field with what was typed kept, and nothing is stored; other roles may not open
// the page.
func TestSettingsPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for _, login := range []string{"operator", "moderator", "curator", "uk.angara"} {
		b := e.browser(t)
		b.login(login)
		if res := b.get("/settings"); res.Status != http.StatusForbidden {
			t.Errorf("%s opens the settings: %d", login, res.Status)
		}
	}
	b := e.browser(t)
	b.login("admin")
	res := b.get("/settings")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="reaction_hours"`) || !strings.Contains(res.Body, `placeholder="24"`) ||
		!strings.Contains(res.Body, "Asia/Irkutsk") || !strings.Contains(res.Body, `href="/settings"`) {
		t.Fatalf("the settings page: %d\n%s", res.Status, res.Body)
	}
	stored := func() model.RegionSettings {
		t.Helper()
		regs, err := e.st.Regions(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return regs[0].Settings
	}
	before := stored()

	for _, c := range []struct {
		name  string
		form  url.Values
		field string
		text  string
	}{
		{"not a number", url.Values{"auto_approve": {"0"}, "reaction_hours": {"сутки"}}, "reaction_hours", "Введите целое число"},
		{"out of range", url.Values{"auto_approve": {"0"}, "reception_answer_days": {"45"}}, "reception_answer_days", "Допустимо от 1 до 30"},
		{"urgent longer", url.Values{"auto_approve": {"0"}, "urgent_reaction_hours": {"30"}}, "urgent_reaction_hours", "не может быть больше обычного"},
		{"threshold missing", url.Values{"auto_approve": {""}}, "auto_approve", "Укажите значение"},
	} {
		res := b.submit("/settings", "/settings", c.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) ||
			!strings.Contains(res.Body, c.text) || !strings.Contains(res.Body, `aria-invalid="true"`) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
		}
		for name, v := range c.form {
			if name == CSRFField {
				continue
			}
			if v[0] != "" && !strings.Contains(res.Body, `name="`+name+`" type="number" inputmode="numeric" min=`) {
				t.Errorf("%s: no %s field", c.name, name)
			}
			if v[0] != "" && !strings.Contains(res.Body, `value="`+v[0]+`"`) {
				t.Errorf("%s: the typed %s=%q is not kept", c.name, name, v[0])
			}
		}
	}
	if got := stored(); got != before {
		t.Fatalf("a refused form changed the settings: %+v", got)
	}

	res = b.submit("/settings", "/settings", url.Values{"auto_approve": {"70"}, "reaction_hours": {"12"}, "urgent_reaction_hours": {""},
		"warn_percent": {"60"}, "reception_answer_days": {" 15 "}})
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/settings?saved=settings" {
		t.Fatalf("save: %d %s\n%s", res.Status, res.Header.Get("Location"), res.Body)
	}
	want := model.RegionSettings{AutoApprove: 70, Deadlines: model.Deadlines{ReactionHours: 12, WarnPercent: 60, ReceptionAnswerDays: 15}}
	if got := stored(); got != want {
		t.Fatalf("stored %+v, want %+v", got, want)
	}
	// The workflow counts with the new terms at once.
	clk, err := e.svc.Clock(ctx, mustRegion(t, e).ID)
	if err != nil || clk.Terms.ReactionHours != 12 || clk.Terms.UrgentReactionHours != model.DefaultUrgentReactionHours {
		t.Fatalf("the workflow's terms: %+v, %v", clk.Terms, err)
	}
	res = b.get("/settings?saved=settings")
	if !strings.Contains(res.Body, `id="settings-saved"`) || !strings.Contains(res.Body, `value="12"`) || !strings.Contains(res.Body, `value="70"`) {
		t.Fatalf("after saving:\n%s", res.Body)
	}
	// English.
	b.get("/lang/en?next=/settings")
	if res := b.get("/settings"); !strings.Contains(res.Body, "Auto-approval threshold") {
		t.Fatalf("the English page:\n%s", res.Body)
	}
}

func mustRegion(t *testing.T, e *env) model.Region {
	t.Helper()
	regs, err := e.st.Regions(context.Background())
	if err != nil || len(regs) == 0 {
		t.Fatalf("regions: %v", err)
	}
	return regs[0]
}

// TestSettingsCalendar: an administrator changes the working calendar; times, weekdays and dates are checked and
// explained field by field with what was typed kept; dates may be written the Russian way and are stored sorted
// as YYYY-MM-DD; the workflow counts with the new calendar at once.
func TestSettingsCalendar(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.browser(t)
	b.login("admin")
	before := mustRegion(t, e).Calendar
	valid := func() url.Values {
		return url.Values{"mode": {"working"}, "start": {"08:30"}, "end": {"17:30"}, "lunch_start": {"12:30"}, "lunch_end": {"13:15"},
			"weekday": {"mon", "tue", "wed", "thu", "fri", "sat"}, "production_calendar": {"ru"},
			"holidays": {"31.12.2026\n2026-12-30, 30.12.2026"}, "working_days": {""}, "short_days": {"2026-12-29"}}
	}
	for _, c := range []struct {
		name  string
		edit  func(url.Values)
		field string
		text  string
	}{
		{"a bad time", func(f url.Values) { f.Set("start", "полдевятого") }, "start", "ЧЧ:ММ"},
		{"the end before the start", func(f url.Values) { f.Set("end", "08:00") }, "end", "позже начала"},
		{"a break outside the day", func(f url.Values) { f.Set("lunch_start", "19:00"); f.Set("lunch_end", "20:00") }, "lunch_end", "внутри рабочего дня"},
		{"half a break", func(f url.Values) { f.Set("lunch_end", "") }, "lunch_end", "внутри рабочего дня"},
		{"no weekday", func(f url.Values) { f.Del("weekday") }, "weekdays", "хотя бы один"},
		{"a bad date", func(f url.Values) { f.Set("holidays", "2026-12-31\n32.12.2026") }, "holidays", "«32.12.2026» — не дата"},
		{"a date both ways", func(f url.Values) { f.Set("working_days", "30.12.2026") }, "working_days", "и нерабочей, и рабочей"},
		{"an unknown mode", func(f url.Values) { f.Set("mode", "shifts") }, "mode", "как считаются часы"},
	} {
		f := valid()
		c.edit(f)
		res := b.submit("/settings", "/settings/calendar", f)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) || !strings.Contains(res.Body, c.text) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
			continue
		}
		if v := f.Get("start"); v != "" && !strings.Contains(res.Body, `value="`+v+`"`) {
			t.Errorf("%s: the typed start %q is not kept", c.name, v)
		}
	}
	if got := mustRegion(t, e).Calendar; got.Mode != before.Mode || got.Start != before.Start || len(got.Holidays) != len(before.Holidays) {
		t.Fatalf("a refused calendar was stored: %+v", got)
	}

	res := b.submit("/settings", "/settings/calendar", valid())
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/settings?saved=calendar" {
		t.Fatalf("save: %d\n%s", res.Status, res.Body)
	}
	got := mustRegion(t, e).Calendar
	if got.Mode != "working" || got.Start != "08:30" || got.LunchEnd != "13:15" || strings.Join(got.Weekdays, " ") != "mon tue wed thu fri sat" ||
		strings.Join(got.Holidays, " ") != "2026-12-30 2026-12-31" || len(got.WorkingDays) != 0 || strings.Join(got.ShortDays, " ") != "2026-12-29" {
		t.Fatalf("stored %+v", got)
	}
	cal, err := e.svc.Calendar(ctx, mustRegion(t, e).ID)
	if err != nil {
		t.Fatal(err)
	}
	if cal.Mode != sla.WorkingHours || !cal.Weekdays.Has(time.Saturday) || cal.IsWorkingDay(sla.NewDate(2026, 12, 30)) {
		t.Fatalf("the workflow's calendar: %+v", cal)
	}
	res = b.get("/settings?saved=calendar")
	if !strings.Contains(res.Body, `id="calendar-saved"`) || !strings.Contains(res.Body, `value="08:30"`) ||
		!strings.Contains(res.Body, `name="weekday" value="sat" checked`) || !strings.Contains(res.Body, "2026-12-30\n2026-12-31") {
		t.Fatalf("after saving:\n%s", res.Body)
	}
}

// TestSettingsTokens: an administrator mints an API key for a user, sees it once, finds it listed (without the
// key) and revokes it; a key without a user or a purpose is refused and nothing is stored.
func TestSettingsTokens(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	b := e.browser(t)
	b.login("admin")
	before, err := e.st.Tokens(ctx) // the demo's admin token
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		form url.Values
	}{
		{"no user", url.Values{"user": {""}, "label": {"Мой город"}}},
		{"an unknown user", url.Values{"user": {"ghost"}, "label": {"Мой город"}}},
		{"no purpose", url.Values{"user": {"operator"}, "label": {"  "}}},
	} {
		res := b.submit("/settings", "/settings/tokens", c.form)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="token-error"`) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
		}
	}
	if list, err := e.st.Tokens(ctx); err != nil || len(list) != len(before) {
		t.Fatalf("refused keys stored: %+v %v", list, err)
	}
	res := b.submit("/settings", "/settings/tokens", url.Values{"user": {"operator"}, "label": {"Приложение «Мой город», Open311"}})
	m := regexp.MustCompile(`<code id="new-token-value">([^<]+)</code>`).FindStringSubmatch(res.Body)
	if res.Status != http.StatusOK || m == nil {
		t.Fatalf("create: %d\n%s", res.Status, res.Body)
	}
	u, err := e.st.UserByToken(ctx, auth.HashToken(m[1]))
	if err != nil || u.Login != "operator" {
		t.Fatalf("the new key resolves to %+v, %v", u, err)
	}
	list, err := e.st.Tokens(ctx)
	if err != nil || len(list) != len(before)+1 || list[0].Login != "operator" {
		t.Fatalf("tokens %+v %v", list, err)
	}
	res = b.get("/settings")
	if !strings.Contains(res.Body, fmt.Sprintf(`id="token-%d"`, list[0].ID)) || !strings.Contains(res.Body, "Приложение «Мой город», Open311") ||
		strings.Contains(res.Body, m[1]) {
		t.Fatalf("the list:\n%s", res.Body)
	}
	res = b.submit("/settings", fmt.Sprintf("/settings/tokens/%d/revoke", list[0].ID), url.Values{})
	if res.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d\n%s", res.Status, res.Body)
	}
	if _, err := e.st.UserByToken(ctx, auth.HashToken(m[1])); err == nil {
		t.Fatal("a revoked key still resolves")
	}
	if res := b.submit("/settings", "/settings/tokens/99999/revoke", url.Values{}); res.Status != http.StatusNotFound {
		t.Fatalf("revoking an unknown key: %d", res.Status)
	}
	// Only administrators.
	op := e.browser(t)
	op.login("operator")
	if res := op.submit("/incidents", "/settings/tokens", url.Values{"user": {"operator"}, "label": {"x"}}); res.Status != http.StatusForbidden {
		t.Fatalf("an operator mints a key: %d", res.Status)
	}
}
