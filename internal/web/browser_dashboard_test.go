package web_test

import (
	"strings"
	"testing"
	"time"
)

// TestBrowserDashboard: the curator opens the dashboard, reads the figures, charts and rankings, and changes
// the period through the form (no script needed).
func TestBrowserDashboard(t *testing.T) {
	a := startApp(t)
	b := a.newBrowser(t)
	b.login("curator")
	b.open("/dashboard?period=quarter")
	b.waitVisible(".dash-figures")
	if h := b.text("h1"); !strings.Contains(h, "Показатели") {
		t.Fatalf("heading %q", h)
	}
	if n := eval[int](b, `document.querySelectorAll("figure.dash-chart svg").length`); n < 2 {
		t.Fatalf("%d charts drawn, want the trend and the breakdowns", n)
	}
	if f := b.text(".dash-formula"); f == "" {
		t.Fatal("the ranking's formula is not shown")
	}
	b.screenshot("dashboard-quarter")

	b.choose("#period", "month")
	b.click(".dash-filters button[type=submit]")
	loc := b.location()
	for deadline := time.Now().Add(10 * time.Second); !strings.Contains(loc, "period=month") && time.Now().Before(deadline); loc = b.location() {
		time.Sleep(100 * time.Millisecond)
	}
	if !strings.Contains(loc, "period=month") {
		t.Fatalf("after choosing the month: %s", loc)
	}
	b.waitVisible(".dash-figures")
	if sel := eval[string](b, `document.querySelector("#period").value`); sel != "month" {
		t.Fatalf("the chooser shows %q after choosing the month", sel)
	}
	b.screenshot("dashboard-month")
}
