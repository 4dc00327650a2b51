package web_test

import (
	"context"
	"strings"
	"testing"
)

// TestBrowserSettings: the administrator finds the settings in the navigation, types a term the form refuses,
// reads why next to the field, corrects it and saves; then makes Saturday a working day and adds a holiday in the
// calendar form.
func TestBrowserSettings(t *testing.T) {
	a := startApp(t)
	ctx := context.Background()
	b := a.newBrowser(t)
	b.login("admin")
	b.click(`nav a[href="/settings"]`)
	b.waitVisible("#settings-form")

	b.fill("#reaction_hours", "12")
	b.fill("#urgent_reaction_hours", "30")
	b.click("#settings-save")
	b.waitVisible("#urgent_reaction_hours-error")
	if msg := b.text("#urgent_reaction_hours-error"); !strings.Contains(msg, "не может быть больше обычного") {
		t.Fatalf("the urgent term's error: %q", msg)
	}
	if v := eval[string](b, `document.querySelector("#reaction_hours").value`); v != "12" {
		t.Fatalf("the typed reaction term was lost: %q", v)
	}
	b.screenshot("settings-refused")
	b.fill("#urgent_reaction_hours", "2")
	b.click("#settings-save")
	b.waitVisible("#settings-saved")
	regs, err := a.Store.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if d := regs[0].Settings.Deadlines; d.ReactionHours != 12 || d.UrgentReactionHours != 2 {
		t.Fatalf("stored terms %+v", d)
	}

	b.click(`#calendar-form input[name="mode"][value="working"]`)
	b.click(`#calendar-form input[name="weekday"][value="sat"]`)
	b.fill("#holidays", "30.12.2026")
	b.click("#calendar-save")
	b.waitVisible("#calendar-saved")
	b.screenshot("settings-saved")
	regs, err = a.Store.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if c := regs[0].Calendar; c.Mode != "working" || len(c.Weekdays) != 6 || len(c.Holidays) != 1 || c.Holidays[0] != "2026-12-30" {
		t.Fatalf("stored calendar %+v", c)
	}

	// An API key for an integrator, shown once.
	b.choose("#token-user", "operator")
	b.fill("#token-label", "Приложение «Мой город»")
	b.click("#token-create")
	b.waitVisible("#new-token-value")
	if tok := b.text("#new-token-value"); !strings.HasPrefix(tok, "otk_") {
		t.Fatalf("the new key: %q", tok)
	}
	b.screenshot("settings-token")

	// The accounts: the list, and a person's page.
	b.click(`.admin-tabs a[href="/users"]`)
	b.waitVisible("#user-list")
	b.screenshot("users")
	b.click(`#user-list a[href="/users/uk.angara"]`)
	b.waitVisible("#profile-form")
	if v := eval[string](b, `document.querySelector("#executor").value`); v != "uk-angara-dom" {
		t.Fatalf("the executor's organisation on their page: %q", v)
	}
	b.screenshot("user")

	// The executors: the list and one's form.
	b.click(`.admin-tabs a[href="/executors"]`)
	b.waitVisible("#executor-list")
	b.click(`#executor-list a[href="/executors/uk-angara-dom"]`)
	b.waitVisible("#executor-form")
	b.screenshot("executor")

	// The categories.
	b.click(`.admin-tabs a[href="/categories"]`)
	b.waitVisible("#category-list")
	b.screenshot("categories")

	// The routing table, from the header.
	b.click(`nav a[href="/routing"]`)
	b.waitVisible("#rule-list")
	b.screenshot("routing")
}
