package simulator

import (
	"encoding/json"
	"fmt"
)

// The wire shapes below are the subset of the VK Callback API (API version 5.199) and Telegram Bot API objects the
// simulator sends, with the fields and nesting the real services use, so that the connectors parse exactly what
// they would parse in production.

// VKAPIVersion is the API version the simulated VK callbacks declare in "v".
const VKAPIVersion = "5.199"

// vkEnvelope is one Callback API request body.
type vkEnvelope struct {
	GroupID int64  `json:"group_id"`
	Type    string `json:"type"`
	EventID string `json:"event_id,omitempty"`
	V       string `json:"v,omitempty"`
	Object  any    `json:"object,omitempty"`
	Secret  string `json:"secret,omitempty"`
}

// vkThread is the "thread" block VK attaches to a top-level comment.
type vkThread struct {
	Count           int   `json:"count"`
	Items           []any `json:"items"`
	CanPost         bool  `json:"can_post"`
	ShowReplyButton bool  `json:"show_reply_button"`
	GroupsCanPost   bool  `json:"groups_can_post"`
}

// vkComment is the object of wall_reply_new and wall_reply_edit: a comment with the post it is under.
type vkComment struct {
	ID             int64     `json:"id"`
	FromID         int64     `json:"from_id"`
	Date           int64     `json:"date"`
	Text           string    `json:"text"`
	PostID         int64     `json:"post_id"`
	OwnerID        int64     `json:"owner_id"`
	PostOwnerID    int64     `json:"post_owner_id"`
	ParentsStack   []int64   `json:"parents_stack"`
	Thread         *vkThread `json:"thread,omitempty"`
	ReplyToUser    int64     `json:"reply_to_user,omitempty"`
	ReplyToComment int64     `json:"reply_to_comment,omitempty"`
}

// vkMessage is a private message to the community (object.message of message_new).
type vkMessage struct {
	Date                  int64  `json:"date"`
	FromID                int64  `json:"from_id"`
	ID                    int64  `json:"id"`
	Out                   int    `json:"out"`
	Version               int64  `json:"version"`
	Attachments           []any  `json:"attachments"`
	ConversationMessageID int64  `json:"conversation_message_id"`
	FwdMessages           []any  `json:"fwd_messages"`
	Important             bool   `json:"important"`
	IsHidden              bool   `json:"is_hidden"`
	PeerID                int64  `json:"peer_id"`
	RandomID              int64  `json:"random_id"`
	Text                  string `json:"text"`
}

// vkClientInfo is object.client_info of message_new: what the resident's app can show.
type vkClientInfo struct {
	ButtonActions  []string `json:"button_actions"`
	Keyboard       bool     `json:"keyboard"`
	InlineKeyboard bool     `json:"inline_keyboard"`
	Carousel       bool     `json:"carousel"`
	LangID         int      `json:"lang_id"`
}

type vkMessageNew struct {
	Message    vkMessage    `json:"message"`
	ClientInfo vkClientInfo `json:"client_info"`
}

var vkButtonActions = []string{"text", "vkpay", "open_app", "location", "open_link", "callback", "intent_subscribe", "intent_unsubscribe"}

func vkBody(groupID int64, typ, eventID, secret string, object any) ([]byte, error) {
	b, err := json.Marshal(vkEnvelope{GroupID: groupID, Type: typ, EventID: eventID, V: VKAPIVersion, Object: object, Secret: secret})
	if err != nil {
		return nil, fmt.Errorf("simulator: encode vk %s: %w", typ, err)
	}
	return b, nil
}

// vkConfirmationBody is the handshake VK sends when a server address is added to the community; like every
// event it carries the secret key when one is set.
func vkConfirmationBody(groupID int64, secret string) []byte {
	b, _ := json.Marshal(vkEnvelope{GroupID: groupID, Type: "confirmation", Secret: secret}) // plain values: cannot fail
	return b
}

type tgUser struct {
	ID           int64  `json:"id"`
	IsBot        bool   `json:"is_bot"`
	FirstName    string `json:"first_name"`
	LastName     string `json:"last_name,omitempty"`
	Username     string `json:"username,omitempty"`
	LanguageCode string `json:"language_code,omitempty"`
}

type tgChat struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Title     string `json:"title,omitempty"`
	Username  string `json:"username,omitempty"`
	FirstName string `json:"first_name,omitempty"`
	LastName  string `json:"last_name,omitempty"`
	IsForum   bool   `json:"is_forum,omitempty"`
}

type tgPhotoSize struct {
	FileID       string `json:"file_id"`
	FileUniqueID string `json:"file_unique_id"`
	FileSize     int64  `json:"file_size"`
	Width        int64  `json:"width"`
	Height       int64  `json:"height"`
}

type tgTopicCreated struct {
	Name      string `json:"name"`
	IconColor int64  `json:"icon_color"`
}

type tgMessage struct {
	MessageID         int64           `json:"message_id"`
	MessageThreadID   int64           `json:"message_thread_id,omitempty"`
	From              *tgUser         `json:"from,omitempty"`
	Chat              tgChat          `json:"chat"`
	Date              int64           `json:"date"`
	EditDate          int64           `json:"edit_date,omitempty"`
	ReplyToMessage    *tgMessage      `json:"reply_to_message,omitempty"`
	ForumTopicCreated *tgTopicCreated `json:"forum_topic_created,omitempty"`
	IsTopicMessage    bool            `json:"is_topic_message,omitempty"`
	Text              string          `json:"text,omitempty"`
	Caption           string          `json:"caption,omitempty"`
	Photo             []tgPhotoSize   `json:"photo,omitempty"`
}

type tgUpdate struct {
	UpdateID      int64      `json:"update_id"`
	Message       *tgMessage `json:"message,omitempty"`
	EditedMessage *tgMessage `json:"edited_message,omitempty"`
}

func tgBody(u tgUpdate) ([]byte, error) {
	b, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("simulator: encode telegram update %d: %w", u.UpdateID, err)
	}
	return b, nil
}

// quoted returns the copy of a message Telegram embeds as reply_to_message: the message itself, one level deep.
func (m tgMessage) quoted() *tgMessage {
	m.ReplyToMessage = nil
	m.EditDate = 0
	return &m
}
