package workflow

import (
	"context"
	"errors"
	"fmt"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
)

// enqueuePublish puts the publication of an approved answer into the outbox, in the transaction that approved
// it: the answer goes back where the resident wrote (the incident's first message), or, for sources Otklik does
// not post to, is published in place by the outbox's local destination.
func (s *Service) enqueuePublish(ctx context.Context, tx *store.Tx, ans model.Answer, inc model.Incident) error {
	msgs, err := s.st.Messages(ctx, inc.ID)
	if err != nil {
		return err
	}
	var msg model.Message
	if len(msgs) > 0 {
		msg = msgs[0]
	}
	token, err := newToken()
	if err != nil {
		return err
	}
	job, err := outbox.PublishJob(ans, msg, token)
	if err != nil {
		return fmt.Errorf("workflow: publication job for answer %d: %w", ans.ID, err)
	}
	if _, _, err := tx.EnqueueJob(ctx, job); err != nil {
		return err
	}
	return nil
}

// Published is the outbox's report that an answer was posted (outbox.Publisher): the answer becomes published
// and the incident moves on. A repeated report for an answer already published is a success.
// rateToken, chosen when the job was made, opens the resident's rating link.
func (s *Service) Published(ctx context.Context, answerID int64, externalID, rateToken string) error {
	_, err := s.AnswerAct(ctx, model.SystemActor(), answerID, model.AnsPublish, AnswerArgs{ExternalID: externalID, RateToken: rateToken})
	if errors.Is(err, model.ErrConflict) {
		if a, gerr := s.st.Answer(ctx, answerID); gerr == nil && a.State == model.AnswerPublished {
			return nil
		}
	}
	return err
}

// PublishFailed is the outbox's report that an answer could not be posted: the centre sees it as publish_failed.
func (s *Service) PublishFailed(ctx context.Context, answerID int64, _ error) error {
	_, err := s.AnswerAct(ctx, model.SystemActor(), answerID, model.AnsPublishErr, AnswerArgs{})
	if errors.Is(err, model.ErrConflict) {
		return nil // published meanwhile, by a moderator or a retry
	}
	return err
}

var _ outbox.Publisher = (*Service)(nil)
