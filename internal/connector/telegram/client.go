package telegram

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultBaseURL is the Bot API server.
const DefaultBaseURL = "https://api.telegram.org"

const maxResponseBytes = 16 << 20 // a getUpdates batch of 100 updates stays far below

// Client calls the Bot API. The zero value plus a Token is usable.
type Client struct {
	BaseURL string       // DefaultBaseURL when empty
	Token   string       // the bot token from @BotFather
	HTTP    *http.Client // http.DefaultClient when nil; its Timeout must exceed the long-polling timeout
}

// APIError is an error answered by the Bot API: {"ok":false,"error_code":…,"description":…,"parameters":{…}}.
type APIError struct {
	Method          string
	Code            int
	Description     string
	RetryAfter      time.Duration // from parameters.retry_after (flood control, 429)
	MigrateToChatID int64         // from parameters.migrate_to_chat_id (the group became a supergroup)
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("telegram: %s: api error %d: %s", e.Method, e.Code, e.Description)
	if e.RetryAfter > 0 {
		s += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return s
}

// Temporary reports whether the call may succeed later: 429 (flood control, wait RetryAfter) and 5xx. 400 (bad
// request, e.g. the message to reply to is gone), 401 (bad token), 403 (the bot was blocked or removed) and 409
// (a webhook is set while polling) are not.
func (e *APIError) Temporary() bool { return e.Code == http.StatusTooManyRequests || e.Code >= 500 }

// Temporary reports whether a call that failed with err may be retried: temporary API errors and transport errors.
// Note that sendMessage has no idempotency key: a transport error after Telegram accepted the message cannot be
// told apart from one before, so a retry may post twice; the outbox decides how to reconcile.
func Temporary(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.Temporary()
	}
	var netErr net.Error
	var urlErr *url.Error
	return errors.As(err, &netErr) || errors.As(err, &urlErr) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// Call performs a Bot API method with params sent as a JSON body and decodes "result" into out (nil: ignored).
// The bot token never appears in a returned error.
func (c *Client) Call(ctx context.Context, method string, params, out any) error {
	body, err := json.Marshal(params)
	if err != nil {
		return fmt.Errorf("telegram: %s: encode: %w", method, err)
	}
	base := strings.TrimRight(c.BaseURL, "/")
	if base == "" {
		base = DefaultBaseURL
	}
	endpoint := base + "/bot" + c.Token + "/" + method
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("telegram: %s: %s", method, c.redact(err.Error()))
	}
	req.Header.Set("Content-Type", "application/json")
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			ue.URL = c.redact(ue.URL)
		}
		return fmt.Errorf("telegram: %s: %w", method, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseBytes))
	if err != nil {
		return fmt.Errorf("telegram: %s: read response: %w", method, err)
	}
	var env struct {
		OK          bool            `json:"ok"`
		Result      json.RawMessage `json:"result"`
		ErrorCode   int             `json:"error_code"`
		Description string          `json:"description"`
		Parameters  *struct {
			RetryAfter      int64 `json:"retry_after"`
			MigrateToChatID int64 `json:"migrate_to_chat_id"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		if resp.StatusCode != http.StatusOK {
			// Not the Bot API speaking (a proxy, an outage): keep the status for Temporary.
			return fmt.Errorf("telegram: %s: %w", method, &APIError{Method: method, Code: resp.StatusCode,
				Description: http.StatusText(resp.StatusCode)})
		}
		return fmt.Errorf("telegram: %s: decode response: %w", method, err)
	}
	if !env.OK {
		e := &APIError{Method: method, Code: env.ErrorCode, Description: env.Description}
		if e.Code == 0 {
			e.Code = resp.StatusCode
		}
		if p := env.Parameters; p != nil {
			e.RetryAfter = time.Duration(p.RetryAfter) * time.Second
			e.MigrateToChatID = p.MigrateToChatID
		}
		return e
	}
	if out != nil {
		if err := json.Unmarshal(env.Result, out); err != nil {
			return fmt.Errorf("telegram: %s: decode result: %w", method, err)
		}
	}
	return nil
}

func (c *Client) redact(s string) string {
	if c.Token == "" {
		return s
	}
	s = strings.ReplaceAll(s, c.Token, "<token>")
	return strings.ReplaceAll(s, (&url.URL{Path: c.Token}).EscapedPath(), "<token>")
}

type replyParameters struct {
	MessageID                int64 `json:"message_id"`
	AllowSendingWithoutReply bool  `json:"allow_sending_without_reply"`
}

// SendMessage sends text to chatID, into the forum topic threadID when it is not 0, as a reply to the message
// replyTo when it is not 0 (reply_parameters; if that message was deleted the answer is still sent), and returns
// the new message's id. The Bot API has no idempotency key for sendMessage.
func (c *Client) SendMessage(ctx context.Context, chatID, threadID, replyTo int64, text string) (int64, error) {
	params := struct {
		ChatID          int64            `json:"chat_id"`
		MessageThreadID int64            `json:"message_thread_id,omitempty"`
		Text            string           `json:"text"`
		ReplyParameters *replyParameters `json:"reply_parameters,omitempty"`
	}{ChatID: chatID, MessageThreadID: threadID, Text: text}
	if replyTo != 0 {
		params.ReplyParameters = &replyParameters{MessageID: replyTo, AllowSendingWithoutReply: true}
	}
	var out struct {
		MessageID int64 `json:"message_id"`
	}
	if err := c.Call(ctx, "sendMessage", params, &out); err != nil {
		return 0, err
	}
	if out.MessageID == 0 {
		return 0, errors.New("telegram: sendMessage: no message_id in result")
	}
	return out.MessageID, nil
}

// GetUpdates long-polls for updates with update_id ≥ offset (which also confirms every earlier update to
// Telegram), waiting up to timeout (whole seconds; 0 returns at once) for at most limit updates (1–100; 0 means
// Telegram's default of 100). Each element is one Update as JSON, for ParseUpdate.
func (c *Client) GetUpdates(ctx context.Context, offset int64, timeout time.Duration, limit int) ([]json.RawMessage, error) {
	params := struct {
		Offset  int64 `json:"offset,omitempty"`
		Timeout int64 `json:"timeout"`
		Limit   int   `json:"limit,omitempty"`
	}{Offset: offset, Timeout: int64(timeout / time.Second), Limit: limit}
	// The server holds the request for up to timeout; give the round trip a margin above it.
	ctx, cancel := context.WithTimeout(ctx, timeout+15*time.Second)
	defer cancel()
	var out []json.RawMessage
	if err := c.Call(ctx, "getUpdates", params, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// SetWebhook points the bot at url; Telegram then sends secret in the SecretHeader of every request.
func (c *Client) SetWebhook(ctx context.Context, url, secret string) error {
	return c.Call(ctx, "setWebhook", struct {
		URL         string `json:"url"`
		SecretToken string `json:"secret_token,omitempty"`
	}{url, secret}, nil)
}

// DeleteWebhook removes the webhook so that GetUpdates can be used; pending updates are kept.
func (c *Client) DeleteWebhook(ctx context.Context) error {
	return c.Call(ctx, "deleteWebhook", struct {
		DropPendingUpdates bool `json:"drop_pending_updates"`
	}{false}, nil)
}
