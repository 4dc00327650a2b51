package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

// OffsetStore keeps the getUpdates offset of each polled source durably (the lead backs it with the store).
// Get returns 0 for a source never polled.
type OffsetStore interface {
	Get(ctx context.Context, source string) (int64, error)
	Set(ctx context.Context, source string, offset int64) error
}

// Poller takes updates in by long polling, for installations without a public address. Updates are confirmed to
// Telegram (by asking for offset = last update_id + 1) and the offset is stored only after the sink accepted the
// batch, so a crash or a failing sink makes Telegram deliver the same updates again, never lose them. Telegram
// keeps unconfirmed updates for 24 hours. The bot must have no webhook set (see Client.DeleteWebhook).
type Poller struct {
	Client  *Client
	Source  string // source name for messages and offsets; "telegram" when empty
	Offsets OffsetStore
	Sink    Sink

	Timeout    time.Duration // long-polling timeout; 25 s when 0
	Limit      int           // updates per batch; 100 when 0
	MinBackoff time.Duration // first wait after an error; 1 s when 0
	MaxBackoff time.Duration // longest wait; 1 min when 0
	Logger     *slog.Logger  // nil: slog.Default()
	Now        func() time.Time
}

// Run polls until ctx is done and then returns ctx.Err(). Errors of Telegram, the sink or the offset store are
// logged and retried with exponential backoff and jitter (or after the delay Telegram or the sink asks for).
func (p *Poller) Run(ctx context.Context) error {
	if p.Client == nil || p.Offsets == nil || p.Sink == nil {
		return errors.New("telegram: poller needs a Client, an OffsetStore and a Sink")
	}
	log, now, source := connector.Defaults(p.Logger, p.Now, p.Source, SourceKind)
	timeout := p.Timeout
	if timeout == 0 {
		timeout = 25 * time.Second
	}
	limit := p.Limit
	if limit == 0 {
		limit = 100
	}
	bo := backoff{min: p.MinBackoff, max: p.MaxBackoff}

	var offset int64
	for {
		o, err := p.Offsets.Get(ctx, source)
		if err == nil {
			offset = o
			break
		}
		log.Warn("telegram: poller: read offset", "source", source, "err", err)
		if err := bo.wait(ctx, 0); err != nil {
			return err
		}
	}
	bo.reset()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		raws, err := p.Client.GetUpdates(ctx, offset, timeout, limit)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var apiErr *APIError
			var after time.Duration
			if errors.As(err, &apiErr) {
				after = apiErr.RetryAfter
			}
			log.Warn("telegram: poller: getUpdates", "source", source, "offset", offset, "err", err)
			if err := bo.wait(ctx, after); err != nil {
				return err
			}
			continue
		}
		if len(raws) == 0 {
			bo.reset()
			continue
		}
		msgs, next := p.batch(log, source, raws, offset, now().UTC())
		if len(msgs) > 0 {
			if err := p.Sink.Accept(ctx, msgs); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				var after time.Duration
				if errors.Is(err, connector.ErrOverloaded) {
					after = connector.RetryAfter(err)
				}
				log.Warn("telegram: poller: sink did not accept batch; it will be fetched again", "source", source,
					"messages", len(msgs), "err", err)
				if err := bo.wait(ctx, after); err != nil {
					return err
				}
				continue // the offset did not move: the next getUpdates returns the same updates
			}
		}
		// The batch is durable: move on. The next getUpdates confirms it to Telegram even if storing the offset
		// fails; then a restart re-reads from the older stored offset and finds only later updates.
		offset = next
		if err := p.Offsets.Set(ctx, source, offset); err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			log.Warn("telegram: poller: store offset", "source", source, "offset", offset, "err", err)
		}
		bo.reset()
	}
}

// batch parses a getUpdates result into messages and returns the offset after it. Updates that do not parse are
// logged and skipped (they would otherwise block the bot forever).
func (p *Poller) batch(log *slog.Logger, source string, raws []json.RawMessage, offset int64, received time.Time) ([]model.Message, int64) {
	next := offset
	var msgs []model.Message
	for _, raw := range raws {
		u, err := ParseUpdate(raw)
		if err != nil {
			var id struct {
				UpdateID int64 `json:"update_id"`
			}
			_ = json.Unmarshal(raw, &id)
			u.UpdateID = id.UpdateID
			log.Warn("telegram: poller: skipping malformed update", "source", source, "update_id", id.UpdateID,
				"err", err)
		}
		if u.UpdateID >= next {
			next = u.UpdateID + 1
		}
		if err != nil || u.Ignored || u.Message == nil {
			continue
		}
		m := *u.Message
		m.Edited = u.Edit
		m.Source = source
		m.ReceivedAt = received
		msgs = append(msgs, m)
	}
	return msgs, next
}

// backoff is exponential backoff with full jitter between min and max.
type backoff struct {
	min, max time.Duration
	n        int
}

func (b *backoff) reset() { b.n = 0 }

// wait sleeps for the next backoff step, or for atLeast when that is longer, or until ctx is done.
func (b *backoff) wait(ctx context.Context, atLeast time.Duration) error {
	lo, hi := b.min, b.max
	if lo <= 0 {
		lo = time.Second
	}
	if hi <= 0 {
		hi = time.Minute
	}
	d := lo << min(b.n, 20)
	if d > hi || d <= 0 {
		d = hi
	}
	b.n++
	d = d/2 + rand.N(d/2+1) // jitter in [d/2, d]
	if atLeast > d {
		d = atLeast
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
