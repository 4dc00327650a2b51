// Package simulator streams realistic residents' messages into the inbound hooks of a running Otklik server, in
// the real VK Callback API and Telegram Bot API wire formats, so that a demo shows the product working live:
// messages arrive, bursts about one problem merge into one incident, edits update what was said, and VK's and
// Telegram's re-deliveries are absorbed without duplicates.
//
// The texts are the project's own demo texts (demo.StreamTexts, demo.SampleTexts). The simulator behaves as the
// real senders do: it retries a request the server refused with 503 after Retry-After, retries network failures
// and server errors with exponential backoff, and gives up only on a definite 4xx answer.
package simulator

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Source is one demo source the simulator posts to. For VK, GroupID and Secret are the community's id and the
// Callback API secret key; Confirmation, when set, is checked with the confirmation handshake at start. For
// Telegram, Secret is the webhook's secret_token. A source with an empty Code is not used.
type Source struct {
	Code         string
	GroupID      int64
	Confirmation string
	Secret       string
}

// Defaults of the zero fields of Simulator.
const (
	DefaultWorkers       = 4
	DefaultMaxBackoff    = 10 * time.Second
	DefaultMaxRetryAfter = time.Minute
)

// Simulator sends a stream of messages to a server. Set the fields, then call Run once; Stats may be read at any
// time from any goroutine. A Simulator must not be copied after Run started.
type Simulator struct {
	BaseURL  string  // the server, e.g. http://localhost:8080
	VK       Source  // the VK source (Code "" to send no VK callbacks)
	Telegram Source  // the Telegram source (Code "" to send no Telegram updates)
	Rate     float64 // messages per second, > 0; the gaps are jittered by ±50 %
	Seed     uint64  // the same seed gives the same sequence of messages (their dates aside)
	Max      int     // stop after this many payloads (0: until ctx ends)
	Workers  int     // requests in flight at most (0: DefaultWorkers)

	HTTP   *http.Client     // nil: a client with a 30 s timeout
	Logger *slog.Logger     // nil: slog.Default()
	Now    func() time.Time // the messages' dates; nil: time.Now

	MaxBackoff    time.Duration // cap of the backoff after network errors and 5xx (0: DefaultMaxBackoff)
	MaxRetryAfter time.Duration // cap of a server's Retry-After (0: DefaultMaxRetryAfter)

	// OnAck, when set, is called with every payload the server acknowledged, from the sending goroutines.
	OnAck func(Payload)

	sent, acked, retried, refused, fresh, edits, redeliveries atomic.Int64
}

// Stats counts what the simulator did. Every payload is Sent once, however often it is retried; it ends Acked
// (the server answered 200) or Refused (a 4xx answer other than 408 and 429: not retried), or neither when Run
// stopped before an answer. Retried counts repeated attempts. New, Edits and Redeliveries split Acked by what
// the payload was: a new message, an edit of an earlier one, or a byte-for-byte repeat of an earlier request.
type Stats struct {
	Sent         int64 `json:"sent"`
	Acked        int64 `json:"acked"`
	Retried      int64 `json:"retried"`
	Refused      int64 `json:"refused"`
	New          int64 `json:"new"`
	Edits        int64 `json:"edits"`
	Redeliveries int64 `json:"redeliveries"`
}

// Stats returns the counters so far.
func (s *Simulator) Stats() Stats {
	return Stats{Sent: s.sent.Load(), Acked: s.acked.Load(), Retried: s.retried.Load(), Refused: s.refused.Load(),
		New: s.fresh.Load(), Edits: s.edits.Load(), Redeliveries: s.redeliveries.Load()}
}

func (s *Simulator) log() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Run sends messages at the configured rate until ctx ends or Max payloads were sent, then waits for the
// requests in flight (which retry until answered or ctx ends) and returns nil. It returns an error only for a
// bad configuration or a failed VK confirmation handshake (the server answered something other than
// VK.Confirmation).
func (s *Simulator) Run(ctx context.Context) error {
	if s.BaseURL == "" {
		return errors.New("simulator: no server URL")
	}
	if s.Rate <= 0 {
		return fmt.Errorf("simulator: rate %v: must be positive", s.Rate)
	}
	if s.VK.Code == "" && s.Telegram.Code == "" {
		return errors.New("simulator: neither a VK nor a Telegram source")
	}
	if s.VK.Code != "" && s.VK.GroupID <= 0 {
		return fmt.Errorf("simulator: VK source %s: no group id", s.VK.Code)
	}
	client := s.HTTP
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	if s.VK.Code != "" && s.VK.Confirmation != "" {
		if err := s.confirm(ctx, client); err != nil {
			if ctx.Err() != nil {
				return nil // stopped while the server was not answering yet
			}
			return err
		}
	}
	gen := NewGenerator(s.VK, s.Telegram, s.Seed, s.Now)
	jitter := rand.New(rand.NewPCG(s.Seed^0x5bd1e995, s.Seed))
	workers := s.Workers
	if workers <= 0 {
		workers = DefaultWorkers
	}
	jobs := make(chan Payload)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for p := range jobs {
				if s.deliver(ctx, client, p) {
					gen.Ack(p)
					if s.OnAck != nil {
						s.OnAck(p)
					}
				}
			}
		})
	}
	defer wg.Wait()
	defer close(jobs)

	interval := time.Duration(float64(time.Second) / s.Rate)
	timer := time.NewTimer(0)
	defer timer.Stop()
	next := time.Now()
	for n := 0; s.Max <= 0 || n < s.Max; n++ {
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
		p, err := gen.Next()
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil
		case jobs <- p:
			s.sent.Add(1)
		}
		// A slow server holds the stream back instead of it catching up in a rush afterwards.
		next = next.Add(time.Duration(float64(interval) * (0.5 + jitter.Float64())))
		if now := time.Now(); next.Before(now) {
			next = now
		}
		timer.Reset(time.Until(next))
	}
	return nil
}

// confirm performs the Callback API confirmation handshake VK does when a server is added to a community.
func (s *Simulator) confirm(ctx context.Context, client *http.Client) error {
	p := Payload{Kind: "vk.confirmation", Source: s.VK.Code, Path: "/hooks/vk/" + s.VK.Code, Body: vkConfirmationBody(s.VK.GroupID, s.VK.Secret)}
	status, answer, ok := s.send(ctx, client, p)
	if !ok {
		return fmt.Errorf("simulator: vk confirmation: %w", context.Cause(ctx))
	}
	if status != http.StatusOK || answer != s.VK.Confirmation {
		return fmt.Errorf("simulator: vk confirmation: server answered %d %q, want %q", status, answer, s.VK.Confirmation)
	}
	return nil
}

func (s *Simulator) url(path string) string { return strings.TrimSuffix(s.BaseURL, "/") + path }

// deliver sends one payload until the server acknowledges or definitely refuses it, or ctx ends. It reports
// whether the payload was acknowledged.
func (s *Simulator) deliver(ctx context.Context, client *http.Client, p Payload) bool {
	status, answer, ok := s.send(ctx, client, p)
	if !ok {
		return false
	}
	if status != http.StatusOK {
		s.refused.Add(1)
		s.log().Warn("simulator: server refused a message", "kind", p.Kind, "source", p.Source,
			"external_id", p.ExternalID, "status", status, "answer", answer)
		return false
	}
	s.acked.Add(1)
	switch {
	case p.Redelivery:
		s.redeliveries.Add(1)
	case p.Edit:
		s.edits.Add(1)
	default:
		s.fresh.Add(1)
	}
	return true
}

// send posts a payload until the server gives a definite answer: 200, or a 4xx other than 408 and 429. A 503 or
// 429 is retried after the Retry-After the server asked for, network errors and other 5xx answers after an
// exponential backoff with jitter. It returns the final status and the start of the answer, or ok=false when
// ctx ended first.
func (s *Simulator) send(ctx context.Context, client *http.Client, p Payload) (status int, answer string, ok bool) {
	log := s.log()
	maxBackoff := s.MaxBackoff
	if maxBackoff <= 0 {
		maxBackoff = DefaultMaxBackoff
	}
	maxRetryAfter := s.MaxRetryAfter
	if maxRetryAfter <= 0 {
		maxRetryAfter = DefaultMaxRetryAfter
	}
	backoff := 100 * time.Millisecond
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			s.retried.Add(1)
		}
		status, after, answer, err := s.post(ctx, client, p)
		var wait time.Duration
		switch {
		case ctx.Err() != nil:
			return 0, "", false
		case err != nil:
			log.Debug("simulator: delivery failed, will retry", "kind", p.Kind, "external_id", p.ExternalID, "err", err)
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(2*backoff, maxBackoff)
		case status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests:
			wait = after
			if wait <= 0 {
				wait = time.Second
			}
			wait = min(wait, maxRetryAfter)
			log.Debug("simulator: server busy, will retry", "kind", p.Kind, "external_id", p.ExternalID, "after", wait)
		case status >= 500 || status == http.StatusRequestTimeout:
			log.Debug("simulator: server error, will retry", "kind", p.Kind, "status", status)
			wait = backoff/2 + rand.N(backoff/2+1)
			backoff = min(2*backoff, maxBackoff)
		default:
			return status, answer, true
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return 0, "", false
		case <-t.C:
		}
	}
}

// post makes one attempt; it returns the status, the Retry-After delay asked for (0 when none), and the start of
// the answer.
func (s *Simulator) post(ctx context.Context, client *http.Client, p Payload) (int, time.Duration, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url(p.Path), bytes.NewReader(p.Body))
	if err != nil {
		return 0, 0, "", err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range p.Header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, "", err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 512))
	if err != nil && resp.StatusCode == http.StatusOK {
		return 0, 0, "", fmt.Errorf("read answer: %w", err) // the "ok" may not have been meant: send again
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16)) // lets the connection be reused
	return resp.StatusCode, retryAfter(resp.Header.Get("Retry-After"), time.Now()), strings.TrimSpace(string(b)), nil
}

// retryAfterLimit bounds a parsed Retry-After, before Simulator.MaxRetryAfter applies.
const retryAfterLimit = 24 * time.Hour

// retryAfter parses a Retry-After value: delay-seconds or an HTTP date, at most retryAfterLimit. It returns 0
// when there is none.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0
		}
		return min(time.Duration(min(secs, int64(retryAfterLimit/time.Second)))*time.Second, retryAfterLimit)
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return min(t.Sub(now), retryAfterLimit)
	}
	return 0
}
