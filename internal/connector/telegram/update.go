// Package telegram connects Otklik to the Telegram Bot API: updates come in through a webhook or long polling
// (getUpdates, for installations without a public address), answers go out with sendMessage as replies in the
// same chat and forum topic.
//
// It speaks the Bot API directly with net/http and encoding/json instead of a library such as go-telegram/bot:
// Otklik needs a handful of methods (getUpdates, sendMessage, setWebhook, deleteWebhook) and one Update shape, and
// owning them gives full control over retries, retry_after, offsets and acknowledgement order (an update is
// confirmed only after the sink made it durable), over body limits and over keeping the bot token out of error
// messages, with no extra dependency.
package telegram

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// SourceKind is the value of model.Message.Source set by ParseUpdate (handlers and the poller override it with the
// configured source name).
const SourceKind = "telegram"

// Update is one parsed Bot API Update.
type Update struct {
	UpdateID int64
	Kind     string // the update's field: "message", "edited_message", "channel_post", "edited_channel_post", …

	// Message is the resident's message; nil when Ignored.
	Message *model.Message
	// Edit is true for edited_message and edited_channel_post: an update of the message with the same external id.
	Edit bool
	// Ignored is true for updates that carry nothing to take in: service messages without text (a pin, new
	// members, a forum topic created or renamed…), messages from bots, and update kinds Otklik does not handle
	// (callback queries, member changes…). They are acknowledged without error.
	Ignored bool
}

type user struct {
	ID        int64  `json:"id"`
	IsBot     bool   `json:"is_bot"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	Username  string `json:"username"`
}

type chat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title"`
	Username  string `json:"username"`
	FirstName string `json:"first_name"`
	LastName  string `json:"last_name"`
	IsForum   bool   `json:"is_forum"`
}

type file struct {
	FileID string `json:"file_id"`
}

type photoSize struct {
	FileID   string `json:"file_id"`
	Width    int64  `json:"width"`
	Height   int64  `json:"height"`
	FileSize int64  `json:"file_size"`
}

type message struct {
	MessageID       int64  `json:"message_id"`
	MessageThreadID int64  `json:"message_thread_id"`
	From            *user  `json:"from"`
	SenderChat      *chat  `json:"sender_chat"`
	Chat            chat   `json:"chat"`
	Date            int64  `json:"date"`
	IsTopicMessage  bool   `json:"is_topic_message"`
	Text            string `json:"text"`
	Caption         string `json:"caption"`
	ReplyToMessage  *struct {
		MessageID int64 `json:"message_id"`
	} `json:"reply_to_message"`
	Photo     []photoSize `json:"photo"`
	Document  *file       `json:"document"`
	Video     *file       `json:"video"`
	Animation *file       `json:"animation"`
	Voice     *file       `json:"voice"`
	Audio     *file       `json:"audio"`
	VideoNote *file       `json:"video_note"`
	Location  *struct {
		Latitude  float64 `json:"latitude"`
		Longitude float64 `json:"longitude"`
	} `json:"location"`
}

// ParseUpdate parses one Update (a webhook request body or one element of getUpdates' result). Malformed JSON, a
// missing update_id, or a message without chat or message id give an error; everything Otklik does not take in
// gives an Update with Ignored set and no error.
func ParseUpdate(body []byte) (Update, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return Update{}, fmt.Errorf("telegram: parse update: %w", err)
	}
	if top == nil {
		return Update{}, errors.New("telegram: parse update: not an object")
	}
	var u Update
	if err := json.Unmarshal(top["update_id"], &u.UpdateID); err != nil || u.UpdateID <= 0 {
		return Update{}, errors.New("telegram: parse update: no valid update_id")
	}
	var raw json.RawMessage
	for _, kind := range []string{"message", "edited_message", "channel_post", "edited_channel_post"} {
		if r, ok := top[kind]; ok && string(r) != "null" {
			u.Kind, raw = kind, r
			break
		}
	}
	if raw == nil {
		for k := range top {
			if k != "update_id" && (u.Kind == "" || k < u.Kind) {
				u.Kind = k
			}
		}
		u.Ignored = true
		return u, nil
	}
	u.Edit = strings.HasPrefix(u.Kind, "edited_")
	var m message
	if err := json.Unmarshal(raw, &m); err != nil {
		return Update{}, fmt.Errorf("telegram: parse %s: %w", u.Kind, err)
	}
	if m.Chat.ID == 0 || m.MessageID == 0 {
		return Update{}, fmt.Errorf("telegram: parse %s: no chat id or message id", u.Kind)
	}
	attachments := attachmentsOf(m)
	text := m.Text
	if text == "" {
		text = m.Caption
	}
	if (text == "" && len(attachments) == 0) || (m.From != nil && m.From.IsBot && m.SenderChat == nil) {
		u.Ignored = true
		return u, nil
	}
	msg := &model.Message{
		Source:      SourceKind,
		ExternalID:  strconv.FormatInt(m.Chat.ID, 10) + ":" + strconv.FormatInt(m.MessageID, 10),
		Text:        text,
		URL:         messageURL(m),
		Raw:         append(json.RawMessage(nil), raw...),
		ThreadID:    "chat:" + strconv.FormatInt(m.Chat.ID, 10),
		Attachments: attachments,
	}
	if m.Date > 0 {
		msg.PostedAt = time.Unix(m.Date, 0).UTC()
	}
	switch {
	case m.SenderChat != nil: // a channel post, or an anonymous group admin speaking as the chat
		msg.Author, msg.AuthorID = chatName(*m.SenderChat), strconv.FormatInt(m.SenderChat.ID, 10)
	case m.From != nil:
		msg.Author, msg.AuthorID = userName(*m.From), strconv.FormatInt(m.From.ID, 10)
	default:
		msg.Author, msg.AuthorID = chatName(m.Chat), strconv.FormatInt(m.Chat.ID, 10)
	}
	topic := m.MessageThreadID != 0 && (m.IsTopicMessage || m.Chat.IsForum)
	if topic {
		msg.ThreadID += ":topic:" + strconv.FormatInt(m.MessageThreadID, 10)
	}
	// In a forum topic every message "replies" to the topic's creation message (whose id is the thread id);
	// only a reply to another message is a reply.
	if r := m.ReplyToMessage; r != nil && r.MessageID != 0 && !(topic && r.MessageID == m.MessageThreadID) {
		msg.ReplyTo = strconv.FormatInt(r.MessageID, 10)
	}
	u.Message = msg
	return u, nil
}

func attachmentsOf(m message) []string {
	var out []string
	if len(m.Photo) > 0 {
		best := m.Photo[0]
		for _, p := range m.Photo[1:] {
			if p.Width*p.Height > best.Width*best.Height ||
				(p.Width*p.Height == best.Width*best.Height && p.FileSize >= best.FileSize) {
				best = p
			}
		}
		if best.FileID != "" {
			out = append(out, "tg-file:"+best.FileID)
		}
	}
	for _, f := range []*file{m.Document, m.Video, m.Animation, m.Voice, m.Audio, m.VideoNote} {
		if f != nil && f.FileID != "" {
			out = append(out, "tg-file:"+f.FileID)
		}
	}
	if l := m.Location; l != nil {
		out = append(out, "geo:"+strconv.FormatFloat(l.Latitude, 'f', -1, 64)+","+
			strconv.FormatFloat(l.Longitude, 'f', -1, 64))
	}
	return out
}

// messageURL links to the message for public chats (t.me/<username>/<id>) and, for supergroups and channels,
// to the private link members can open (t.me/c/<internal id>/<id>); private chats have no link.
func messageURL(m message) string {
	id := strconv.FormatInt(m.MessageID, 10)
	if m.Chat.Type == "private" {
		return ""
	}
	if m.Chat.Username != "" {
		return "https://t.me/" + m.Chat.Username + "/" + id
	}
	if s := strconv.FormatInt(m.Chat.ID, 10); strings.HasPrefix(s, "-100") && len(s) > 4 {
		return "https://t.me/c/" + s[4:] + "/" + id
	}
	return ""
}

func userName(u user) string {
	name := strings.TrimSpace(u.FirstName + " " + u.LastName)
	if name == "" && u.Username != "" {
		name = "@" + u.Username
	}
	return name
}

func chatName(c chat) string {
	if c.Title != "" {
		return c.Title
	}
	if name := strings.TrimSpace(c.FirstName + " " + c.LastName); name != "" {
		return name
	}
	if c.Username != "" {
		return "@" + c.Username
	}
	return ""
}

// ParseThread decodes a ThreadID set by ParseUpdate: "chat:<chat_id>" or "chat:<chat_id>:topic:<thread_id>".
func ParseThread(threadID string) (chatID, topicID int64, err error) {
	rest, ok := strings.CutPrefix(threadID, "chat:")
	if !ok {
		return 0, 0, fmt.Errorf("telegram: thread id %q: want chat:<id>", threadID)
	}
	chatPart, topicPart, hasTopic := strings.Cut(rest, ":topic:")
	chatID, err = strconv.ParseInt(chatPart, 10, 64)
	if err != nil || chatID == 0 {
		return 0, 0, fmt.Errorf("telegram: thread id %q: bad chat id", threadID)
	}
	if hasTopic {
		topicID, err = strconv.ParseInt(topicPart, 10, 64)
		if err != nil || topicID <= 0 {
			return 0, 0, fmt.Errorf("telegram: thread id %q: bad topic id", threadID)
		}
	}
	return chatID, topicID, nil
}

// ReplyTarget says where the answer to a message parsed by ParseUpdate goes: its chat, its forum topic (0 when
// none) and the message itself as the one to reply to (taken from the external id "<chat_id>:<message_id>").
func ReplyTarget(m model.Message) (chatID, topicID, replyTo int64, err error) {
	chatID, topicID, err = ParseThread(m.ThreadID)
	if err != nil {
		return 0, 0, 0, err
	}
	c, id, ok := strings.Cut(m.ExternalID, ":")
	if !ok || c != strconv.FormatInt(chatID, 10) {
		return 0, 0, 0, fmt.Errorf("telegram: external id %q does not belong to %q", m.ExternalID, m.ThreadID)
	}
	replyTo, err = strconv.ParseInt(id, 10, 64)
	if err != nil || replyTo <= 0 {
		return 0, 0, 0, fmt.Errorf("telegram: external id %q: bad message id", m.ExternalID)
	}
	return chatID, topicID, replyTo, nil
}
