package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed static/*
var staticFiles embed.FS

// funcs are the helpers every template may call besides the View's methods.
var funcs = template.FuncMap{
	"add":       func(a, b int) int { return a + b },
	"hasPrefix": strings.HasPrefix,
	// withView pairs the page's view with a value for a sub-template that needs both ({{template "x" (withView $ .)}}).
	"withView": func(v *View, x any) viewAnd { return viewAnd{V: v, X: x} },
	"sub":      func(a, b int) int { return a - b },
	// pct is the share a/b in whole percent (0 when b is 0).
	"pct": func(a, b int) int {
		if b == 0 {
			return 0
		}
		return (a*100 + b/2) / b
	},
}

// loadTemplates parses every page template with the layout (base.html) and the partials (_*.html).
func loadTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		return nil, err
	}
	shared := []string{"templates/base.html"}
	var pages []string
	for _, n := range names {
		switch b := path.Base(n); {
		case b == "base.html":
		case strings.HasPrefix(b, "_"):
			shared = append(shared, n)
		default:
			pages = append(pages, n)
		}
	}
	base, err := template.New("base.html").Funcs(funcs).ParseFS(templateFiles, shared...)
	if err != nil {
		return nil, fmt.Errorf("web: parse layout: %w", err)
	}
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(templateFiles, p)
		if err != nil {
			return nil, fmt.Errorf("web: parse %s: %w", p, err)
		}
		out[path.Base(p)] = t
	}
	return out, nil
}

// staticFile is an embedded file with its content hash, which versions its URL.
type staticFile struct {
	data  []byte
	hash  string
	ctype string
}

func loadStatic() (map[string]staticFile, error) {
	names, err := fs.Glob(staticFiles, "static/*")
	if err != nil {
		return nil, err
	}
	out := map[string]staticFile{}
	for _, n := range names {
		b, err := staticFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		ct := mime.TypeByExtension(path.Ext(n))
		if ct == "" {
			ct = http.DetectContentType(b)
		}
		out[path.Base(n)] = staticFile{data: b, hash: hex.EncodeToString(sum[:6]), ctype: ct}
	}
	return out, nil
}

// serveStatic answers /static/{name}. A URL carrying the file's current hash (?v=…, as View.Static writes
// them) may be cached for a year; others for five minutes.
func (s *Server) serveStatic(w http.ResponseWriter, r *http.Request) {
	f, ok := s.static[r.PathValue("name")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", `"`+f.hash+`"`)
	if r.URL.Query().Get("v") == f.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, max-age=300")
	}
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.data))
}

// navLink is one link of the header's navigation.
type navLink struct {
	Path, Key string
	Active    bool
}

// View is what every template receives: the page's data in .Data, and the visitor, language and helpers.
// Templates call its methods: {{$.T "key"}}, {{$.Time .Data.CreatedAt}}, {{$.Static "app.css"}}.
type View struct {
	Lang  string
	User  *model.User
	CSRF  string // the token every POST form carries: {{template "csrf" $}}
	Title string // message key of the page title
	Path  string
	Nav   []navLink
	Data  any

	s   *Server
	loc *time.Location
}

// T returns the message with this key in the visitor's language, formatted with args when given.
func (v *View) T(key string, args ...any) string { return v.s.msgs.text(v.Lang, key, args...) }

// Time formats an instant (time.Time or *time.Time) as a date and time in the region's time zone.
func (v *View) Time(t any) string { return v.format(t, "02.01.2006 15:04") }

// Date formats an instant as a date in the region's time zone.
func (v *View) Date(t any) string { return v.format(t, "02.01.2006") }

// ISO formats an instant for a <time datetime> attribute.
func (v *View) ISO(t any) string { return v.format(t, time.RFC3339) }

func (v *View) format(t any, layout string) string {
	var tt time.Time
	switch x := t.(type) {
	case time.Time:
		tt = x
	case *time.Time:
		if x == nil {
			return ""
		}
		tt = *x
	default:
		return ""
	}
	if tt.IsZero() {
		return ""
	}
	return tt.In(v.loc).Format(layout)
}

// Zone names the region's time zone ("Asia/Irkutsk").
func (v *View) Zone() string { return v.loc.String() }

// Static returns the versioned URL of an embedded static file.
func (v *View) Static(name string) string {
	f, ok := v.s.static[name]
	if !ok {
		return "/static/" + name
	}
	return "/static/" + name + "?v=" + f.hash
}

// Languages lists the languages the visitor may switch to.
func (v *View) Languages() []string { return languages }

// LangURL is the link switching the interface to lang and coming back here.
func (v *View) LangURL(lang string) string {
	return "/lang/" + lang + "?next=" + urlQueryEscape(v.Path)
}

// viewAnd is a sub-template's data: the page's view and one value.
type viewAnd struct {
	V *View
	X any
}

// SourceName is a message source in words: the reception, Open311 and imports by name, other sources (a VK
// community, a Telegram bot, a webhook, named by their administrators) by their code.
func (v *View) SourceName(code string) string {
	if _, ok := v.s.msgs["source."+code]; ok {
		return v.T("source." + code)
	}
	return code
}

// priorityKeys are the message keys of the priorities.
var priorityKeys = map[model.Priority]string{model.PriorityNormal: "operator.priority.normal",
	model.PriorityHigh: "operator.priority.high", model.PriorityUrgent: "operator.priority.urgent"}

// PriorityText is a priority in words.
func (v *View) PriorityText(p model.Priority) string {
	if k, ok := priorityKeys[p]; ok {
		return v.T(k)
	}
	return string(p)
}

// StatusText is an incident status in words.
func (v *View) StatusText(s model.Status) string { return v.T("status." + string(s)) }

// render writes a page: the named template inside the layout, with data in .Data.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name, title string, data any) {
	t, ok := s.templates[name]
	if !ok {
		s.log.Error("web: no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	st := stateOf(r)
	v := &View{Lang: st.lang, User: st.user, Title: title, Path: r.URL.RequestURI(), Data: data, s: s, loc: time.UTC}
	if _, loc, err := s.region(r.Context()); err == nil {
		v.loc = loc
	}
	v.CSRF = s.csrfToken(w, r)
	v.Nav = s.nav(st.user, r.URL.Path)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "base.html", v); err != nil {
		s.log.Error("web: render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Message string // message key
}

// renderError writes the error page.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.render(w, r, status, "error.html", "error.title", errorView{Status: status, Message: key})
}

// nav lists the navigation links the user's role may follow.
func (s *Server) nav(u *model.User, current string) []navLink {
	var out []navLink
	for _, p := range s.pages {
		if p.Nav == "" || p.Method != http.MethodGet {
			continue
		}
		if p.Roles != nil && (u == nil || !slices.Contains(p.Roles, u.Role)) {
			continue
		}
		out = append(out, navLink{Path: p.Path, Key: p.Nav, Active: p.Path == current})
	}
	return out
}
