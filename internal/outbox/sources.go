package outbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/connector/vk"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Resolver finds where answers to a source's messages go when a job runs.
type Resolver interface {
	// Destination returns the destination of a source, or false when the source publishes nowhere of its own
	// (unknown, disabled for publishing, or without a token).
	Destination(ctx context.Context, source string) (Destination, bool, error)
}

// SourceStore is the part of the store SourceDestinations reads.
type SourceStore interface {
	SourceByCode(ctx context.Context, code string) (store.Source, error)
}

// SourceDestinations resolves destinations from the sources configured in the store: a VK source with a
// community token posts through the VK API, a Telegram source with a bot token through the Bot API. Sources are
// read when a job needs them and kept for TTL, so a source added or re-configured while the server runs (CLI or
// API) takes effect without a restart. Safe for concurrent use.
type SourceDestinations struct {
	Store SourceStore
	HTTP  *http.Client  // nil: a client with a 20 s timeout, below the runner's handler timeout
	TTL   time.Duration // 0: 30 s

	mu    sync.Mutex
	cache map[string]resolved
}

type resolved struct {
	cfg  store.SourceConfig
	kind string
	dest Destination
	at   time.Time
}

// Destination implements Resolver.
func (d *SourceDestinations) Destination(ctx context.Context, code string) (Destination, bool, error) {
	ttl := d.TTL
	if ttl <= 0 {
		ttl = 30 * time.Second
	}
	d.mu.Lock()
	c, ok := d.cache[code]
	d.mu.Unlock()
	if ok && time.Since(c.at) < ttl {
		return c.dest, c.dest != nil, nil
	}
	src, err := d.Store.SourceByCode(ctx, code)
	switch {
	case errIsNotFound(err):
		src = store.Source{Code: code}
	case err != nil:
		return nil, false, fmt.Errorf("outbox: look up source %q: %w", code, err)
	}
	var dest Destination
	if ok && c.kind == src.Kind && c.cfg == src.Config {
		dest = c.dest // unchanged: keep the client and its connections
	} else {
		dest = d.build(src)
	}
	d.mu.Lock()
	if d.cache == nil {
		d.cache = map[string]resolved{}
	}
	d.cache[code] = resolved{cfg: src.Config, kind: src.Kind, dest: dest, at: time.Now()}
	d.mu.Unlock()
	return dest, dest != nil, nil
}

func (d *SourceDestinations) build(src store.Source) Destination {
	client := d.HTTP
	if client == nil {
		client = &http.Client{Timeout: 20 * time.Second}
	}
	switch {
	case src.Kind == "vk" && src.Config.Token != "":
		return VK{Client: &vk.Client{BaseURL: src.Config.APIBase, Token: src.Config.Token, GroupID: src.Config.GroupID, HTTP: client}}
	case src.Kind == "telegram" && src.Config.Token != "":
		return Telegram{Client: &telegram.Client{BaseURL: src.Config.APIBase, Token: src.Config.Token, HTTP: client}}
	}
	return nil
}

func errIsNotFound(err error) bool { return err != nil && errors.Is(err, model.ErrNotFound) }
