package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/auth"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Cookie names. With Options.Secure the session cookie takes the __Host- prefix, which browsers accept only
// from HTTPS, for the whole host and without a Domain: no sibling subdomain can plant or read it.
const (
	sessionCookie       = "otklik_session"
	secureSessionCookie = "__Host-otklik_session"
	anonCookie          = "otklik_anon"
	langCookie          = "otklik_lang"
)

// touchEvery bounds how often a session's last use is written: not at every request.
const touchEvery = time.Minute

type stateKey struct{}

// reqState is what the server knows of a request's visitor.
type reqState struct {
	user    *model.User
	session *store.Session
	token   string // the session cookie's value, when a session was found
	lang    string
	anon    string // the anonymous cookie's value ("" until one is read or set)
}

func stateOf(r *http.Request) *reqState {
	if st, ok := r.Context().Value(stateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{lang: "ru"}
}

// ActorFrom returns the signed-in user of a request handled by the interface as a workflow actor.
func ActorFrom(ctx context.Context) (model.Actor, bool) {
	st, ok := ctx.Value(stateKey{}).(*reqState)
	if !ok || st.user == nil {
		return model.Actor{}, false
	}
	return model.ActorOf(*st.user), true
}

// userOf returns the signed-in user, or nil.
func userOf(r *http.Request) *model.User { return stateOf(r).user }

func (s *Server) sessionCookieName() string {
	if s.opts.Secure {
		return secureSessionCookie
	}
	return sessionCookie
}

func randomToken(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("web: no randomness: " + err.Error()) // crypto/rand does not fail on supported systems
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// loadSession finds the visitor's session, ending it when it is past its idle or absolute limit or its user
// is disabled.
func (s *Server) loadSession(r *http.Request, st *reqState) error {
	c, err := r.Cookie(s.sessionCookieName())
	if err != nil || c.Value == "" || len(c.Value) > 100 {
		return nil
	}
	hash := auth.HashToken(c.Value)
	se, u, err := s.st.SessionByToken(r.Context(), hash)
	if errors.Is(err, model.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	now := s.now()
	if u.Disabled || !now.Before(se.ExpiresAt) || now.Sub(se.LastSeenAt) >= s.opts.IdleTimeout {
		return s.st.DeleteSession(r.Context(), hash)
	}
	if now.Sub(se.LastSeenAt) >= touchEvery {
		if err := s.st.TouchSession(r.Context(), se.ID, now); err != nil {
			return err
		}
		se.LastSeenAt = now
	}
	st.user, st.session, st.token = &u, &se, c.Value
	return nil
}

// startSession signs a user in: any session the browser had ends (rotation), a new one begins.
func (s *Server) startSession(w http.ResponseWriter, r *http.Request, u model.User) error {
	st := stateOf(r)
	if c, err := r.Cookie(s.sessionCookieName()); err == nil && c.Value != "" {
		if err := s.st.DeleteSession(r.Context(), auth.HashToken(c.Value)); err != nil {
			return err
		}
	}
	now := s.now()
	token := randomToken(32)
	se := store.Session{TokenHash: auth.HashToken(token), UserID: u.ID, CSRFSecret: randomToken(32), CreatedAt: now,
		ExpiresAt: now.Add(s.opts.MaxAge), LastSeenAt: now, IP: clientIP(r), UserAgent: truncate(r.UserAgent(), 300)}
	id, err := s.st.CreateSession(r.Context(), se)
	if err != nil {
		return err
	}
	se.ID = id
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: token, Path: "/", HttpOnly: true, Secure: s.opts.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: int(s.opts.MaxAge / time.Second)})
	st.user, st.session, st.token = &u, &se, token
	return nil
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookieName(), Value: "", Path: "/", HttpOnly: true, Secure: s.opts.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// clientIP is the address the request came from. Otklik does not trust X-Forwarded-For: behind a reverse
// proxy, configure the proxy to limit rates, or every client shares the proxy's address.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// localPath returns next when it is a path on this site ("/x", not "//host" or "/\host"), else fallback.
func localPath(next, fallback string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return fallback
	}
	return next
}

// loginView is the sign-in form's data.
type loginView struct {
	Login   string
	Next    string
	Error   string // message key
	Limited bool
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if userOf(r) != nil {
		http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login.html", "login.title", loginView{Next: localPath(r.URL.Query().Get("next"), "")})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	login := strings.TrimSpace(r.PostFormValue("login"))
	password := r.PostFormValue("password")
	v := loginView{Login: truncate(login, 100), Next: localPath(r.PostFormValue("next"), "")}
	ipOK := s.loginIP.Allow(clientIP(r))
	userOK := s.loginUser.Allow(strings.ToLower(truncate(login, 100)))
	if !ipOK || !userOK {
		v.Error, v.Limited = "login.rate_limited", true
		w.Header().Set("Retry-After", "60")
		s.render(w, r, http.StatusTooManyRequests, "login.html", "login.title", v)
		return
	}
	u, hash, err := s.st.UserByLogin(r.Context(), login)
	switch {
	case errors.Is(err, model.ErrNotFound):
		auth.CheckPassword(s.dummyHash, password) // the same work as for a known login
	case err != nil:
		s.fail(w, r, err)
		return
	}
	if err != nil || u.Disabled || !auth.CheckPassword(hash, password) {
		v.Error = "login.failed"
		s.log.Info("web: sign-in failed", "login", v.Login, "ip", clientIP(r))
		s.render(w, r, http.StatusUnauthorized, "login.html", "login.title", v)
		return
	}
	if err := s.startSession(w, r, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: signed in", "login", u.Login, "ip", clientIP(r))
	http.Redirect(w, r, localPath(v.Next, "/"), http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	st := stateOf(r)
	if st.token != "" {
		if err := s.st.DeleteSession(r.Context(), auth.HashToken(st.token)); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) logoutEverywhere(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	n, err := s.st.DeleteUserSessions(r.Context(), u.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("web: signed out everywhere", "login", u.Login, "sessions", n)
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setLang stores the chosen interface language and goes back.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.PathValue("lang")
	if !validLang(l) {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", HttpOnly: true, Secure: s.opts.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	http.Redirect(w, r, localPath(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

// PurgeSessions deletes the sessions past their absolute or idle limit and returns how many went. Expired
// sessions are refused whether or not they have been purged; purging only keeps the table small.
func (s *Server) PurgeSessions(ctx context.Context) (int, error) {
	now := s.now()
	return s.st.DeleteStaleSessions(ctx, now, now.Add(-s.opts.IdleTimeout))
}

// RunJanitor purges stale sessions every interval until ctx ends.
func (s *Server) RunJanitor(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if n, err := s.PurgeSessions(ctx); err != nil && ctx.Err() == nil {
			s.log.Error("web: purge sessions", "err", err)
		} else if n > 0 {
			s.log.Info("web: purged stale sessions", "sessions", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
