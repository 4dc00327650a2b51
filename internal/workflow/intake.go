package workflow

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Limits of an inbound message.
const (
	MaxMessageText  = 16000 // bytes of text
	MaxExternalID   = 200
	MaxSourceLen    = 64
	MaxSummaryRunes = 200
)

// ValidateMessage checks one inbound message, naming the field at fault.
func ValidateMessage(m model.Message, refs *store.Refs) error {
	switch {
	case strings.TrimSpace(m.Source) == "":
		return model.Invalid("source", "required")
	case len(m.Source) > MaxSourceLen:
		return model.Invalid("source", fmt.Sprintf("longer than %d bytes", MaxSourceLen))
	case strings.TrimSpace(m.ExternalID) == "":
		return model.Invalid("external_id", "required")
	case len(m.ExternalID) > MaxExternalID:
		return model.Invalid("external_id", fmt.Sprintf("longer than %d bytes", MaxExternalID))
	case strings.TrimSpace(m.Text) == "":
		return model.Invalid("text", "required")
	case len(m.Text) > MaxMessageText:
		return model.Invalid("text", fmt.Sprintf("longer than %d bytes", MaxMessageText))
	case !utf8.ValidString(m.Text):
		return model.Invalid("text", "not valid UTF-8")
	}
	if m.Territory != "" {
		if _, ok := refs.TerritoryByOKTMO(m.Territory); !ok {
			return model.Invalid("territory", fmt.Sprintf("unknown OKTMO code %q", m.Territory))
		}
	}
	if m.Category != "" {
		if _, ok := refs.CategoryByCode(m.Category); !ok {
			return model.Invalid("category", fmt.Sprintf("unknown category %q", m.Category))
		}
	}
	return nil
}

// Summary shortens a message's text to an incident's one-line summary.
func Summary(text string) string {
	s := strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(s) <= MaxSummaryRunes {
		return s
	}
	r := []rune(s)[:MaxSummaryRunes-1]
	return strings.TrimSpace(string(r)) + "…"
}

// Intake stores a batch of already validated messages: each new one opens an incident waiting for triage, with
// its category, territory and priority taken from the message's hints, and its reaction clock running. It
// returns once the whole batch is durable.
func (s *Service) Intake(ctx context.Context, msgs []model.Message) ([]store.IngestResult, error) {
	refs, err := s.Refs(ctx)
	if err != nil {
		return nil, err
	}
	if len(refs.Regions) == 0 {
		return nil, fmt.Errorf("workflow: intake: no region configured (run serve --demo, or load one with otklik reference import)")
	}
	region := refs.Regions[0]
	clk, err := s.Clock(ctx, region.ID)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	items := make([]store.IngestItem, len(msgs))
	for i, m := range msgs {
		if m.ReceivedAt.IsZero() {
			m.ReceivedAt = now
		}
		if m.PostedAt.IsZero() {
			m.PostedAt = m.ReceivedAt
		}
		inc := model.Incident{
			Number: fmt.Sprintf("%s-%d-", region.Code, m.PostedAt.In(clk.Cal.Location).Year()), RegionID: region.ID,
			Status: model.StatusNew, Priority: model.PriorityNormal, Summary: Summary(m.Text), Address: m.Address,
			Source: m.Source, CreatedAt: m.PostedAt, UpdatedAt: now,
		}
		cat, catOK := refs.CategoryByCode(m.Category)
		if catOK {
			inc.CategoryID = cat.ID
			if cat.DefaultPriority.Valid() {
				inc.Priority = cat.DefaultPriority
			}
		}
		if t, ok := refs.TerritoryByOKTMO(m.Territory); ok {
			inc.TerritoryID = t.ID
		}
		ApplyClocks(&inc, cat, catOK, clk, now)
		items[i] = store.IngestItem{Message: m, Incident: &inc, Events: []model.Event{
			{Actor: "system", Type: "created", To: string(model.StatusNew), At: now},
		}}
	}
	return s.st.Ingest(ctx, items)
}
