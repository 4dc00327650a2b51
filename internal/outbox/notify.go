package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/store"
)

// NotifyPayload is the payload of a notify job: one message to one address, composed when it was enqueued.
type NotifyPayload struct {
	Channel    string `json:"channel"` // store.ChannelEmail or store.ChannelTelegram
	Address    string `json:"address"` // e-mail address or Telegram chat id
	Name       string `json:"name,omitempty"`
	Subject    string `json:"subject"`
	Text       string `json:"text"`
	EventID    int64  `json:"event_id,omitempty"`
	IncidentID int64  `json:"incident_id,omitempty"`
	UserID     int64  `json:"user_id,omitempty"`
}

// NotifyHandler handles "notify" jobs: e-mail through Mail, Telegram through Bot (a bot of the deployment's own,
// which users start and give their chat id to).
//
// At most once: e-mail is checkpointed after the message body is transmitted and before the final "." that
// commits it; Telegram before the sendMessage call. A later attempt that finds the checkpoint without a result
// stops with Uncertain (the job goes dead and is listed for the centre) rather than sending again. Failures
// before the checkpoint, and refusals the server states (SMTP 4xx/5xx replies, Bot API errors), are retried
// (4xx, 429, 5xx) or dead (SMTP 5xx, Bot API 4xx). Residual risk: a notification lost when the connection
// breaks between the final "." and the server's reply.
type NotifyHandler struct {
	Mail *SMTP
	Bot  *telegram.Client
}

const cpMailCommitting = "smtp:committing"

// Handle sends one notification.
func (h *NotifyHandler) Handle(ctx context.Context, run *Run) (string, error) {
	var p NotifyPayload
	if err := json.Unmarshal(run.Job.Payload, &p); err != nil || p.Address == "" {
		return "", Permanent(fmt.Errorf("outbox: notify payload of job %d: bad JSON or no address", run.Job.ID))
	}
	switch p.Channel {
	case store.ChannelEmail:
		if h.Mail == nil {
			return "", Permanent(errors.New("outbox: e-mail notifications are not configured (SMTP server)"))
		}
		if run.Job.Checkpoint == cpMailCommitting {
			return "", Uncertain(fmt.Errorf("smtp: the previous attempt stopped while the server was committing the message to %s", p.Address))
		}
		msg := Mail{To: p.Address, ToName: p.Name, Subject: p.Subject, Text: p.Text, MessageID: MessageID(run.Job.Key, h.Mail.From),
			Date: run.Now()}
		err := h.Mail.Send(ctx, msg, func() error { return run.Checkpoint(ctx, cpMailCommitting) })
		if err == nil {
			return "email:" + p.Address, nil
		}
		var se *SMTPError
		switch {
		case errors.Is(err, store.ErrLeaseLost):
			return "", err
		case errors.As(err, &se):
			// The server answered: nothing was accepted. Clear the checkpoint before saying so.
			if run.Job.Checkpoint != "" {
				if cerr := run.Checkpoint(ctx, ""); cerr != nil {
					return "", cerr
				}
			}
			if se.Temporary() {
				return "", err
			}
			return "", Permanent(err)
		case run.Job.Checkpoint == cpMailCommitting:
			return "", Uncertain(err)
		default:
			return "", err // failed before the commit point: safe to retry
		}
	case store.ChannelTelegram:
		if h.Bot == nil {
			return "", Permanent(errors.New("outbox: Telegram notifications are not configured (bot token)"))
		}
		chatID, err := strconv.ParseInt(strings.TrimSpace(p.Address), 10, 64)
		if err != nil || chatID == 0 {
			return "", Permanent(fmt.Errorf("outbox: telegram chat id %q is not a number", p.Address))
		}
		text := p.Text
		if p.Subject != "" {
			text = p.Subject + "\n\n" + text
		}
		ids, err := sendTelegramParts(ctx, h.Bot, run, chatID, 0, 0, splitText(text, MaxTelegramText)[:1])
		if err != nil {
			return "", err
		}
		return "telegram:" + strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(ids[0], 10), nil
	}
	return "", Permanent(fmt.Errorf("outbox: unknown notification channel %q", p.Channel))
}
