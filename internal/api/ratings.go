package api

import (
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// The public rating form is limited per client address by a token bucket: RateBurst ratings at once, then one
// more every RateRefill. Many residents may share one address (mobile carriers' NAT), hence the generous
// burst. The address is the connection's peer: behind a reverse proxy that is the proxy, so a deployment behind
// one should limit there as well.
const (
	RateBurst      = 20
	RateRefill     = 3 * time.Second
	MaxRateBody    = 8 << 10 // 8 KiB: POST /r/{token}
	maxRateClients = 10000   // addresses tracked before full buckets are forgotten
	maxTokenLen    = 64
)

// ipLimiter is a token bucket per client address, owned by one server (no global state).
type ipLimiter struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration
	max     int
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newIPLimiter(burst int, every time.Duration, max int) *ipLimiter {
	return &ipLimiter{burst: float64(burst), every: every, max: max, buckets: map[string]*bucket{}}
}

// allow takes a token for key at now; when none is left it reports how long until one is.
func (l *ipLimiter) allow(key string, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) >= l.max {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[key] = b
	}
	if el := now.Sub(b.at); el > 0 {
		b.tokens = math.Min(l.burst, b.tokens+float64(el)/float64(l.every))
	}
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) * float64(l.every))
}

// sweep forgets the addresses whose buckets have refilled (they behave as new ones). If every tracked address
// is still limited, all are forgotten: memory stays bounded, and a sender with that many addresses is not held
// back by a per-address limit anyway.
func (l *ipLimiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if b.tokens+float64(now.Sub(b.at))/float64(l.every) >= l.burst {
			delete(l.buckets, k)
		}
	}
	if len(l.buckets) >= l.max {
		clear(l.buckets)
	}
}

// clientAddr is the peer address of a request without its port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// PublicAnswer is what a rating link shows a resident: the incident's number and status and the answer being
// rated. It carries no personal data: no names, no contacts, no message texts.
type PublicAnswer struct {
	Number      string            `json:"number"`
	Status      model.Status      `json:"status"`
	Kind        model.AnswerKind  `json:"kind"`
	Text        string            `json:"text"`
	PublishedAt *time.Time        `json:"published_at,omitempty"`
	Rated       bool              `json:"rated"`
	Rating      *PublicRatingView `json:"rating,omitempty"` // the verdict, once given
}

// PublicRatingView is a verdict as the resident sees it.
type PublicRatingView struct {
	Score   int        `json:"score"`
	Solved  *bool      `json:"solved,omitempty"`
	RatedAt *time.Time `json:"rated_at,omitempty"`
	// Status is the incident's status after the verdict: «не решено» on a resolved incident reopens it.
	Status model.Status `json:"status,omitempty"`
}

// validToken reports whether a path segment can be a rating token (URL-safe base64), so that junk never
// reaches the database.
func validToken(tok string) bool {
	if tok == "" || len(tok) > maxTokenLen {
		return false
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func unknownLink() error { return notFound("unknown rating link") }

// getRatingLink serves GET /r/{token} (public): the answer a resident is asked to rate.
func (s *server) getRatingLink(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	tok := r.PathValue("token")
	if !validToken(tok) {
		s.fail(w, r, unknownLink())
		return
	}
	if err := checkParams(r.URL.Query()); err != nil {
		s.fail(w, r, err)
		return
	}
	rt, err := s.svc.Store().RatingByToken(ctx, tok)
	if isNotFound(err) {
		s.fail(w, r, unknownLink())
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantsPage(r) {
		// A resident's browser followed the link: the web interface's rating page has the form.
		http.Redirect(w, r, workflow.RatePagePath+tok, http.StatusSeeOther)
		return
	}
	ans, err := s.svc.Store().Answer(ctx, rt.AnswerID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	inc, err := s.svc.Store().Incident(ctx, rt.IncidentID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := PublicAnswer{Number: inc.Number, Status: inc.Status, Kind: ans.Kind, Text: ans.Text, PublishedAt: ans.PublishedAt, Rated: rt.RatedAt != nil}
	if out.Rated {
		out.Rating = &PublicRatingView{Score: rt.Score, Solved: rt.Solved, RatedAt: rt.RatedAt}
	}
	writeJSON(w, http.StatusOK, out)
}

// wantsPage reports whether the client asks for a web page rather than JSON (a browser's Accept header names
// text/html and not application/json).
func wantsPage(r *http.Request) bool {
	accept := r.Header.Get("Accept")
	return strings.Contains(accept, "text/html") && !strings.Contains(accept, "application/json")
}

// postRating serves POST /r/{token} (public): a resident's verdict, once per link, limited per client address.
func (s *server) postRating(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	w.Header().Set("Cache-Control", "no-store")
	if ok, wait := s.rateLimit.allow(clientAddr(r), s.svc.Now()); !ok {
		secs := int(math.Ceil(wait.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		writeError(w, http.StatusTooManyRequests, "rate_limited", "too many ratings from this address; try again in "+strconv.Itoa(max(secs, 1))+" s", "")
		return
	}
	tok := r.PathValue("token")
	if !validToken(tok) {
		s.fail(w, r, unknownLink())
		return
	}
	var in workflow.RateInput
	if err := decodeBody(w, r, MaxRateBody, &in); err != nil {
		s.fail(w, r, err)
		return
	}
	rt, err := s.svc.Rate(ctx, tok, in)
	if isNotFound(err) {
		s.fail(w, r, unknownLink())
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	view := PublicRatingView{Score: rt.Score, Solved: rt.Solved, RatedAt: rt.RatedAt}
	if inc, err := s.svc.Store().Incident(ctx, rt.IncidentID); err == nil {
		view.Status = inc.Status
	} else {
		s.log.Warn("api: incident after rating", "incident", rt.IncidentID, "err", err)
	}
	writeJSON(w, http.StatusOK, view)
}
