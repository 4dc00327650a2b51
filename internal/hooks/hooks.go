// Package hooks mounts the inbound endpoints of configured sources: POST /hooks/vk/{source},
// /hooks/telegram/{source} and /hooks/webhook/{source}. Each request finds its source (kind, secrets, default
// territory) and is handed to that kind's connector, whose sink is the ingest pipeline.
package hooks

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/connector/vk"
	"github.com/otklik/otklik/internal/connector/webhook"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Sources finds a source by its code; *store.Store satisfies it.
type Sources interface {
	SourceByCode(ctx context.Context, code string) (store.Source, error)
}

// Hooks is the handler of /hooks/.
type Hooks struct {
	src  Sources
	sink connector.Sink
	log  *slog.Logger
	ttl  time.Duration
	now  func() time.Time

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	src store.Source
	at  time.Time
}

// New returns the hooks handler.
func New(src Sources, sink connector.Sink, log *slog.Logger) *Hooks {
	if log == nil {
		log = slog.Default()
	}
	return &Hooks{src: src, sink: sink, log: log, ttl: 10 * time.Second, now: time.Now, cache: map[string]cached{}}
}

func (h *Hooks) source(ctx context.Context, code string) (store.Source, error) {
	h.mu.Lock()
	c, ok := h.cache[code]
	h.mu.Unlock()
	if ok && time.Since(c.at) < h.ttl {
		return c.src, nil
	}
	src, err := h.src.SourceByCode(ctx, code)
	if err != nil {
		return src, err
	}
	h.mu.Lock()
	h.cache[code] = cached{src: src, at: time.Now()}
	h.mu.Unlock()
	return src, nil
}

// WithTerritory wraps a sink so that messages carrying no territory get the source's own.
func WithTerritory(sink connector.Sink, territory string) connector.Sink {
	return withTerritory{sink: sink, territory: territory}
}

type withTerritory struct {
	sink      connector.Sink
	territory string
}

func (w withTerritory) Accept(ctx context.Context, msgs []model.Message) error {
	if w.territory != "" {
		for i := range msgs {
			if msgs[i].Territory == "" {
				msgs[i].Territory = w.territory
			}
		}
	}
	return w.sink.Accept(ctx, msgs)
}

// Register adds the routes to a mux.
func (h *Hooks) Register(mux *http.ServeMux) {
	mux.Handle("POST /hooks/{kind}/{source}", h)
}

func (h *Hooks) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	kind, code := r.PathValue("kind"), r.PathValue("source")
	src, err := h.source(r.Context(), code)
	if errors.Is(err, model.ErrNotFound) || (err == nil && (src.Kind != kind || !src.Enabled)) {
		http.Error(w, "no such source", http.StatusNotFound)
		return
	}
	if err != nil {
		h.log.Error("hooks: look up source", "source", code, "err", err)
		http.Error(w, "temporary failure, retry later", http.StatusInternalServerError)
		return
	}
	sink := withTerritory{sink: h.sink, territory: src.Territory}
	switch kind {
	case "vk":
		vk.Handler(vk.Config{Source: src.Code, GroupID: src.Config.GroupID, Confirmation: src.Config.Confirmation,
			Secret: src.Config.Secret, Logger: h.log, Now: h.now}, sink).ServeHTTP(w, r)
	case "telegram":
		telegram.Handler(telegram.Config{Source: src.Code, Secret: src.Config.Secret, Logger: h.log, Now: h.now}, sink).ServeHTTP(w, r)
	case "webhook":
		webhook.Handler(webhook.Config{Source: src.Code, Secret: src.Config.Secret, Now: h.now}, sink).ServeHTTP(w, r)
	default:
		http.Error(w, "no such source", http.StatusNotFound)
	}
}
