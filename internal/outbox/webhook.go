package outbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/otklik/otklik/internal/store"
)

// Headers of an outgoing webhook call.
const (
	HeaderSignature = "X-Otklik-Signature" // "sha256=" + hex HMAC-SHA256 of "<timestamp>.<body>" with the secret
	HeaderTimestamp = "X-Otklik-Timestamp" // unix seconds; receivers reject stale ones to stop replays
	HeaderDelivery  = "X-Otklik-Delivery"  // the job key: the same on every retry, receivers deduplicate by it
	HeaderEvent     = "X-Otklik-Event"     // the payload's "event" member, when present
)

// WebhookPayload is the payload of a webhook job: the JSON body to post.
type WebhookPayload = json.RawMessage

// WebhookJob builds a webhook job with the given key (e.g. "webhook:event:17") and body.
func WebhookJob(key string, body any) (store.Job, error) {
	b, err := json.Marshal(body)
	if err != nil {
		return store.Job{}, fmt.Errorf("outbox: webhook body: %w", err)
	}
	return store.Job{Kind: KindWebhook, Key: key, Payload: b}, nil
}

// Sign returns the signature header value for a body sent at ts.
func Sign(secret []byte, ts int64, body []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strconv.FormatInt(ts, 10)))
	mac.Write([]byte{'.'})
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify checks a signature header in constant time (for receivers written in Go, and for tests).
func Verify(secret []byte, ts int64, body []byte, signature string) bool {
	return hmac.Equal([]byte(Sign(secret, ts, body)), []byte(signature))
}

// WebhookHandler posts a job's payload as JSON to URL with an HMAC-SHA256 signature. A 2xx answer completes the
// job; 408, 425, 429 and 5xx answers and transport errors are retried; other 4xx answers are permanent. Delivery
// is at least once (an HTTP call has no commit point to checkpoint): receivers deduplicate by HeaderDelivery.
type WebhookHandler struct {
	URL    string
	Secret []byte
	HTTP   *http.Client // default: a client with a 15 s timeout
}

// Handle calls the webhook.
func (h *WebhookHandler) Handle(ctx context.Context, run *Run) (string, error) {
	if h.URL == "" {
		return "", Permanent(fmt.Errorf("outbox: no webhook URL configured"))
	}
	body := []byte(run.Job.Payload)
	if !json.Valid(body) {
		return "", Permanent(fmt.Errorf("outbox: webhook payload of job %d is not JSON", run.Job.ID))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.URL, bytes.NewReader(body))
	if err != nil {
		return "", Permanent(fmt.Errorf("outbox: webhook: %w", err))
	}
	ts := run.Now().Unix()
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Otklik-Webhook/1")
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, Sign(h.Secret, ts, body))
	req.Header.Set(HeaderDelivery, run.Job.Key)
	var head struct {
		Event string `json:"event"`
	}
	if json.Unmarshal(body, &head) == nil && head.Event != "" {
		req.Header.Set(HeaderEvent, head.Event)
	}
	hc := h.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("outbox: webhook %s: %w", h.URL, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch c := resp.StatusCode; {
	case c >= 200 && c < 300:
		return strconv.Itoa(c), nil
	case c == 408 || c == 425 || c == 429 || c >= 500:
		err := fmt.Errorf("outbox: webhook %s: status %d", h.URL, c)
		if s, perr := strconv.Atoi(resp.Header.Get("Retry-After")); perr == nil && s > 0 {
			return "", RetryAfter(err, time.Duration(s)*time.Second)
		}
		return "", err
	default:
		return "", Permanent(fmt.Errorf("outbox: webhook %s: status %d", h.URL, c))
	}
}
