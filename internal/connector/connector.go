// Package connector holds what the source connectors (vk, telegram, ...) share: the Sink that takes parsed
// messages and the overload signal that turns into "503 Service Unavailable" with Retry-After.
//
// A connector parses the wire format of its source, hands the resulting messages to a Sink and acknowledges the
// sender only after the Sink returned nil. The Sink (the ingest pipeline) returns nil only once the messages are
// durable, so an acknowledged message is never lost; a sender whose request failed retries, and deduplication by
// (source, external id) downstream makes the retry harmless.
package connector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// MaxBodyBytes bounds the size of an inbound hook request body. Real VK and Telegram events are a few kilobytes.
const MaxBodyBytes = 1 << 20

// DefaultRetryAfter is what a hook answers in Retry-After when the sink is overloaded without naming a delay.
const DefaultRetryAfter = 5 * time.Second

// Sink accepts parsed messages. Accept returns nil only once the messages are durable (or are known duplicates of
// durable ones); an error means nothing may be acknowledged to the sender. An error that wraps ErrOverloaded means
// "try again later" and is answered with 503 and Retry-After.
type Sink interface {
	Accept(ctx context.Context, msgs []model.Message) error
}

// SinkFunc adapts a function to the Sink interface.
type SinkFunc func(ctx context.Context, msgs []model.Message) error

// Accept calls f.
func (f SinkFunc) Accept(ctx context.Context, msgs []model.Message) error { return f(ctx, msgs) }

// ErrOverloaded is returned (wrapped) by a Sink whose queues are full.
var ErrOverloaded = errors.New("connector: overloaded")

// overloaded carries a suggested delay and matches ErrOverloaded.
type overloaded struct{ after time.Duration }

func (e *overloaded) Error() string {
	return fmt.Sprintf("connector: overloaded, retry after %s", e.after)
}

func (e *overloaded) Is(target error) bool { return target == ErrOverloaded }

// Overloaded returns an error that matches ErrOverloaded and tells the sender to retry after d.
func Overloaded(d time.Duration) error { return &overloaded{after: d} }

// RetryAfter returns the delay an overload error asks for: the one given to Overloaded, or DefaultRetryAfter.
func RetryAfter(err error) time.Duration {
	var o *overloaded
	if errors.As(err, &o) && o.after > 0 {
		return o.after
	}
	return DefaultRetryAfter
}

// Defaults fills in what a connector's configuration may leave unset: the logger (slog.Default()), the clock
// (time.Now) and the source name (kind, the connector's own).
func Defaults(log *slog.Logger, now func() time.Time, source, kind string) (*slog.Logger, func() time.Time, string) {
	if log == nil {
		log = slog.Default()
	}
	if now == nil {
		now = time.Now
	}
	if source == "" {
		source = kind
	}
	return log, now, source
}

// ReadBody reads a request body of at most MaxBodyBytes. It answers the request itself (405, 413 or 400) and
// returns ok=false when the request cannot be processed.
func ReadBody(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return nil, false
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "cannot read request body", http.StatusBadRequest)
		return nil, false
	}
	return body, true
}

// WriteSinkError answers a request whose messages the sink did not accept: 503 with Retry-After (whole seconds,
// at least 1) on overload, 500 otherwise. Either way the sender retries later.
func WriteSinkError(w http.ResponseWriter, err error) {
	if errors.Is(err, ErrOverloaded) {
		secs := int((RetryAfter(err) + time.Second - 1) / time.Second)
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		http.Error(w, "overloaded, retry later", http.StatusServiceUnavailable)
		return
	}
	http.Error(w, "temporary failure, retry later", http.StatusInternalServerError)
}
