// Package vk connects Otklik to VK (VKontakte): it takes Callback API events in (wall posts, comments, private
// messages, board posts) and publishes answers back (wall.createComment, messages.send, board.createComment).
//
// It speaks the VK wire formats directly with net/http and encoding/json instead of an SDK such as
// SevereCloud/vksdk: Otklik needs one inbound envelope and three outbound methods, and owning those few lines gives
// full control over retries and idempotency keys (guid, random_id) that the outbox depends on, over which errors
// count as temporary, and over body limits, without pulling a large dependency tree into the binary.
package vk

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// SourceKind is the value of model.Message.Source set by ParseCallback (the hook handler overrides it with the
// configured source name when it has one).
const SourceKind = "vk"

// Callback API event types Otklik turns into messages.
const (
	TypeConfirmation  = "confirmation"
	TypeWallPostNew   = "wall_post_new"
	TypeWallReplyNew  = "wall_reply_new"
	TypeWallReplyEdit = "wall_reply_edit"
	TypeMessageNew    = "message_new"
	TypeBoardPostNew  = "board_post_new"
)

// Event is one parsed Callback API request.
type Event struct {
	Type    string // event type, e.g. "wall_reply_new"
	GroupID int64  // community the event belongs to
	EventID string // VK's event id (the same on VK's retries)
	Version string // API version of the object ("v"), empty in older payloads
	Secret  string // the secret key sent with the event, empty when none is configured in VK

	// Message is the resident's message carried by the event; nil for confirmation and for types Otklik ignores.
	Message *model.Message
	// Edit is true when the event updates a message already received under the same external id.
	Edit bool
	// FromCommunity is true when the author is a community (negative id): the group's own posts and the answers
	// Otklik itself published come back as events and must not be taken in as residents' messages.
	FromCommunity bool
}

type envelope struct {
	Type    string          `json:"type"`
	Object  json.RawMessage `json:"object"`
	GroupID int64           `json:"group_id"`
	EventID string          `json:"event_id"`
	V       string          `json:"v"`
	Secret  string          `json:"secret"`
}

// ParseCallback parses the body of a Callback API request. Unknown event types give an Event without a message
// and no error; malformed JSON, a missing type or a malformed object of a known type give an error.
func ParseCallback(body []byte) (Event, error) {
	var env envelope
	if err := json.Unmarshal(body, &env); err != nil {
		return Event{}, fmt.Errorf("vk: parse callback: %w", err)
	}
	if env.Type == "" {
		return Event{}, errors.New("vk: parse callback: no event type")
	}
	ev := Event{Type: env.Type, GroupID: env.GroupID, EventID: env.EventID, Version: env.V, Secret: env.Secret}
	var (
		msg *model.Message
		err error
	)
	switch env.Type {
	case TypeWallPostNew:
		msg, err = parseWallPost(env.Object)
	case TypeWallReplyNew, TypeWallReplyEdit:
		msg, err = parseComment(env.Object)
		ev.Edit = env.Type == TypeWallReplyEdit
	case TypeMessageNew:
		msg, err = parseMessageNew(env.Object, env.GroupID)
	case TypeBoardPostNew:
		msg, err = parseBoardPost(env.Object, env.GroupID)
	default:
		return ev, nil
	}
	if err != nil {
		return Event{}, fmt.Errorf("vk: parse %s: %w", env.Type, err)
	}
	msg.Source = SourceKind
	msg.Raw = append(json.RawMessage(nil), env.Object...)
	ev.Message = msg
	id, _ := strconv.ParseInt(msg.AuthorID, 10, 64)
	ev.FromCommunity = id < 0
	return ev, nil
}

// attachment is one item of an "attachments" array: {"type": "photo", "photo": {...}}.
type attachment struct {
	Type string
	Item struct {
		ID      int64  `json:"id"`
		OwnerID int64  `json:"owner_id"`
		URL     string `json:"url"`
		Sizes   []struct {
			URL    string `json:"url"`
			Width  int64  `json:"width"`
			Height int64  `json:"height"`
		} `json:"sizes"`
	}
}

func (a *attachment) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	if t, ok := m["type"]; ok {
		if err := json.Unmarshal(t, &a.Type); err != nil {
			return fmt.Errorf("attachment type: %w", err)
		}
	}
	if item, ok := m[a.Type]; ok && a.Type != "type" && len(item) > 0 && item[0] == '{' {
		if err := json.Unmarshal(item, &a.Item); err != nil {
			return fmt.Errorf("attachment %s: %w", a.Type, err)
		}
	}
	return nil
}

// ref renders an attachment as a URL where VK gives one (photo: the largest size; doc, link: url), else in VK's
// own notation "<type><owner_id>_<id>" (e.g. "video-1_456239017").
func (a attachment) ref() string {
	if a.Type == "photo" {
		best, area := "", int64(-1)
		for _, s := range a.Item.Sizes {
			if s.URL != "" && s.Width*s.Height >= area {
				best, area = s.URL, s.Width*s.Height
			}
		}
		if best != "" {
			return best
		}
	}
	if a.Item.URL != "" {
		return a.Item.URL
	}
	if a.Type == "" || (a.Item.ID == 0 && a.Item.OwnerID == 0) {
		return ""
	}
	return fmt.Sprintf("%s%d_%d", a.Type, a.Item.OwnerID, a.Item.ID)
}

func refs(as []attachment) []string {
	var out []string
	for _, a := range as {
		if r := a.ref(); r != "" {
			out = append(out, r)
		}
	}
	return out
}

func unix(sec int64) time.Time {
	if sec <= 0 {
		return time.Time{}
	}
	return time.Unix(sec, 0).UTC()
}

// authorName renders a VK author id the way VK addresses it: "id123" for a user, "club123" for a community.
func authorName(id int64) string {
	switch {
	case id > 0:
		return "id" + strconv.FormatInt(id, 10)
	case id < 0:
		return "club" + strconv.FormatInt(-id, 10)
	}
	return ""
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func decodeObject(obj json.RawMessage, v any) error {
	if len(obj) == 0 || string(obj) == "null" {
		return errors.New("no object")
	}
	return json.Unmarshal(obj, v)
}

type wallPost struct {
	ID          int64        `json:"id"`
	OwnerID     int64        `json:"owner_id"`
	FromID      int64        `json:"from_id"`
	Date        int64        `json:"date"`
	Text        string       `json:"text"`
	Attachments []attachment `json:"attachments"`
}

func parseWallPost(obj json.RawMessage) (*model.Message, error) {
	var p wallPost
	if err := decodeObject(obj, &p); err != nil {
		return nil, err
	}
	if p.ID == 0 || p.OwnerID == 0 {
		return nil, errors.New("post without id or owner_id")
	}
	post := itoa(p.OwnerID) + "_" + itoa(p.ID)
	return &model.Message{
		ExternalID:  "wall:" + post,
		Author:      authorName(p.FromID),
		AuthorID:    itoa(p.FromID),
		Text:        p.Text,
		URL:         "https://vk.com/wall" + post,
		PostedAt:    unix(p.Date),
		ThreadID:    "wall:" + post,
		Attachments: refs(p.Attachments),
	}, nil
}

type comment struct {
	ID             int64        `json:"id"`
	FromID         int64        `json:"from_id"`
	PostID         int64        `json:"post_id"`
	OwnerID        int64        `json:"owner_id"`
	PostOwnerID    int64        `json:"post_owner_id"`
	Date           int64        `json:"date"`
	Text           string       `json:"text"`
	ReplyToComment int64        `json:"reply_to_comment"`
	ParentsStack   []int64      `json:"parents_stack"`
	Attachments    []attachment `json:"attachments"`
}

func parseComment(obj json.RawMessage) (*model.Message, error) {
	var c comment
	if err := decodeObject(obj, &c); err != nil {
		return nil, err
	}
	owner := c.PostOwnerID // the wall the post is on; wall.createComment needs it as owner_id
	if owner == 0 {
		owner = c.OwnerID
	}
	if c.ID == 0 || c.PostID == 0 || owner == 0 {
		return nil, errors.New("comment without id, post_id or owner")
	}
	post := itoa(owner) + "_" + itoa(c.PostID)
	url := "https://vk.com/wall" + post + "?reply=" + itoa(c.ID)
	if len(c.ParentsStack) > 0 && c.ParentsStack[0] != 0 {
		url += "&thread=" + itoa(c.ParentsStack[0])
	}
	return &model.Message{
		ExternalID:  "comment:" + post + "_" + itoa(c.ID),
		Author:      authorName(c.FromID),
		AuthorID:    itoa(c.FromID),
		Text:        c.Text,
		URL:         url,
		PostedAt:    unix(c.Date),
		ThreadID:    "wall:" + post,
		ReplyTo:     itoa(c.ID),
		Attachments: refs(c.Attachments),
	}, nil
}

type privateMessage struct {
	ID                    int64        `json:"id"`
	Date                  int64        `json:"date"`
	PeerID                int64        `json:"peer_id"`
	FromID                int64        `json:"from_id"`
	Text                  string       `json:"text"`
	ConversationMessageID int64        `json:"conversation_message_id"`
	Attachments           []attachment `json:"attachments"`
}

func parseMessageNew(obj json.RawMessage, groupID int64) (*model.Message, error) {
	// API 5.103 and later wrap the message: {"message": {...}, "client_info": {...}}; older versions put the
	// message fields directly into the object.
	var wrapped struct {
		Message json.RawMessage `json:"message"`
	}
	if err := decodeObject(obj, &wrapped); err != nil {
		return nil, err
	}
	inner := obj
	if len(wrapped.Message) > 0 && wrapped.Message[0] == '{' {
		inner = wrapped.Message
	}
	var m privateMessage
	if err := json.Unmarshal(inner, &m); err != nil {
		return nil, err
	}
	if m.PeerID == 0 {
		m.PeerID = m.FromID
	}
	if m.PeerID == 0 || (m.ConversationMessageID == 0 && m.ID == 0) {
		return nil, errors.New("message without peer_id or id")
	}
	// conversation_message_id is set in every conversation, including group chats where a community bot sees
	// id 0; the global id is the fallback for very old payloads, kept apart by its "id" prefix.
	local := itoa(m.ConversationMessageID)
	if m.ConversationMessageID == 0 {
		local = "id" + itoa(m.ID)
	}
	msg := &model.Message{
		ExternalID:  "pm:" + itoa(m.PeerID) + "_" + local,
		Author:      authorName(m.FromID),
		AuthorID:    itoa(m.FromID),
		Text:        m.Text,
		PostedAt:    unix(m.Date),
		ThreadID:    "pm:" + itoa(m.PeerID),
		Attachments: refs(m.Attachments),
	}
	if m.ConversationMessageID != 0 {
		msg.ReplyTo = itoa(m.ConversationMessageID)
	}
	if groupID > 0 {
		msg.URL = "https://vk.com/gim" + itoa(groupID) + "?sel=" + itoa(m.PeerID)
	}
	return msg, nil
}

type boardPost struct {
	ID           int64        `json:"id"`
	FromID       int64        `json:"from_id"`
	Date         int64        `json:"date"`
	Text         string       `json:"text"`
	TopicID      int64        `json:"topic_id"`
	TopicOwnerID int64        `json:"topic_owner_id"`
	Attachments  []attachment `json:"attachments"`
}

func parseBoardPost(obj json.RawMessage, groupID int64) (*model.Message, error) {
	var b boardPost
	if err := decodeObject(obj, &b); err != nil {
		return nil, err
	}
	group := groupID
	if b.TopicOwnerID < 0 {
		group = -b.TopicOwnerID
	}
	if b.ID == 0 || b.TopicID == 0 || group <= 0 {
		return nil, errors.New("board post without id, topic_id or group")
	}
	topic := itoa(group) + "_" + itoa(b.TopicID)
	return &model.Message{
		ExternalID:  "board:" + topic + "_" + itoa(b.ID),
		Author:      authorName(b.FromID),
		AuthorID:    itoa(b.FromID),
		Text:        b.Text,
		URL:         "https://vk.com/topic-" + topic + "?post=" + itoa(b.ID),
		PostedAt:    unix(b.Date),
		ThreadID:    "board:" + topic,
		ReplyTo:     itoa(b.ID),
		Attachments: refs(b.Attachments),
	}, nil
}
