package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/connector/vk"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
)

// Publisher is what the workflow offers the outbox: it moves an answer to published (and the incident to interim
// or resolved) or to publish_failed. Both must be idempotent: the outbox may call Published again for an answer
// already published with the same external id (a crash between the call and the job's completion), and must then
// get nil.
type Publisher interface {
	// rateToken is the token of the resident's rating link chosen when the job was made ("" in jobs made before
	// tokens were: the workflow then makes one).
	Published(ctx context.Context, answerID int64, externalID, rateToken string) error
	PublishFailed(ctx context.Context, answerID int64, cause error) error
}

// PublishPayload is the payload of a publish job: the approved answer's text, frozen at approval, and where the
// resident wrote.
type PublishPayload struct {
	AnswerID   int64  `json:"answer_id"`
	IncidentID int64  `json:"incident_id"`
	Source     string `json:"source"`      // the message's source code; selects the Destination
	ExternalID string `json:"external_id"` // the resident's message at the source
	ThreadID   string `json:"thread_id"`
	ReplyTo    string `json:"reply_to,omitempty"`
	Text       string `json:"text"`
	// RateToken is the token of the resident's rating link (workflow.RatePath + token), chosen at approval so the
	// link can go out with the answer; the rating itself opens when the answer is published.
	RateToken string `json:"rate_token,omitempty"`
}

// PublishKey is the idempotency key of the publication of an answer.
func PublishKey(answerID int64) string { return "publish:answer:" + strconv.FormatInt(answerID, 10) }

// PublishJob builds the job that publishes an approved answer as the reply to the resident's message msg (the
// incident's first message from a source that can be answered), with the token of its rating link. The workflow
// enqueues it with tx.EnqueueJob in the transaction that approves the answer.
func PublishJob(ans model.Answer, msg model.Message, rateToken string) (store.Job, error) {
	p, err := json.Marshal(PublishPayload{AnswerID: ans.ID, IncidentID: ans.IncidentID, Source: msg.Source,
		ExternalID: msg.ExternalID, ThreadID: msg.ThreadID, ReplyTo: msg.ReplyTo, Text: ans.Text, RateToken: rateToken})
	if err != nil {
		return store.Job{}, fmt.Errorf("outbox: publish payload: %w", err)
	}
	return store.Job{Kind: KindPublish, Key: PublishKey(ans.ID), Payload: p, CreatedAt: ans.UpdatedAt}, nil
}

// Destination posts an answer where the resident wrote.
type Destination interface {
	// Post publishes text as the reply to the message p names and returns the reply's external id. key is the
	// job's idempotency key; run lets a non-idempotent destination checkpoint its progress.
	Post(ctx context.Context, run *Run, p PublishPayload, key string) (externalID string, err error)
}

// PublishHandler handles "publish" jobs. Destinations maps a message's source code to where answers go.
//
// Reconciliation: once a post succeeded, its external id is checkpointed on the job before Publisher.Published is
// called, so an attempt that finds it (Published failed, or a crash came between) only repeats the callback.
type PublishHandler struct {
	Publisher    Publisher
	Destinations map[string]Destination
	// Resolve, when set, is asked for sources Destinations does not name, when each job runs (the server uses
	// SourceDestinations, so sources configured while it runs publish at once).
	Resolve Resolver
	// Fallback takes answers to sources with no destination of their own (the reception, imports): Local{}
	// publishes them in place. nil makes such a job fail permanently.
	Fallback Destination
	// RateLink, when set, turns a rating token into the public address of the resident's rating page; answers
	// posted to a social network then end with an invitation to rate them (RateInvitation). Answers the Fallback
	// takes are not changed: the reception's resident rates on the tracking page.
	RateLink func(token string) string
}

// RateInvitation is the line that ends an answer posted to a social network when the server knows its public
// address: residents who wrote in VK or Telegram rate the answer there.
const RateInvitation = "Оцените, пожалуйста, ответ: "

// withRateLink appends the invitation to rate to an answer's text.
func withRateLink(text, link string) string {
	return strings.TrimRight(text, " \n\t") + "\n\n" + RateInvitation + link
}

const postedPrefix = "posted:"

// Handle publishes one answer.
func (h *PublishHandler) Handle(ctx context.Context, run *Run) (string, error) {
	var p PublishPayload
	if err := json.Unmarshal(run.Job.Payload, &p); err != nil || p.AnswerID == 0 {
		return "", Permanent(fmt.Errorf("outbox: publish payload of job %d: bad JSON or no answer_id", run.Job.ID))
	}
	ext, ok := strings.CutPrefix(run.Job.Checkpoint, postedPrefix)
	if !ok {
		dest, found := h.Destinations[p.Source]
		if !found && h.Resolve != nil {
			var err error
			if dest, found, err = h.Resolve.Destination(ctx, p.Source); err != nil {
				return "", err
			}
		}
		if found && h.RateLink != nil && p.RateToken != "" {
			p.Text = withRateLink(p.Text, h.RateLink(p.RateToken))
		}
		if !found && h.Fallback != nil {
			dest, found = h.Fallback, true
		}
		if !found {
			return "", Permanent(fmt.Errorf("outbox: no destination configured for source %q", p.Source))
		}
		var err error
		if ext, err = dest.Post(ctx, run, p, run.Job.Key); err != nil {
			return "", err
		}
		if err := run.Checkpoint(ctx, postedPrefix+ext); err != nil {
			return "", err
		}
	}
	if err := h.Publisher.Published(ctx, p.AnswerID, ext, p.RateToken); err != nil {
		return "", fmt.Errorf("outbox: record publication of answer %d: %w", p.AnswerID, err)
	}
	return ext, nil
}

// Dead tells the workflow that the answer could not be published.
func (h *PublishHandler) Dead(ctx context.Context, job store.Job, cause error) error {
	var p PublishPayload
	if err := json.Unmarshal(job.Payload, &p); err != nil || p.AnswerID == 0 {
		return nil // nothing to tell: the job never named an answer
	}
	return h.Publisher.PublishFailed(ctx, p.AnswerID, cause)
}

// VK publishes through the VK API. Its calls carry the job key as wall.createComment's guid (and the key's hash
// as messages.send's random_id), which VK uses to drop repeats, so retrying after a timeout never posts twice.
type VK struct{ Client *vk.Client }

// Post implements Destination.
func (d VK) Post(ctx context.Context, _ *Run, p PublishPayload, key string) (string, error) {
	ext, err := d.Client.Publish(ctx, p.ThreadID, p.ReplyTo, p.Text, key)
	if err == nil {
		return ext, nil
	}
	if vk.Temporary(err) {
		return "", err
	}
	return "", Permanent(err)
}

// Telegram publishes through the Bot API. sendMessage has no idempotency key, so the destination records a
// checkpoint before each call and the message id after it (long answers go out in parts of at most 4096
// characters, each checkpointed). A failure that proves the request did not reach Telegram (the connection was
// refused, DNS failed, or Telegram answered with an error) is retried; one after the request may have arrived (a
// timeout waiting for the answer, a reset connection, or a new attempt finding "started" without a message id
// after a crash) is Uncertain: the job goes dead and the answer publish_failed, and the centre looks at the chat.
// Residual risk: a message Telegram did accept in that window is reported as not published (never posted twice).
type Telegram struct{ Client *telegram.Client }

// tgProgress is the Telegram destination's checkpoint.
type tgProgress struct {
	Sent    []int64 `json:"sent"`              // message ids of the parts sent so far
	Started int     `json:"started,omitempty"` // 1-based part whose sendMessage call began and has no id yet
}

const tgPrefix = "tg:"

// MaxTelegramText is the Bot API's limit on a message's text, in characters.
const MaxTelegramText = 4096

// Post implements Destination.
func (d Telegram) Post(ctx context.Context, run *Run, p PublishPayload, _ string) (string, error) {
	chatID, topicID, replyTo, err := telegram.ReplyTarget(model.Message{ThreadID: p.ThreadID, ExternalID: p.ExternalID})
	if err != nil {
		return "", Permanent(err)
	}
	parts := splitText(p.Text, MaxTelegramText)
	ids, err := sendTelegramParts(ctx, d.Client, run, chatID, topicID, replyTo, parts)
	if err != nil {
		return "", err
	}
	return strconv.FormatInt(chatID, 10) + ":" + strconv.FormatInt(ids[0], 10), nil
}

// sendTelegramParts sends the parts not yet sent according to the run's checkpoint, checkpointing around each
// call. The first part replies to replyTo; the rest follow in the same chat and topic.
func sendTelegramParts(ctx context.Context, c *telegram.Client, run *Run, chatID, topicID, replyTo int64, parts []string) ([]int64, error) {
	var prog tgProgress
	if s, ok := strings.CutPrefix(run.Job.Checkpoint, tgPrefix); ok {
		if err := json.Unmarshal([]byte(s), &prog); err != nil {
			return nil, Permanent(fmt.Errorf("outbox: telegram checkpoint of job %d: %w", run.Job.ID, err))
		}
	}
	if prog.Started != 0 {
		return nil, Uncertain(fmt.Errorf("telegram: part %d of %d to chat %d was being sent when the previous attempt stopped",
			prog.Started, len(parts), chatID))
	}
	save := func() error {
		b, _ := json.Marshal(prog)
		return run.Checkpoint(ctx, tgPrefix+string(b))
	}
	for i := len(prog.Sent); i < len(parts); i++ {
		prog.Started = i + 1
		if err := save(); err != nil {
			return nil, err
		}
		rt := replyTo
		if i > 0 {
			rt = 0
		}
		id, err := c.SendMessage(ctx, chatID, topicID, rt, parts[i])
		if err != nil {
			if !telegramNotDelivered(err) {
				return nil, Uncertain(err)
			}
			prog.Started = 0
			if cerr := save(); cerr != nil {
				return nil, cerr
			}
			var apiErr *telegram.APIError
			if errors.As(err, &apiErr) {
				if !apiErr.Temporary() {
					return nil, Permanent(err)
				}
				if apiErr.RetryAfter > 0 {
					return nil, RetryAfter(err, apiErr.RetryAfter)
				}
			}
			return nil, err
		}
		prog.Started, prog.Sent = 0, append(prog.Sent, id)
		if err := save(); err != nil {
			return nil, err
		}
	}
	return prog.Sent, nil
}

// telegramNotDelivered reports whether err proves that Telegram did not act on the request: it answered with an
// error, or the connection was never made.
func telegramNotDelivered(err error) bool {
	var apiErr *telegram.APIError
	if errors.As(err, &apiErr) {
		return true
	}
	return notConnected(err)
}

// notConnected reports whether err happened while connecting (nothing was sent).
func notConnected(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// splitText cuts text into parts of at most limit characters, cutting at the last newline or space within the
// limit when there is one.
func splitText(text string, limit int) []string {
	var out []string
	for utf8.RuneCountInString(text) > limit {
		cut, n := 0, 0
		for i := range text {
			if n == limit {
				cut = i
				break
			}
			n++
		}
		best := strings.LastIndexAny(text[:cut], "\n ")
		if best <= 0 {
			best = cut
		} else {
			best++
		}
		out = append(out, strings.TrimRight(text[:best], " \n"))
		text = strings.TrimLeft(text[best:], " \n")
	}
	if text != "" || len(out) == 0 {
		out = append(out, text)
	}
	return out
}

// Local is the destination of sources whose residents read answers inside Otklik (the internet reception):
// nothing leaves the system, the answer is simply marked published.
type Local struct{}

// Post implements Destination.
func (Local) Post(context.Context, *Run, PublishPayload, string) (string, error) { return "", nil }
