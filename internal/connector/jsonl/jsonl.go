// Package jsonl is the plain JSON form of an inbound message, shared by the JSON Lines import and the generic
// webhook: one object per message with a documented, closed set of fields.
package jsonl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// Line is the documented schema of one message.
type Line struct {
	Source      string          `json:"source"`      // required: where the message came from ("vk", "telegram", "import"…)
	ExternalID  string          `json:"external_id"` // required: unique within the source; a second delivery is a no-op
	Text        string          `json:"text"`        // required
	Author      string          `json:"author,omitempty"`
	AuthorID    string          `json:"author_id,omitempty"`
	URL         string          `json:"url,omitempty"`
	Territory   string          `json:"territory,omitempty"` // OKTMO code of the municipality, when known
	Category    string          `json:"category,omitempty"`  // category code, when known ("zhkh.heating")
	Address     string          `json:"address,omitempty"`
	PostedAt    *time.Time      `json:"posted_at,omitempty"` // RFC 3339; defaults to the time of receipt
	ThreadID    string          `json:"thread_id,omitempty"`
	ReplyTo     string          `json:"reply_to,omitempty"`
	Attachments []string        `json:"attachments,omitempty"`
	Raw         json.RawMessage `json:"raw,omitempty"` // the original payload, kept as is
}

// Message converts a line to a message.
func (l Line) Message() model.Message {
	m := model.Message{Source: l.Source, ExternalID: l.ExternalID, Text: l.Text, Author: l.Author, AuthorID: l.AuthorID,
		URL: l.URL, Territory: l.Territory, Category: l.Category, Address: l.Address, ThreadID: l.ThreadID,
		ReplyTo: l.ReplyTo, Attachments: l.Attachments, Raw: l.Raw}
	if l.PostedAt != nil {
		m.PostedAt = l.PostedAt.UTC()
	}
	return m
}

// ParseLine decodes one JSON object; fields outside the schema are an error naming them.
func ParseLine(b []byte) (model.Message, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var l Line
	if err := dec.Decode(&l); err != nil {
		return model.Message{}, fmt.Errorf("invalid JSON: %w", err)
	}
	if dec.More() {
		return model.Message{}, errors.New("invalid JSON: more than one value")
	}
	return l.Message(), nil
}
