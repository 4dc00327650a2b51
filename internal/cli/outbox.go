package cli

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/notify"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/workflow"
)

// outboxFlags configure what leaves the system: e-mail, the notification bot, the outgoing webhook.
type outboxFlags struct {
	smtpAddr, smtpFrom, smtpFromName, smtpUser, smtpPassword string
	smtpStartTLS                                             bool
	notifyBot                                                string
	webhookURL, webhookSecret                                string
	publicURL                                                string
	workers                                                  int
}

func (f *outboxFlags) register(fs *flag.FlagSet, io IO) {
	fs.StringVar(&f.smtpAddr, "smtp-addr", envOr(io, "OTKLIK_SMTP_ADDR", ""), "SMTP server host:port for e-mail notifications; empty: no e-mail (env OTKLIK_SMTP_ADDR)")
	fs.StringVar(&f.smtpFrom, "smtp-from", envOr(io, "OTKLIK_SMTP_FROM", ""), "sender address (env OTKLIK_SMTP_FROM)")
	fs.StringVar(&f.smtpFromName, "smtp-from-name", envOr(io, "OTKLIK_SMTP_FROM_NAME", "Отклик"), "sender name (env OTKLIK_SMTP_FROM_NAME)")
	fs.StringVar(&f.smtpUser, "smtp-user", envOr(io, "OTKLIK_SMTP_USER", ""), "SMTP user (env OTKLIK_SMTP_USER)")
	fs.StringVar(&f.smtpPassword, "smtp-password", envOr(io, "OTKLIK_SMTP_PASSWORD", ""), "SMTP password (env OTKLIK_SMTP_PASSWORD)")
	fs.BoolVar(&f.smtpStartTLS, "smtp-starttls", envOr(io, "OTKLIK_SMTP_STARTTLS", "") == "1", "use STARTTLS (env OTKLIK_SMTP_STARTTLS=1)")
	fs.StringVar(&f.notifyBot, "notify-telegram-token", envOr(io, "OTKLIK_NOTIFY_TELEGRAM_TOKEN", ""), "bot token for Telegram notifications to staff (env OTKLIK_NOTIFY_TELEGRAM_TOKEN)")
	fs.StringVar(&f.webhookURL, "webhook-url", envOr(io, "OTKLIK_WEBHOOK_URL", ""), "outgoing webhook for events (env OTKLIK_WEBHOOK_URL)")
	fs.StringVar(&f.webhookSecret, "webhook-secret", envOr(io, "OTKLIK_WEBHOOK_SECRET", ""), "HMAC key of the outgoing webhook (env OTKLIK_WEBHOOK_SECRET)")
	fs.StringVar(&f.publicURL, "public-url", envOr(io, "OTKLIK_PUBLIC_URL", ""), "public address of this server, for links in notifications and the invitation to rate under answers posted to VK and Telegram (env OTKLIK_PUBLIC_URL)")
	fs.IntVar(&f.workers, "outbox-workers", 4, "concurrent outbound jobs")
}

func (f *outboxFlags) validate() error {
	if f.smtpAddr != "" && f.smtpFrom == "" {
		return fmt.Errorf("--smtp-from: required with --smtp-addr")
	}
	if f.webhookURL != "" && f.webhookSecret == "" {
		return fmt.Errorf("--webhook-secret: required with --webhook-url")
	}
	if f.publicURL != "" {
		u, err := url.Parse(f.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("--public-url: want the server's absolute address, such as https://otklik.example.ru, not %q", f.publicURL)
		}
	}
	if f.workers < 1 || f.workers > 64 {
		return fmt.Errorf("--outbox-workers: between 1 and 64")
	}
	return nil
}

// RateLink makes the public address of a resident's rating link on the server at publicURL, or is nil when the
// address is not known (answers then go out without the invitation to rate).
func RateLink(publicURL string) func(token string) string {
	base := strings.TrimRight(publicURL, "/")
	if base == "" {
		return nil
	}
	return func(token string) string { return base + workflow.RatePagePath + token }
}

// startOutbox runs the outbox runner and the notification dispatcher until ctx ends; the returned channel
// closes when both have stopped.
func startOutbox(ctx context.Context, st *store.Store, svc *workflow.Service, f outboxFlags, log *slog.Logger) (<-chan struct{}, error) {
	disp := &notify.Dispatcher{Store: st, BaseURL: f.publicURL, Logger: log}
	nh := &outbox.NotifyHandler{}
	if f.smtpAddr != "" {
		nh.Mail = &outbox.SMTP{Addr: f.smtpAddr, From: f.smtpFrom, FromName: f.smtpFromName, Username: f.smtpUser,
			Password: f.smtpPassword, StartTLS: f.smtpStartTLS}
	}
	if f.notifyBot != "" {
		nh.Bot = &telegram.Client{Token: f.notifyBot, HTTP: &http.Client{Timeout: 20 * time.Second}}
	}
	handlers := map[string]outbox.Handler{
		outbox.KindPublish: &outbox.PublishHandler{Publisher: svc, Resolve: &outbox.SourceDestinations{Store: st}, Fallback: outbox.Local{},
			RateLink: RateLink(f.publicURL)},
		outbox.KindNotify: nh,
		outbox.KindDigest: disp.DigestHandler(),
	}
	if f.webhookURL != "" {
		handlers[outbox.KindWebhook] = &outbox.WebhookHandler{URL: f.webhookURL, Secret: []byte(f.webhookSecret)}
	}
	runner := &outbox.Runner{Store: st, Handlers: handlers, Workers: f.workers, Logger: log}
	done := make(chan struct{})
	go func() {
		defer close(done)
		dispDone := make(chan struct{})
		go func() { defer close(dispDone); disp.Run(ctx, 5*time.Second) }()
		runner.Run(ctx)
		<-dispDone
	}()
	return done, nil
}
