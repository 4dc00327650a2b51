package web

import (
	"sync"
	"time"
)

// Rate limits. Sign-in: per client address a burst of LoginIPBurst attempts, then one per LoginIPEvery; per
// login a burst of LoginUserBurst, then one per LoginUserEvery (so guessing one account's password from many
// addresses is as slow as from one). Reception: per client address a burst of ReceptionBurst submissions, then
// one per ReceptionEvery.
const (
	LoginIPBurst   = 20
	LoginIPEvery   = 30 * time.Second
	LoginUserBurst = 5
	LoginUserEvery = time.Minute
	ReceptionBurst = 5
	ReceptionEvery = 10 * time.Minute

	maxLimiterKeys = 20000
)

// limiter is a set of token buckets keyed by client address or login, held in memory by the Server. It keeps
// at most max keys: when full, buckets that have refilled completely are forgotten first (they carry no
// information), then arbitrary ones.
type limiter struct {
	mu    sync.Mutex
	burst float64
	every time.Duration
	max   int
	now   func() time.Time
	b     map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(burst int, every time.Duration, max int, now func() time.Time) *limiter {
	return &limiter{burst: float64(burst), every: every, max: max, now: now, b: map[string]*bucket{}}
}

// Allow takes one token from key's bucket and reports whether there was one.
func (l *limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.b[key]
	if !ok {
		if len(l.b) >= l.max {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.b[key] = b
	}
	l.refill(b, now)
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *limiter) refill(b *bucket, now time.Time) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens += float64(d) / float64(l.every)
		if b.tokens > l.burst {
			b.tokens = l.burst
		}
		b.at = now
	}
}

func (l *limiter) sweep(now time.Time) {
	for k, b := range l.b {
		l.refill(b, now)
		if b.tokens >= l.burst {
			delete(l.b, k)
		}
	}
	for k := range l.b {
		if len(l.b) < l.max {
			break
		}
		delete(l.b, k)
	}
}
