package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
)

// CSRFField is the name of the hidden form field carrying the token; scripts send it as CSRFHeader.
const (
	CSRFField  = "csrf_token"
	CSRFHeader = "X-CSRF-Token"
)

// maxMultipartMemory is how much of a multipart body is held in memory; the rest spills to temporary files.
const maxMultipartMemory = 8 << 20

// csrfToken returns the token forms on this response must carry: the session's secret when signed in, else an
// HMAC of the anonymous cookie, which is set here when the browser has none yet.
func (s *Server) csrfToken(w http.ResponseWriter, r *http.Request) string {
	st := stateOf(r)
	if st.session != nil {
		return st.session.CSRFSecret
	}
	if st.anon == "" {
		if c, err := r.Cookie(anonCookie); err == nil && len(c.Value) >= 16 && len(c.Value) <= 64 {
			st.anon = c.Value
		} else {
			st.anon = randomToken(18)
			http.SetCookie(w, &http.Cookie{Name: anonCookie, Value: st.anon, Path: "/", HttpOnly: true, Secure: s.opts.Secure,
				SameSite: http.SameSiteLaxMode, MaxAge: 7 * 24 * 3600})
		}
	}
	return s.anonToken(st.anon)
}

func (s *Server) anonToken(anon string) string {
	m := hmac.New(sha256.New, s.key)
	m.Write([]byte("csrf\x00"))
	m.Write([]byte(anon))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// validCSRF checks a POST's token against the session, or against the anonymous cookie without one.
func (s *Server) validCSRF(r *http.Request, st *reqState) bool {
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	if got == "" {
		return false
	}
	var want string
	if st.session != nil {
		want = st.session.CSRFSecret
	} else {
		c, err := r.Cookie(anonCookie)
		if err != nil || len(c.Value) < 16 || len(c.Value) > 64 {
			return false
		}
		want = s.anonToken(c.Value)
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

// parseForm reads a POST body, URL-encoded or multipart, within the limit already set on r.Body.
func parseForm(r *http.Request, limit int64) error {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "multipart/form-data" {
		mem := int64(maxMultipartMemory)
		if limit < mem {
			mem = limit
		}
		return r.ParseMultipartForm(mem)
	}
	return r.ParseForm()
}
