package web

import (
	"bufio"
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"sort"
	"strings"
)

// Languages of the interface: Russian first, English second.
var languages = []string{"ru", "en"}

func validLang(l string) bool { return l == "ru" || l == "en" }

//go:embed i18n/*.tsv
var i18nFiles embed.FS

// catalogue maps a message key to its Russian and English text.
type catalogue map[string][2]string

// loadCatalogue reads every i18n/*.tsv file: one message a line, "key<TAB>Russian<TAB>English"; blank lines and
// lines starting with # are skipped. A key defined twice, or a line without both texts, is an error.
func loadCatalogue() (catalogue, error) {
	names, err := fs.Glob(i18nFiles, "i18n/*.tsv")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	c := catalogue{}
	for _, n := range names {
		b, err := i18nFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		line := 0
		for sc.Scan() {
			line++
			t := strings.TrimRight(sc.Text(), "\r")
			if strings.TrimSpace(t) == "" || strings.HasPrefix(t, "#") {
				continue
			}
			f := strings.Split(t, "\t")
			if len(f) != 3 || f[0] == "" || f[1] == "" || f[2] == "" {
				return nil, fmt.Errorf("web: %s:%d: want key, Russian and English separated by tabs", n, line)
			}
			if _, dup := c[f[0]]; dup {
				return nil, fmt.Errorf("web: %s:%d: message %q defined twice", n, line, f[0])
			}
			c[f[0]] = [2]string{f[1], f[2]}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("web: read %s: %w", n, err)
		}
	}
	return c, nil
}

// text returns a message in a language, formatted with args (fmt verbs) when there are any. An unknown key is
// returned as it is, which the package's tests rule out for every key the templates use.
func (c catalogue) text(lang, key string, args ...any) string {
	m, ok := c[key]
	if !ok {
		return key
	}
	s := m[0]
	if lang == "en" {
		s = m[1]
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// lang picks the interface language: the visitor's choice in a cookie, else Russian.
func (s *Server) lang(r *http.Request) string {
	if c, err := r.Cookie(langCookie); err == nil && validLang(c.Value) {
		return c.Value
	}
	return "ru"
}
