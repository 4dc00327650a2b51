package web

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every message key the templates and the Go code name exists in both languages, and every page's
// navigation key too.
func TestCatalogueCoversKeys(t *testing.T) {
	c, err := loadCatalogue()
	if err != nil {
		t.Fatal(err)
	}
	prefixes := map[string]bool{}
	for k, v := range c {
		prefixes[k[:strings.IndexByte(k+".", '.')]] = true
		if strings.Count(v[0], "%") != strings.Count(v[1], "%") {
			t.Errorf("%s: the Russian and English texts take different arguments", k)
		}
	}
	keyRe := regexp.MustCompile(`"([a-z][a-z0-9_]*\.[a-z0-9_.]+)"`)
	check := func(where, key string) {
		if _, ok := c[key]; !ok && prefixes[key[:strings.IndexByte(key, '.')]] {
			t.Errorf("%s: message %q is not in the catalogue", where, key)
		}
	}
	err = fs.WalkDir(templateFiles, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templateFiles.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
			if !isFileName(m[1]) {
				check(p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goFiles, _ := filepath.Glob("*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var code strings.Builder
		for _, line := range strings.Split(string(b), "\n") {
			if !strings.HasPrefix(strings.TrimSpace(line), "//") {
				code.WriteString(line + "\n")
			}
		}
		for _, m := range keyRe.FindAllStringSubmatch(code.String(), -1) {
			if isFileName(m[1]) {
				continue
			}
			check(f, m[1])
		}
	}
	for _, p := range allPages() {
		if p.Nav != "" {
			if _, ok := c[p.Nav]; !ok {
				t.Errorf("page %s %s: navigation key %q missing", p.Method, p.Path, p.Nav)
			}
		}
	}
	for _, r := range []string{"admin", "operator", "moderator", "executor", "supervisor"} {
		check("roles", "role."+r)
	}
}

func TestCatalogueFormat(t *testing.T) {
	if _, err := loadTemplates(); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCatalogue(); err != nil {
		t.Fatal(err)
	}
}

func isFileName(s string) bool {
	for _, ext := range []string{".html", ".go", ".css", ".js", ".tsv"} {
		if strings.HasSuffix(s, ext) {
			return true
		}
	}
	return false
}

func TestSourceName(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct{ lang, code, want string }{
		{"ru", "reception", "интернет-приёмная"},
		{"en", "reception", "internet reception"},
		{"ru", "open311", "Open311"},
		{"ru", "vk-irkutsk", "vk-irkutsk"},
		{"ru", "", ""},
	} {
		v := &View{Lang: c.lang, s: e.srv}
		if got := v.SourceName(c.code); got != c.want {
			t.Errorf("%s %q: %q, want %q", c.lang, c.code, got, c.want)
		}
	}
}
