package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
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
	if res.Status != http.StatusSeeOther || res.Header.Get("Location") != "/settings?saved=1" {
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
	res = b.get("/settings?saved=1")
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
