package web_test

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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

	// On a phone 375 px wide nothing scrolls sideways: the breakdowns and rankings stack into cards, every
	// figure labelled with its column's name.
	b.do(chromedp.EmulateViewport(375, 812))
	b.open("/dashboard?period=quarter")
	b.waitVisible(".dash-figures")
	if w := eval[int](b, `document.documentElement.scrollWidth`); w > 375 {
		t.Errorf("the page is %d px wide on a 375 px phone", w)
	}
	eval[int](b, `document.querySelectorAll("details").forEach(d => d.open = true), 0`) // the trend's table too
	wide := eval[[]string](b, `Array.from(document.querySelectorAll("table.dash-table")).filter(t => t.getBoundingClientRect().width > t.parentElement.clientWidth + 1 || t.scrollWidth > t.clientWidth + 1).map(t => t.caption ? t.caption.textContent : "?")`)
	if len(wide) > 0 {
		t.Errorf("tables wider than the phone: %v", wide)
	}
	overflow := `Array.from(document.querySelectorAll("table.dash-stack tbody td, table.dash-stack tbody th")).filter(c => {
		const row = c.closest("tr"), cs = getComputedStyle(row);
		const inner = row.getBoundingClientRect().right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
		return c.scrollWidth > c.clientWidth + 1 || c.getBoundingClientRect().right > inner + 0.5;
	}).length`
	if n := eval[int](b, overflow); n > 0 {
		t.Errorf("%d stacked cells overflow their card", n)
	}
	if n := eval[int](b, `document.querySelectorAll("table.dash-ranking tbody tr").length`); n == 0 {
		t.Error("no ranking rows")
	}
	cell := `document.querySelector("table.dash-ranking tbody td[data-label]:not(.dash-rank)")`
	if label, want := eval[string](b, `getComputedStyle(`+cell+`, "::before").content`), eval[string](b, cell+`.dataset.label`); label != `"`+want+`"` {
		t.Errorf("a stacked cell shows %s before its figure, want its column's name %q", label, want)
	}
	b.screenshot("dashboard-phone")
}
