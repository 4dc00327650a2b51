package web

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/model"
)

// TestCategoriesPages: an administrator reads the category tree with its terms, adds a subtopic under a topic
// (bad fields refused by name, nothing stored) and changes a category's own terms, which the workflow then
// counts with; other roles cannot.
func TestCategoriesPages(t *testing.T) {
	e := newEnv(t)
	op := e.browser(t)
	op.login("operator")
	if res := op.get("/categories"); res.Status != http.StatusForbidden {
		t.Fatalf("an operator opens /categories: %d", res.Status)
	}
	b := e.browser(t)
	b.login("admin")
	res := b.get("/categories")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="category-zhkh.heating"`) || !strings.Contains(res.Body, `href="/categories/new?parent=zhkh"`) {
		t.Fatalf("the list: %d\n%s", res.Status, res.Body)
	}
	if res := b.get("/categories/new?parent=zhkh"); !strings.Contains(res.Body, `value="zhkh."`) {
		t.Fatalf("the new subtopic form:\n%s", res.Body)
	}
	good := func() url.Values {
		return url.Values{"new": {"1"}, "code": {"zhkh.intercom"}, "name": {"Домофоны"}, "default_priority": {"normal"},
			"reaction_hours": {"12"}, "urgent_reaction_hours": {""}, "resolution_working_days": {"5"}}
	}
	for _, c := range []struct {
		name, field, text string
		edit              func(url.Values)
	}{
		{"a taken code", "code", "уже есть", func(f url.Values) { f.Set("code", "zhkh.heating") }},
		{"a bad code", "code", "латинские", func(f url.Values) { f.Set("code", "ЖКХ.домофоны") }},
		{"no topic", "code", "сначала добавьте тему", func(f url.Values) { f.Set("code", "space.rockets") }},
		{"no name", "name", "Укажите название", func(f url.Values) { f.Set("name", "") }},
		{"not a number", "reaction_hours", "целое число", func(f url.Values) { f.Set("reaction_hours", "полдня") }},
		{"too long", "resolution_working_days", "до 90", func(f url.Values) { f.Set("resolution_working_days", "400") }},
		{"a bad priority", "default_priority", "Выберите приоритет", func(f url.Values) { f.Set("default_priority", "asap") }},
	} {
		f := good()
		c.edit(f)
		res := b.submit("/categories/new", "/categories", f)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) || !strings.Contains(res.Body, c.text) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
		}
	}
	if _, ok := mustRefs(t, e).CategoryByCode("zhkh.intercom"); ok {
		t.Fatal("a refused form stored the category")
	}
	if res := b.submit("/categories/new", "/categories", good()); res.Status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.Status, res.Body)
	}
	c, ok := mustRefs(t, e).CategoryByCode("zhkh.intercom")
	if !ok || c.ParentCode != "zhkh" || c.ReactionHours != 12 || c.UrgentReactionHours != 0 || c.ResolutionWorkingDays != 5 || c.DefaultPriority != model.PriorityNormal {
		t.Fatalf("added %+v", c)
	}
	// The category's own reaction term is the one the workflow counts with.
	clk, err := e.svc.Clock(t.Context(), mustRegion(t, e).ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := clk.Policy(c, true); p.Reaction.Hours() != 12 || p.ResolutionDays != 5 {
		t.Fatalf("the policy of the new category: %+v", p)
	}
	f := good()
	f.Del("new")
	f.Set("reaction_hours", "")
	f.Set("requires_proof", "1")
	if res := b.submit("/categories/zhkh.intercom", "/categories", f); res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.Status, res.Body)
	}
	if c, _ = mustRefs(t, e).CategoryByCode("zhkh.intercom"); c.ReactionHours != 0 || !c.RequiresProof {
		t.Fatalf("edited %+v", c)
	}
	if res := b.get("/categories/zhkh.intercom"); !strings.Contains(res.Body, `id="requires_proof" checked`) || !strings.Contains(res.Body, "readonly") {
		t.Fatalf("the edit form:\n%s", res.Body)
	}
}
