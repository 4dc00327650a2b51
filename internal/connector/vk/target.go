package vk

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Target is where an answer to a VK message must land, decoded from the message's ThreadID and ReplyTo.
type Target struct {
	Kind string // "wall", "pm" or "board"

	OwnerID, PostID int64 // wall: the post (owner_id is negative for a community wall)
	ReplyToComment  int64 // wall: the resident's comment to answer; 0 answers the post itself

	PeerID                int64 // pm: the conversation
	ConversationMessageID int64 // pm: the resident's message to reply to; 0 sends a plain message

	GroupID, TopicID int64 // board: the discussion topic
}

// ParseTarget decodes the ThreadID and ReplyTo that ParseCallback put on a message:
// "wall:<owner>_<post>" (+ the comment id), "pm:<peer>" (+ the conversation_message_id),
// "board:<group>_<topic>" (+ the post id; board posts cannot be replied to individually, so it is not used).
func ParseTarget(threadID, replyTo string) (Target, error) {
	kind, rest, ok := strings.Cut(threadID, ":")
	if !ok {
		return Target{}, fmt.Errorf("vk: thread id %q: no kind", threadID)
	}
	var reply int64
	if replyTo != "" {
		n, err := strconv.ParseInt(replyTo, 10, 64)
		if err != nil {
			return Target{}, fmt.Errorf("vk: reply_to %q: %w", replyTo, err)
		}
		reply = n
	}
	pair := func() (int64, int64, error) {
		a, b, ok := strings.Cut(rest, "_")
		if !ok {
			return 0, 0, fmt.Errorf("vk: thread id %q: want <a>_<b>", threadID)
		}
		x, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("vk: thread id %q: %w", threadID, err)
		}
		y, err := strconv.ParseInt(b, 10, 64)
		if err != nil {
			return 0, 0, fmt.Errorf("vk: thread id %q: %w", threadID, err)
		}
		return x, y, nil
	}
	t := Target{Kind: kind}
	switch kind {
	case "wall":
		owner, post, err := pair()
		if err != nil {
			return Target{}, err
		}
		t.OwnerID, t.PostID, t.ReplyToComment = owner, post, reply
	case "board":
		group, topic, err := pair()
		if err != nil {
			return Target{}, err
		}
		t.GroupID, t.TopicID = group, topic
	case "pm":
		peer, err := strconv.ParseInt(rest, 10, 64)
		if err != nil {
			return Target{}, fmt.Errorf("vk: thread id %q: %w", threadID, err)
		}
		t.PeerID, t.ConversationMessageID = peer, reply
	default:
		return Target{}, fmt.Errorf("vk: thread id %q: unknown kind %q", threadID, kind)
	}
	return t, nil
}

// Publish posts text as the answer to the message whose ThreadID and ReplyTo are given, and returns the
// published reply's external id in the same scheme as ParseCallback ("comment:<owner>_<post>_<id>",
// "pm:<peer>_msg<id>", "board:<group>_<topic>_<id>"). key is the idempotency key of the publication (the outbox
// job's id): it becomes guid or random_id, so repeating Publish with the same key after a crash or a timeout does
// not post twice.
func (c *Client) Publish(ctx context.Context, threadID, replyTo, text, key string) (string, error) {
	t, err := ParseTarget(threadID, replyTo)
	if err != nil {
		return "", err
	}
	switch t.Kind {
	case "wall":
		id, err := c.CreateComment(ctx, t.OwnerID, t.PostID, t.ReplyToComment, text, key)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("comment:%d_%d_%d", t.OwnerID, t.PostID, id), nil
	case "board":
		id, err := c.CreateBoardComment(ctx, t.GroupID, t.TopicID, text, key)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("board:%d_%d_%d", t.GroupID, t.TopicID, id), nil
	default: // "pm"
		id, err := c.ReplyMessage(ctx, t.PeerID, t.ConversationMessageID, text, RandomID(key))
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("pm:%d_msg%d", t.PeerID, id), nil
	}
}
