package telegram

import (
	"crypto/subtle"
	"log/slog"
	"net/http"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

// Sink takes the parsed messages; see connector.Sink.
type Sink = connector.Sink

// SecretHeader is the header in which Telegram sends the secret_token given to setWebhook.
const SecretHeader = "X-Telegram-Bot-Api-Secret-Token"

// Config configures the webhook of one Telegram source (one bot).
type Config struct {
	Source string       // source name stored in model.Message.Source; "telegram" when empty
	Secret string       // the secret_token given to setWebhook (empty: not checked; configure one)
	Logger *slog.Logger // nil: slog.Default()
	Now    func() time.Time
}

// Handler returns the webhook endpoint (mounted as /hooks/telegram/{source}). A wrong or missing secret header is
// refused with 403 before the body is read; a malformed update is refused with 400. A message is acknowledged
// (200) only after sink.Accept returned nil; Telegram redelivers the update otherwise. An overloaded sink gives 503
// with Retry-After, any other sink error 500. Ignored updates are acknowledged without reaching the sink.
func Handler(cfg Config, sink Sink) http.Handler {
	log, now, source := connector.Defaults(cfg.Logger, cfg.Now, cfg.Source, SourceKind)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if cfg.Secret != "" &&
			subtle.ConstantTimeCompare([]byte(r.Header.Get(SecretHeader)), []byte(cfg.Secret)) != 1 {
			log.Warn("telegram: webhook refused: wrong secret token", "source", source)
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		body, ok := connector.ReadBody(w, r)
		if !ok {
			return
		}
		u, err := ParseUpdate(body)
		if err != nil {
			http.Error(w, "malformed update", http.StatusBadRequest)
			return
		}
		if u.Ignored || u.Message == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		m := *u.Message
		m.Edited = u.Edit
		m.Source = source
		m.ReceivedAt = now().UTC()
		if err := sink.Accept(r.Context(), []model.Message{m}); err != nil {
			log.Warn("telegram: sink did not accept message", "source", source, "update_id", u.UpdateID,
				"external_id", m.ExternalID, "err", err)
			connector.WriteSinkError(w, err)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
}
