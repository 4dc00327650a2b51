// Package web serves Otklik's HTML interface: sign-in, the staff pages and the public reception.
//
// Pages are rendered on the server with html/template; templates, messages and static files are embedded, so
// the binary carries everything and there is no front-end build step. A little plain JavaScript
// (static/app.js) enhances pages that already work without it.
//
// # Adding a page
//
// web.go never changes when a page is added. An area of the interface (operator console, executor desk,
// moderation, dashboards…) lives in files of its own:
//
//   - a table of its pages, e.g. in operator.go: `var operatorPages = []Page{{Method: "GET", Path: "/operator",
//     Roles: []model.Role{model.RoleOperator, model.RoleAdmin}, Nav: "nav.operator", Handle: (*Server).operatorQueue}}`
//     and the handlers (func(s *Server, w http.ResponseWriter, r *http.Request));
//   - one line in allPages() in pages.go appending that table;
//   - its templates in templates/<name>.html, each defining "content" (the layout templates/base.html wraps it;
//     files named _*.html are partials shared by every page);
//   - its messages in i18n/<area>.tsv (key, Russian, English, tab-separated); templates use keys, never text:
//     {{$.T "operator.title"}}.
//
// Handlers render with s.render(w, r, status, "name.html", title key, data), report errors with s.fail(w, r,
// err) (model.ErrNotFound → 404, ErrForbidden → 403, ErrInvalid → 400, ErrConflict → 409), and read the
// signed-in user with userOf(r) / ActorFrom(r.Context()).
//
// # Security
//
// Every response carries a strict Content-Security-Policy (no inline script or style), X-Frame-Options DENY,
// Referrer-Policy same-origin and nosniff. A page with Roles is served only to a signed-in user whose role is
// listed (others get a 403 page; anonymous visitors are sent to /login). Every POST needs its CSRF token (form
// field csrf_token or header X-CSRF-Token): the session's secret when signed in, else an HMAC of a random
// anonymous cookie; a POST without a valid token is refused with 403. Sessions live in the database (only the
// token's hash is stored), expire after IdleTimeout without use and MaxAge in all, and rotate at sign-in.
package web

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"slices"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// Sink takes new messages through the ingest pipeline (*ingest.Pipeline) and says what became of each.
type Sink interface {
	Submit(ctx context.Context, msgs []model.Message) ([]store.IngestResult, error)
}

// Options configure the web interface. Zero fields take the defaults named.
type Options struct {
	Logger *slog.Logger
	// Secure marks cookies Secure (and names the session cookie with the __Host- prefix); set it whenever the
	// interface is reached over HTTPS, leave it false on plain-HTTP localhost.
	Secure bool
	// Now is the clock (tests run a simulated one); default time.Now.
	Now func() time.Time
	// UploadDir keeps the reception's photos, one file per photo named by a random id (default "otklik-uploads"
	// in the working directory). Several instances behind a balancer must share it.
	UploadDir string
	// SecretKey signs the anonymous CSRF cookie; when empty a random key is drawn at start (anonymous forms
	// opened before a restart are then refused once and must be reloaded). Instances behind a balancer must
	// share it.
	SecretKey []byte
	// IdleTimeout ends a session unused for this long (default 2 hours); MaxAge ends any session this long
	// after sign-in (default 12 hours).
	IdleTimeout, MaxAge time.Duration
}

// Page is one route of the interface.
type Page struct {
	Method string       // "GET" or "POST" (GET also answers HEAD)
	Path   string       // a net/http ServeMux path pattern: "/incidents/{id}"
	Roles  []model.Role // who may open it; nil: everyone, signed in or not
	// Nav, when set, is the message key of a link to this page in the header's navigation, shown to the roles
	// above (GET pages only).
	Nav string
	// MaxBody bounds a POST body (default 1 MiB).
	MaxBody int64
	Handle  func(s *Server, w http.ResponseWriter, r *http.Request)
}

// DefaultMaxBody bounds POST bodies of pages that do not name their own limit.
const DefaultMaxBody = 1 << 20

// Server is the web interface; it implements http.Handler.
type Server struct {
	svc  *workflow.Service
	st   *store.Store
	sink Sink
	log  *slog.Logger
	opts Options
	now  func() time.Time

	mux       *http.ServeMux
	pages     []Page
	templates map[string]*template.Template
	msgs      catalogue
	static    map[string]staticFile
	key       []byte
	dummyHash string // checked against when a login is unknown, so that the answer takes as long as for a known one

	loginIP, loginUser, receptionIP *limiter
	statsCache                      statsCache
}

// New returns the web interface over the workflow service. sink receives the reception's submissions (the
// server's ingest pipeline; required). It panics if the embedded templates, messages or page table are inconsistent,
// which the package's tests rule out.
func New(svc *workflow.Service, sink Sink, opts Options) *Server {
	return newServer(svc, sink, opts, allPages())
}

func newServer(svc *workflow.Service, sink Sink, opts Options, pages []Page) *Server {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.UploadDir == "" {
		opts.UploadDir = "otklik-uploads"
	}
	if opts.IdleTimeout <= 0 {
		opts.IdleTimeout = 2 * time.Hour
	}
	if opts.MaxAge <= 0 {
		opts.MaxAge = 12 * time.Hour
	}
	s := &Server{svc: svc, st: svc.Store(), sink: sink, log: opts.Logger, opts: opts, now: opts.Now, mux: http.NewServeMux()}
	s.key = opts.SecretKey
	if len(s.key) == 0 {
		s.key = make([]byte, 32)
		if _, err := rand.Read(s.key); err != nil {
			panic(fmt.Sprintf("web: random key: %v", err))
		}
	}
	dummy := make([]byte, 18)
	_, _ = rand.Read(dummy)
	h, err := auth.HashPassword(fmt.Sprintf("%x", dummy))
	if err != nil {
		panic(fmt.Sprintf("web: %v", err))
	}
	s.dummyHash = h
	s.loginIP = newLimiter(LoginIPBurst, LoginIPEvery, maxLimiterKeys, s.now)
	s.loginUser = newLimiter(LoginUserBurst, LoginUserEvery, maxLimiterKeys, s.now)
	s.receptionIP = newLimiter(ReceptionBurst, ReceptionEvery, maxLimiterKeys, s.now)
	if s.msgs, err = loadCatalogue(); err != nil {
		panic(err)
	}
	if s.templates, err = loadTemplates(); err != nil {
		panic(err)
	}
	if s.static, err = loadStatic(); err != nil {
		panic(err)
	}
	s.pages = pages
	for _, p := range s.pages {
		s.mux.Handle(p.Method+" "+p.Path, s.wrap(p))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
	})
	return s
}

// Patterns lists the ServeMux patterns the interface answers, for mounting it beside other handlers:
// for _, p := range web.Patterns() { mux.Handle(p, webServer) }.
func (s *Server) Patterns() []string {
	var out []string
	for _, p := range s.pages {
		out = append(out, p.Method+" "+p.Path)
	}
	return out
}

// Register mounts every page of the interface on mux, each pattern served by s.
func (s *Server) Register(mux *http.ServeMux) {
	for _, p := range s.Patterns() {
		mux.Handle(p, s)
	}
}

// ServeHTTP sets the security headers, loads the session and dispatches.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if s.opts.Secure {
		h.Set("Strict-Transport-Security", "max-age=31536000")
	}
	st := &reqState{lang: s.lang(r)}
	if err := s.loadSession(r, st); err != nil {
		s.log.Error("web: load session", "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	s.mux.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
}

// contentSecurityPolicy allows only the interface's own files: no inline script or style, no framing.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// wrap applies a page's role check, body limit and CSRF check.
func (s *Server) wrap(p Page) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := stateOf(r)
		if p.Roles != nil {
			if st.user == nil {
				if r.Method == http.MethodGet || r.Method == http.MethodHead {
					http.Redirect(w, r, "/login?next="+urlQueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
					return
				}
				s.renderError(w, r, http.StatusUnauthorized, "error.signin_required")
				return
			}
			if !slices.Contains(p.Roles, st.user.Role) {
				s.renderError(w, r, http.StatusForbidden, "error.forbidden_role")
				return
			}
		}
		if r.Method == http.MethodPost {
			limit := p.MaxBody
			if limit <= 0 {
				limit = DefaultMaxBody
			}
			r.Body = http.MaxBytesReader(w, r.Body, limit)
			if err := parseForm(r, limit); err != nil {
				var tooBig *http.MaxBytesError
				if errors.As(err, &tooBig) {
					s.renderError(w, r, http.StatusRequestEntityTooLarge, "error.too_large")
					return
				}
				s.renderError(w, r, http.StatusBadRequest, "error.bad_form")
				return
			}
			// Browsers say where a request comes from; a form posted from another site is refused even before
			// its token is looked at.
			if r.Header.Get("Sec-Fetch-Site") == "cross-site" || !s.validCSRF(r, st) {
				s.renderError(w, r, http.StatusForbidden, "error.csrf")
				return
			}
		}
		p.Handle(s, w, r)
	})
}

// fail reports an error from the workflow as a page with the fitting status.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, model.ErrNotFound):
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
	case errors.Is(err, model.ErrForbidden):
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
	case errors.Is(err, model.ErrInvalid):
		s.renderError(w, r, http.StatusBadRequest, "error.invalid")
	case errors.Is(err, model.ErrConflict):
		s.renderError(w, r, http.StatusConflict, "error.conflict")
	case errors.Is(err, connector.ErrOverloaded):
		w.Header().Set("Retry-After", "30")
		s.renderError(w, r, http.StatusServiceUnavailable, "error.overloaded")
	case errors.Is(err, context.Canceled):
		// The client went away: nothing to answer.
	default:
		s.log.Error("web: request failed", "path", r.URL.Path, "err", err)
		s.renderError(w, r, http.StatusInternalServerError, "error.internal")
	}
}

// region returns the deployment's region (the first; one region per deployment) and its time zone.
func (s *Server) region(ctx context.Context) (model.Region, *time.Location, error) {
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		return model.Region{}, time.UTC, err
	}
	if len(refs.Regions) == 0 {
		return model.Region{}, time.UTC, fmt.Errorf("web: %w: no region configured", model.ErrNotFound)
	}
	reg := refs.Regions[0]
	cal, err := s.svc.Calendar(ctx, reg.ID)
	if err != nil || cal.Location == nil {
		return reg, time.UTC, err
	}
	return reg, cal.Location, nil
}
