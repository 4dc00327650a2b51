package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/workflow"
)

// MessageInput is one inbound message of a batch: the writable fields of model.Message.
type MessageInput struct {
	Source      string          `json:"source"`
	ExternalID  string          `json:"external_id"`
	Author      string          `json:"author,omitempty"`
	AuthorID    string          `json:"author_id,omitempty"`
	Text        string          `json:"text"`
	URL         string          `json:"url,omitempty"`
	Territory   string          `json:"territory,omitempty"`
	Category    string          `json:"category,omitempty"`
	Address     string          `json:"address,omitempty"`
	Raw         json.RawMessage `json:"raw,omitempty"`
	PostedAt    string          `json:"posted_at,omitempty"`
	ReceivedAt  string          `json:"received_at,omitempty"`
	ThreadID    string          `json:"thread_id,omitempty"`
	ReplyTo     string          `json:"reply_to,omitempty"`
	Attachments []string        `json:"attachments,omitempty"`
}

// MessageBatch is the body of POST /api/v1/messages.
type MessageBatch struct {
	Messages []json.RawMessage `json:"messages"`
}

// MessageResults is the answer to a batch: one result per message, in order.
type MessageResults struct {
	Results    []ingestResult `json:"results"`
	Created    int            `json:"created"`
	Duplicates int            `json:"duplicates"`
}

type ingestResult struct {
	Index      int    `json:"index"`
	MessageID  int64  `json:"message_id"`
	IncidentID int64  `json:"incident_id,omitempty"`
	Number     string `json:"number,omitempty"`
	Duplicate  bool   `json:"duplicate"`
}

// mayIngest reports whether a role may post messages: the centre's staff (admin, operator) and, once it exists,
// an integrator role; executors, moderators and supervisors may not.
func mayIngest(a model.Actor) bool {
	return a.Role == model.RoleAdmin || a.Role == model.RoleOperator || a.Role == "integrator"
}

// postMessages serves POST /api/v1/messages: a batch of up to MaxBatch messages, stored all or nothing. A bad
// message fails the whole batch with the field named ("messages[3].text"); a message whose (source,
// external_id) is already stored is reported as a duplicate and changes nothing, so a retried batch is harmless.
func (s *server) postMessages(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := actorFrom(ctx)
	if !mayIngest(a) {
		s.fail(w, r, forbidden("only an admin or an operator may post messages"))
		return
	}
	body, err := readBody(w, r, MaxMessagesBody)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var batch MessageBatch
	if err := decodeJSON(body, &batch, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	switch {
	case len(batch.Messages) == 0:
		s.fail(w, r, model.Invalid("messages", `required: {"messages":[{…}, …]} with at least one message`))
		return
	case len(batch.Messages) > MaxBatch:
		s.fail(w, r, model.Invalid("messages", fmt.Sprintf("at most %d messages per request; got %d", MaxBatch, len(batch.Messages))))
		return
	}
	refs, err := s.svc.Refs(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msgs := make([]model.Message, len(batch.Messages))
	for i, raw := range batch.Messages {
		prefix := fmt.Sprintf("messages[%d].", i)
		var in MessageInput
		if string(raw) == "null" {
			s.fail(w, r, model.Invalid(prefix[:len(prefix)-1], "expected an object, got null"))
			return
		}
		if err := decodeJSON(raw, &in, prefix); err != nil {
			s.fail(w, r, err)
			return
		}
		m, err := in.message(prefix)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if err := workflow.ValidateMessage(m, refs); err != nil {
			var fe *model.FieldError
			if errors.As(err, &fe) {
				err = model.Invalid(prefix+fe.Field, fe.Reason)
			}
			s.fail(w, r, err)
			return
		}
		msgs[i] = m
	}
	res, err := s.svc.Intake(ctx, msgs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	out := MessageResults{Results: make([]ingestResult, len(res))}
	for i, x := range res {
		out.Results[i] = ingestResult{Index: i, MessageID: x.MessageID, IncidentID: x.IncidentID, Number: x.Number, Duplicate: x.Duplicate}
		if x.Duplicate {
			out.Duplicates++
		} else {
			out.Created++
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (in MessageInput) message(prefix string) (model.Message, error) {
	m := model.Message{Source: in.Source, ExternalID: in.ExternalID, Author: in.Author, AuthorID: in.AuthorID,
		Text: in.Text, URL: in.URL, Territory: in.Territory, Category: in.Category, Address: in.Address, Raw: in.Raw,
		ThreadID: in.ThreadID, ReplyTo: in.ReplyTo, Attachments: in.Attachments}
	var err error
	if in.PostedAt != "" {
		if m.PostedAt, err = time.Parse(time.RFC3339, in.PostedAt); err != nil {
			return m, model.Invalid(prefix+"posted_at", fmt.Sprintf("must be RFC 3339 (2026-11-13T17:30:00+08:00); got %q", in.PostedAt))
		}
	}
	if in.ReceivedAt != "" {
		if m.ReceivedAt, err = time.Parse(time.RFC3339, in.ReceivedAt); err != nil {
			return m, model.Invalid(prefix+"received_at", fmt.Sprintf("must be RFC 3339 (2026-11-13T17:30:00+08:00); got %q", in.ReceivedAt))
		}
	}
	m.PostedAt, m.ReceivedAt = m.PostedAt.UTC(), m.ReceivedAt.UTC()
	return m, nil
}
