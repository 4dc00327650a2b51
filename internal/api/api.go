// Package api serves Otklik's REST JSON API under /api/v1 and the health check /healthz.
//
// Every /api/v1 route except the OpenAPI document needs "Authorization: Bearer <token>"; the token's user becomes
// the actor of whatever the request does, and the lifecycle rules of package model decide what that actor may see
// and do. Errors are JSON {"error":{"code":…,"message":…,"field":…}}. An incident that the caller may not see is
// reported as not found (404), never as forbidden, so that an executor cannot probe another organisation's
// incidents; an action on a visible incident that the caller's role may not perform is forbidden (403).
package api

import (
	"context"
	_ "embed"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// Body size limits.
const (
	MaxBody          = 1 << 20  // 1 MiB: every request body but the message batch
	MaxMessagesBody  = 8 << 20  // 8 MiB: POST /api/v1/messages
	MaxReferenceBody = 16 << 20 // 16 MiB: POST /api/v1/reference
	MaxBatch         = 1000     // messages per POST /api/v1/messages
	MaxListLimit     = 500
)

//go:embed openapi.json
var openAPIDoc []byte

// route is one entry of the route table: it registers the handler and is checked against the OpenAPI document.
type route struct {
	Method string
	Path   string
	Public bool // no token needed
	Handle func(s *server, w http.ResponseWriter, r *http.Request)
}

// routes is the API: every handler is registered from this table and nowhere else.
var routes = []route{
	{"GET", "/healthz", true, (*server).health},
	{"GET", "/api/v1/openapi.json", true, (*server).openAPI},
	{"GET", "/api/v1/incidents", false, (*server).listIncidents},
	{"GET", "/api/v1/incidents/{id}", false, (*server).getIncident},
	{"POST", "/api/v1/incidents/{id}/actions/{action}", false, (*server).incidentAction},
	{"POST", "/api/v1/incidents/{id}/answers", false, (*server).createAnswer},
	{"GET", "/api/v1/answers", false, (*server).listAnswers},
	{"GET", "/api/v1/answers/{id}", false, (*server).getAnswer},
	{"POST", "/api/v1/answers/{id}/actions/{action}", false, (*server).answerAction},
	{"POST", "/api/v1/messages", false, (*server).postMessages},
	{"GET", "/api/v1/executors", false, (*server).listExecutors},
	{"GET", "/api/v1/categories", false, (*server).listCategories},
	{"GET", "/api/v1/territories", false, (*server).listTerritories},
	{"GET", "/api/v1/users", false, (*server).listUsers},
	{"GET", "/api/v1/stats", false, (*server).stats},
	{"POST", "/api/v1/answers/grade", false, (*server).gradePreview},
	{"GET", "/api/v1/incidents/{id}/route", false, (*server).incidentRoute},
	{"GET", "/api/v1/routing/rules", false, (*server).listRoutingRules},
	{"PUT", "/api/v1/routing/rules", false, (*server).putRoutingRules},
	{"GET", "/api/v1/routing/buildings", false, (*server).listBuildings},
	{"POST", "/api/v1/routing/buildings", false, (*server).postBuildings},
	{"GET", "/api/v1/templates", false, (*server).listTemplates},
	{"POST", "/api/v1/templates", false, (*server).createTemplate},
	{"DELETE", "/api/v1/templates/{id}", false, (*server).deleteTemplate},
	{"GET", "/api/v1/templates/{id}/render", false, (*server).renderTemplate},
	{"GET", "/api/v1/region", false, (*server).getRegion},
	{"PUT", "/api/v1/region/settings", false, (*server).putRegionSettings},
	{"PUT", "/api/v1/region/calendar", false, (*server).putRegionCalendar},
	{"GET", "/api/v1/reference", false, (*server).getReference},
	{"POST", "/api/v1/reference", false, (*server).postReference},
	{"GET", "/api/v1/sources", false, (*server).listSources},
	{"PUT", "/api/v1/sources/{code}", false, (*server).putSource},
	{"GET", "/r/{token}", true, (*server).getRatingLink},
	{"POST", "/r/{token}", true, (*server).postRating},
}

type server struct {
	svc       *workflow.Service
	log       *slog.Logger
	rateLimit *ipLimiter // POST /r/{token}, per client address
}

// New returns the HTTP handler of the API over the workflow service.
func New(svc *workflow.Service, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	s := &server{svc: svc, log: logger, rateLimit: newIPLimiter(RateBurst, RateRefill, maxRateClients)}
	mux := http.NewServeMux()
	methods := map[string][]string{}
	for _, rt := range routes {
		h := s.wrap(rt)
		mux.Handle(rt.Method+" "+rt.Path, h)
		methods[rt.Path] = append(methods[rt.Path], rt.Method)
	}
	// A path that exists with another method: 405 in JSON with the Allow header (the method patterns above are
	// more specific and win for the methods they name).
	for path, ms := range methods {
		allow := strings.Join(append(ms, "HEAD"), ", ")
		if !contains(ms, "GET") {
			allow = strings.Join(ms, ", ")
		}
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Allow", allow)
			writeError(w, http.StatusMethodNotAllowed, "method_not_allowed", "method "+r.Method+" is not allowed here; allowed: "+allow, "")
		})
		if tryHandle(mux, path, h) {
			continue
		}
		// A method-less pattern conflicts when another route has a literal where this one has a wildcard
		// ("POST /api/v1/answers/grade" and "/api/v1/answers/{id}"): then one pattern per other method.
		for _, m := range []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} {
			if !contains(ms, m) && !(m == "HEAD" && contains(ms, "GET")) {
				mux.Handle(m+" "+path, h)
			}
		}
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "no such route: "+r.URL.Path, "")
	})
	return s.recoverer(mux)
}

// tryHandle registers a pattern unless it conflicts with one already registered (ServeMux panics on a conflict
// before changing anything).
func tryHandle(mux *http.ServeMux, pattern string, h http.Handler) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			ok = false
		}
	}()
	mux.Handle(pattern, h)
	return true
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// adminOnly answers 403 ("only an admin may <what>") unless the caller is an admin, and reports whether it may go on.
func (s *server) adminOnly(w http.ResponseWriter, r *http.Request, what string) bool {
	if actorFrom(r.Context()).Role == model.RoleAdmin {
		return true
	}
	s.fail(w, r, forbidden("only an admin may "+what))
	return false
}

type actorKey struct{}

func actorFrom(ctx context.Context) model.Actor {
	a, _ := ctx.Value(actorKey{}).(model.Actor)
	return a
}

// wrap adds authentication (unless the route is public) and an access log line.
func (s *server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			s.log.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("method", r.Method),
				slog.String("path", r.URL.Path), slog.Int("status", sw.status), slog.Duration("took", time.Since(start)))
		}()
		if !rt.Public {
			tok, ok := auth.BearerToken(r.Header.Get("Authorization"))
			if !ok {
				sw.Header().Set("WWW-Authenticate", `Bearer realm="otklik"`)
				writeError(sw, http.StatusUnauthorized, "unauthorized", "missing bearer token: send Authorization: Bearer <token>", "")
				return
			}
			hash := auth.HashToken(tok)
			u, err := s.svc.Store().UserByToken(r.Context(), hash)
			if err != nil {
				if isNotFound(err) {
					sw.Header().Set("WWW-Authenticate", `Bearer realm="otklik", error="invalid_token"`)
					writeError(sw, http.StatusUnauthorized, "unauthorized", "unknown or revoked token", "")
					return
				}
				s.fail(sw, r, err)
				return
			}
			if err := s.svc.Store().TouchToken(r.Context(), hash, s.svc.Now()); err != nil {
				s.log.Warn("api: record token use", "err", err) // the request goes on: the record is a convenience
			}
			r = r.WithContext(context.WithValue(r.Context(), actorKey{}, model.ActorOf(u)))
		}
		rt.Handle(s, sw, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// recoverer turns a panic into a logged 500 so that one bad request never takes the server down.
func (s *server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("api: panic", "method", r.Method, "path", r.URL.Path, "panic", v)
				writeError(w, http.StatusInternalServerError, "internal", "internal error", "")
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	if err := s.svc.Store().Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) openAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, _ = w.Write(openAPIDoc)
}
