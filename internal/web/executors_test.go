package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/store"
)

// TestExecutorsPages: an administrator lists the executors, adds one bound to territories and topics (bad
// fields refused by name, nothing stored), and changes it; the router then knows it; other roles cannot.
func TestExecutorsPages(t *testing.T) {
	e := newEnv(t)
	op := e.browser(t)
	op.login("operator")
	if res := op.get("/executors"); res.Status != http.StatusForbidden {
		t.Fatalf("an operator opens /executors: %d", res.Status)
	}
	b := e.browser(t)
	b.login("admin")
	res := b.get("/executors")
	if res.Status != http.StatusOK || !strings.Contains(res.Body, `id="executor-uk-angara-dom"`) || !strings.Contains(res.Body, "управляющая компания") {
		t.Fatalf("the list: %d\n%s", res.Status, res.Body)
	}
	if res := b.get("/executors/new"); res.Status != http.StatusOK || !strings.Contains(res.Body, `name="new" value="1"`) {
		t.Fatalf("the new form: %d", res.Status)
	}
	if res := b.get("/executors/nobody"); res.Status != http.StatusNotFound {
		t.Fatalf("an unknown executor: %d", res.Status)
	}
	good := func() url.Values {
		return url.Values{"new": {"1"}, "code": {"uk-sever"}, "name": {"ООО «УК Северная»"}, "kind": {"uk"}, "email": {"info@uk-sever.example"},
			"territory": {"25701000"}, "category": {"zhkh", "blago.lighting"}, "connected": {"1"}}
	}
	for _, c := range []struct {
		name, field, text string
		edit              func(url.Values)
	}{
		{"a bad code", "code", "латинские", func(f url.Values) { f.Set("code", "УК Северная") }},
		{"a taken code", "code", "уже есть", func(f url.Values) { f.Set("code", "uk-angara-dom") }},
		{"no name", "name", "Укажите название", func(f url.Values) { f.Set("name", "") }},
		{"an unknown kind", "kind", "Выберите вид", func(f url.Values) { f.Set("kind", "bank") }},
		{"a bad e-mail", "email", "не адрес", func(f url.Values) { f.Set("email", "info") }},
		{"an unknown territory", "territories", "Такой территории нет", func(f url.Values) { f["territory"] = []string{"99999999"} }},
		{"an unknown topic", "categories", "Такой темы нет", func(f url.Values) { f["category"] = []string{"space"} }},
	} {
		f := good()
		c.edit(f)
		res := b.submit("/executors/new", "/executors", f)
		if res.Status != http.StatusUnprocessableEntity || !strings.Contains(res.Body, `id="`+c.field+`-error"`) || !strings.Contains(res.Body, c.text) {
			t.Errorf("%s: %d\n%s", c.name, res.Status, res.Body)
		}
	}
	if _, ok := mustRefs(t, e).ExecutorByCode("uk-sever"); ok {
		t.Fatal("a refused form stored the executor")
	}
	res = b.submit("/executors/new", "/executors", good())
	if res.Status != http.StatusSeeOther {
		t.Fatalf("add: %d\n%s", res.Status, res.Body)
	}
	ex, ok := mustRefs(t, e).ExecutorByCode("uk-sever")
	if !ok || !ex.Connected || len(ex.Territories) != 1 || len(ex.Categories) != 2 || ex.Name != "ООО «УК Северная»" {
		t.Fatalf("added %+v", ex)
	}
	// Edit: the whole region, no longer connected.
	f := good()
	f.Del("new")
	f.Del("territory")
	f.Del("connected")
	f.Set("name", "ООО «Управляющая компания Северная»")
	if res := b.submit("/executors/uk-sever", "/executors", f); res.Status != http.StatusSeeOther {
		t.Fatalf("edit: %d\n%s", res.Status, res.Body)
	}
	ex, _ = mustRefs(t, e).ExecutorByCode("uk-sever")
	if ex.Connected || len(ex.Territories) != 0 || ex.Name != "ООО «Управляющая компания Северная»" {
		t.Fatalf("edited %+v", ex)
	}
	if res := b.get("/executors/uk-sever"); !strings.Contains(res.Body, `value="blago.lighting" checked`) || !strings.Contains(res.Body, `readonly`) {
		t.Fatalf("the edit form:\n%s", res.Body)
	}
}

func mustRefs(t *testing.T, e *env) *store.Refs {
	t.Helper()
	refs, err := e.svc.Refs(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return refs
}
