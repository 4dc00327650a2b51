package vk

import (
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

// Sink takes the parsed messages; see connector.Sink.
type Sink = connector.Sink

// Config configures the Callback API hook of one VK source (one community).
type Config struct {
	Source       string       // source name stored in model.Message.Source; "vk" when empty
	GroupID      int64        // the community id; events for another group are refused (0: not checked)
	Confirmation string       // the string VK expects in answer to the "confirmation" event
	Secret       string       // the secret key set in the community's Callback API settings (empty: not checked)
	Logger       *slog.Logger // nil: slog.Default()
	Now          func() time.Time
}

// Handler returns the Callback API endpoint (mounted as /hooks/vk/{source}). It answers the confirmation
// handshake with cfg.Confirmation, refuses a wrong or missing secret and a foreign group with 403, malformed bodies
// with 400, and answers "ok" to an event with a message only after sink.Accept returned nil: VK retries anything
// else, so an acknowledged message is durable and an unacknowledged one comes again. An overloaded sink gives 503
// with Retry-After, any other sink error 500. Event types Otklik does not take in are answered "ok".
func Handler(cfg Config, sink Sink) http.Handler {
	log, now, source := connector.Defaults(cfg.Logger, cfg.Now, cfg.Source, SourceKind)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := connector.ReadBody(w, r)
		if !ok {
			return
		}
		ev, err := ParseCallback(body)
		if err != nil {
			http.Error(w, "malformed callback", http.StatusBadRequest)
			return
		}
		if cfg.Secret != "" && subtle.ConstantTimeCompare([]byte(ev.Secret), []byte(cfg.Secret)) != 1 {
			log.Warn("vk: callback refused: wrong secret", "source", source, "type", ev.Type)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if cfg.GroupID != 0 && ev.GroupID != cfg.GroupID {
			log.Warn("vk: callback refused: foreign group", "source", source, "group_id", ev.GroupID)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		if ev.Type == TypeConfirmation {
			if cfg.Confirmation == "" {
				log.Error("vk: confirmation requested but no confirmation string configured", "source", source)
				http.Error(w, "confirmation string not configured", http.StatusInternalServerError)
				return
			}
			writeText(w, cfg.Confirmation)
			return
		}
		if ev.Message == nil || ev.FromCommunity {
			writeText(w, "ok")
			return
		}
		m := *ev.Message
		m.Edited = ev.Edit
		m.Source = source
		m.ReceivedAt = now().UTC()
		if err := sink.Accept(r.Context(), []model.Message{m}); err != nil {
			log.Warn("vk: sink did not accept message", "source", source, "external_id", m.ExternalID, "err", err)
			connector.WriteSinkError(w, err)
			return
		}
		writeText(w, "ok")
	})
}

func writeText(w http.ResponseWriter, s string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = io.WriteString(w, s)
}
