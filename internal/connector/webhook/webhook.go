// Package webhook is the generic inbound webhook: an integrator POSTs {"messages":[…]} (each message in the
// schema of package jsonl) to /hooks/webhook/{source}, signed with HMAC-SHA256 of the body under the source's
// secret in the header X-Otklik-Signature: sha256=<hex>. The answer comes only after the messages are durable.
package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/connector/jsonl"
	"github.com/otklik/otklik/internal/model"
)

// SignatureHeader carries the body's signature.
const SignatureHeader = "X-Otklik-Signature"

// MaxMessages bounds one delivery.
const MaxMessages = 1000

// Sign returns the header value for a body.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Verify reports whether the header value signs the body.
func Verify(secret string, body []byte, header string) bool {
	hexSig, ok := strings.CutPrefix(strings.TrimSpace(header), "sha256=")
	if !ok || secret == "" {
		return false
	}
	got, err := hex.DecodeString(hexSig)
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return hmac.Equal(got, mac.Sum(nil))
}

// FieldError names the message and field at fault.
type FieldError struct {
	Field  string
	Reason string
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Parse decodes a delivery. Every message gets the source's code; a missing external id or text is an error
// naming "messages[i].field". Nothing of a delivery with an error is used.
func Parse(body []byte, source string) ([]model.Message, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var env struct {
		Messages []json.RawMessage `json:"messages"`
	}
	if err := dec.Decode(&env); err != nil {
		return nil, &FieldError{Field: "body", Reason: "invalid JSON: " + err.Error()}
	}
	if len(env.Messages) == 0 {
		return nil, &FieldError{Field: "messages", Reason: "required, at least one"}
	}
	if len(env.Messages) > MaxMessages {
		return nil, &FieldError{Field: "messages", Reason: fmt.Sprintf("at most %d per delivery", MaxMessages)}
	}
	out := make([]model.Message, len(env.Messages))
	for i, raw := range env.Messages {
		m, err := jsonl.ParseLine(raw)
		if err != nil {
			return nil, &FieldError{Field: fmt.Sprintf("messages[%d]", i), Reason: err.Error()}
		}
		if m.Source != "" && m.Source != source {
			return nil, &FieldError{Field: fmt.Sprintf("messages[%d].source", i), Reason: fmt.Sprintf("must be %q or empty", source)}
		}
		m.Source = source
		switch {
		case strings.TrimSpace(m.ExternalID) == "":
			return nil, &FieldError{Field: fmt.Sprintf("messages[%d].external_id", i), Reason: "required"}
		case strings.TrimSpace(m.Text) == "":
			return nil, &FieldError{Field: fmt.Sprintf("messages[%d].text", i), Reason: "required"}
		}
		out[i] = m
	}
	return out, nil
}

// Config configures one webhook source.
type Config struct {
	Source string // the source code
	Secret string // HMAC key; a source without one refuses every delivery
	Now    func() time.Time
}

// Handler returns the webhook endpoint.
func Handler(cfg Config, sink connector.Sink) http.Handler {
	now := cfg.Now
	if now == nil {
		now = time.Now
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := connector.ReadBody(w, r)
		if !ok {
			return
		}
		if !Verify(cfg.Secret, body, r.Header.Get(SignatureHeader)) {
			writeJSON(w, http.StatusUnauthorized, "unauthorized", "missing or wrong signature", SignatureHeader)
			return
		}
		msgs, err := Parse(body, cfg.Source)
		var fe *FieldError
		if errors.As(err, &fe) {
			writeJSON(w, http.StatusUnprocessableEntity, "invalid", fe.Reason, fe.Field)
			return
		}
		received := now().UTC()
		for i := range msgs {
			msgs[i].ReceivedAt = received
		}
		if err := sink.Accept(r.Context(), msgs); err != nil {
			var mfe *model.FieldError
			if errors.As(err, &mfe) {
				writeJSON(w, http.StatusUnprocessableEntity, "invalid", mfe.Reason, mfe.Field)
				return
			}
			connector.WriteSinkError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"accepted":%d}`+"\n", len(msgs))
	})
}

func writeJSON(w http.ResponseWriter, status int, code, msg, field string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	e := map[string]string{"code": code, "message": msg}
	if field != "" {
		e["field"] = field
	}
	_ = json.NewEncoder(w).Encode(map[string]any{"error": e})
}
