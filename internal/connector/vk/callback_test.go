package vk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// fixtureDir is /work/shared/fixtures/vk seen from this package: internal/connector/vk → ../../../../shared.
var fixtureDir = filepath.Join("..", "..", "..", "..", "shared", "fixtures", "vk")

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtureDir, name))
	if os.IsNotExist(err) {
		t.Skipf("fixture %s absent (%s): the shared fixtures are not checked out next to the repository", name, fixtureDir)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type want struct {
	typ         string
	group       int64
	secret      string
	noMessage   bool
	edit        bool
	community   bool
	externalID  string
	threadID    string
	replyTo     string
	url         string
	text        string
	authorID    string
	author      string
	posted      int64
	attachments []string
}

func check(t *testing.T, ev Event, w want) {
	t.Helper()
	if ev.Type != w.typ || ev.GroupID != w.group || ev.Secret != w.secret || ev.Edit != w.edit ||
		ev.FromCommunity != w.community {
		t.Errorf("event = {type %q group %d secret %q edit %v community %v}, want {%q %d %q %v %v}",
			ev.Type, ev.GroupID, ev.Secret, ev.Edit, ev.FromCommunity, w.typ, w.group, w.secret, w.edit, w.community)
	}
	if w.noMessage {
		if ev.Message != nil {
			t.Errorf("message = %+v, want none", ev.Message)
		}
		return
	}
	m := ev.Message
	if m == nil {
		t.Fatal("no message")
	}
	type fields struct{ externalID, threadID, replyTo, url, text, authorID, author string }
	got := fields{m.ExternalID, m.ThreadID, m.ReplyTo, m.URL, m.Text, m.AuthorID, m.Author}
	exp := fields{w.externalID, w.threadID, w.replyTo, w.url, w.text, w.authorID, w.author}
	if got != exp {
		t.Errorf("message fields\n got %+v\nwant %+v", got, exp)
	}
	if m.Source != SourceKind {
		t.Errorf("source = %q", m.Source)
	}
	if !m.PostedAt.Equal(time.Unix(w.posted, 0)) {
		t.Errorf("posted at %v, want unix %d", m.PostedAt, w.posted)
	}
	if !slices.Equal(m.Attachments, w.attachments) {
		t.Errorf("attachments = %q, want %q", m.Attachments, w.attachments)
	}
	if !json.Valid(m.Raw) || len(m.Raw) == 0 {
		t.Errorf("raw is not the object JSON: %q", m.Raw)
	}
}

func TestParseCallbackFixtures(t *testing.T) {
	tests := []struct {
		file string
		want want
	}{
		{"confirmation.json", want{typ: "confirmation", group: 123456, secret: "secret_123456", noMessage: true}},
		{"wall_post_new.json", want{typ: "wall_post_new", group: 444, externalID: "wall:-222_1",
			threadID: "wall:-222_1", url: "https://vk.com/wall-222_1", text: "test", authorID: "111", author: "id111",
			posted: 1594888935}},
		{"wall_reply_new.json", want{typ: "wall_reply_new", group: 444, externalID: "comment:-333_3_4",
			threadID: "wall:-333_3", replyTo: "4", url: "https://vk.com/wall-333_3?reply=4", text: "test",
			authorID: "111", author: "id111", posted: 1594972082}},
		{"message_new.json", want{typ: "message_new", group: 886761559, externalID: "pm:918650328_820",
			threadID: "pm:918650328", replyTo: "820", url: "https://vk.com/gim886761559?sel=918650328",
			text: "Click me", authorID: "918650328", author: "id918650328", posted: 1622383770}},
		{"message_new_photo.json", want{typ: "message_new", group: 555, externalID: "pm:222_4395",
			threadID: "pm:222", replyTo: "4395", url: "https://vk.com/gim555?sel=222", text: "",
			authorID: "111", author: "id111", posted: 1593095193,
			attachments: []string{"https://sun9-13.userapi.com/Bue-eUHzRJ-awcwbYWQYyC_cfyYn2aV1pjwjmw/eBjFGonNLMg.jpg"}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			ev, err := ParseCallback(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			check(t, ev, tt.want)
		})
	}
}

// Payloads written for these tests, in the shapes VK sends.
const (
	oldMessageNew = `{"type":"message_new","group_id":77,"event_id":"e1","object":{"id":5012,"date":1700000000,
		"peer_id":2000000003,"from_id":415,"text":"Когда дадут горячую воду на Лермонтова, 81?",
		"conversation_message_id":96,"attachments":[]}}`
	oldMessageNoCMID = `{"type":"message_new","group_id":77,"object":{"id":5013,"date":1700000001,"from_id":415,
		"text":"Во дворе не вывозят мусор"}}`
	replyEdit = `{"type":"wall_reply_edit","group_id":77,"v":"5.199","secret":"s3","object":{"id":91,"from_id":415,
		"post_id":12,"owner_id":-77,"post_owner_id":-77,"date":1700000100,"reply_to_comment":90,
		"parents_stack":[88],"text":"Исправлю: яма у остановки «Школа №5», а не у рынка",
		"attachments":[{"type":"photo","photo":{"id":7,"owner_id":415,"sizes":[
			{"type":"s","url":"https://example.org/s.jpg","width":75,"height":56},
			{"type":"w","url":"https://example.org/w.jpg","width":1280,"height":960},
			{"type":"m","url":"https://example.org/m.jpg","width":130,"height":97}]}},
			{"type":"video","video":{"id":456239017,"owner_id":-1}},
			{"type":"doc","doc":{"id":3,"owner_id":415,"url":"https://example.org/akt.pdf"}},
			{"type":"sticker","sticker":{"sticker_id":9}}]}}`
	boardPostBody = `{"type":"board_post_new","group_id":77,"object":{"id":31,"from_id":502,"date":1700000200,
		"text":"В поликлинике на Баумана нет записи к терапевту вторую неделю","topic_id":4,"topic_owner_id":-77}}`
	communityComment = `{"type":"wall_reply_new","group_id":77,"object":{"id":92,"from_id":-77,"post_id":12,
		"owner_id":-77,"post_owner_id":-77,"date":1700000300,"text":"Здравствуйте! Заявка передана в управляющую компанию."}}`
	userWallPost = `{"type":"wall_post_new","group_id":77,"object":{"id":13,"from_id":415,"owner_id":-77,
		"date":1700000400,"post_type":"suggest","text":"Предлагаю обсудить освещение в сквере"}}`
)

func TestParseCallbackOwnPayloads(t *testing.T) {
	tests := []struct {
		name string
		body string
		want want
	}{
		{"message_new before 5.103", oldMessageNew, want{typ: "message_new", group: 77, externalID: "pm:2000000003_96",
			threadID: "pm:2000000003", replyTo: "96", url: "https://vk.com/gim77?sel=2000000003",
			text: "Когда дадут горячую воду на Лермонтова, 81?", authorID: "415", author: "id415", posted: 1700000000}},
		{"message_new without peer and cmid", oldMessageNoCMID, want{typ: "message_new", group: 77,
			externalID: "pm:415_id5013", threadID: "pm:415", url: "https://vk.com/gim77?sel=415",
			text: "Во дворе не вывозят мусор", authorID: "415", author: "id415", posted: 1700000001}},
		{"wall_reply_edit in a thread", replyEdit, want{typ: "wall_reply_edit", group: 77, secret: "s3", edit: true,
			externalID: "comment:-77_12_91", threadID: "wall:-77_12", replyTo: "91",
			url:  "https://vk.com/wall-77_12?reply=91&thread=88",
			text: "Исправлю: яма у остановки «Школа №5», а не у рынка", authorID: "415", author: "id415",
			posted:      1700000100,
			attachments: []string{"https://example.org/w.jpg", "video-1_456239017", "https://example.org/akt.pdf"}}},
		{"board_post_new", boardPostBody, want{typ: "board_post_new", group: 77, externalID: "board:77_4_31",
			threadID: "board:77_4", replyTo: "31", url: "https://vk.com/topic-77_4?post=31",
			text: "В поликлинике на Баумана нет записи к терапевту вторую неделю", authorID: "502", author: "id502",
			posted: 1700000200}},
		{"the community's own comment", communityComment, want{typ: "wall_reply_new", group: 77, community: true,
			externalID: "comment:-77_12_92", threadID: "wall:-77_12", replyTo: "92",
			url:  "https://vk.com/wall-77_12?reply=92",
			text: "Здравствуйте! Заявка передана в управляющую компанию.", authorID: "-77", author: "club77",
			posted: 1700000300}},
		{"a resident's suggested post", userWallPost, want{typ: "wall_post_new", group: 77,
			externalID: "wall:-77_13", threadID: "wall:-77_13", url: "https://vk.com/wall-77_13",
			text: "Предлагаю обсудить освещение в сквере", authorID: "415", author: "id415", posted: 1700000400}},
		{"unknown type", `{"type":"group_join","group_id":77,"object":{"user_id":1,"join_type":"join"}}`,
			want{typ: "group_join", group: 77, noMessage: true}},
		{"unknown type without object", `{"type":"like_add","group_id":77}`,
			want{typ: "like_add", group: 77, noMessage: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev, err := ParseCallback([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			check(t, ev, tt.want)
		})
	}
}

func TestParseCallbackErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not json":             `ok`,
		"empty":                ``,
		"array":                `[]`,
		"no type":              `{"group_id":1}`,
		"type not a string":    `{"type":5}`,
		"post without object":  `{"type":"wall_post_new","group_id":1}`,
		"post with null":       `{"type":"wall_post_new","object":null}`,
		"post without id":      `{"type":"wall_post_new","object":{"owner_id":-1,"text":"нет номера"}}`,
		"comment without post": `{"type":"wall_reply_new","object":{"id":3,"owner_id":-1,"text":"без записи"}}`,
		"message without ids":  `{"type":"message_new","object":{"message":{"text":"пусто"}}}`,
		"board without topic":  `{"type":"board_post_new","object":{"id":3,"text":"без темы"}}`,
		"id is a string":       `{"type":"wall_post_new","object":{"id":"1","owner_id":-1}}`,
		"attachment garbage":   `{"type":"wall_post_new","object":{"id":1,"owner_id":-1,"attachments":[1]}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if ev, err := ParseCallback([]byte(body)); err == nil {
				t.Errorf("no error, event %+v", ev)
			}
		})
	}
}

func TestParseTarget(t *testing.T) {
	tests := []struct {
		thread, reply string
		want          Target
	}{
		{"wall:-77_12", "91", Target{Kind: "wall", OwnerID: -77, PostID: 12, ReplyToComment: 91}},
		{"wall:-222_1", "", Target{Kind: "wall", OwnerID: -222, PostID: 1}},
		{"pm:2000000003", "96", Target{Kind: "pm", PeerID: 2000000003, ConversationMessageID: 96}},
		{"board:77_4", "31", Target{Kind: "board", GroupID: 77, TopicID: 4}},
	}
	for _, tt := range tests {
		got, err := ParseTarget(tt.thread, tt.reply)
		if err != nil || got != tt.want {
			t.Errorf("ParseTarget(%q, %q) = %+v, %v; want %+v", tt.thread, tt.reply, got, err, tt.want)
		}
	}
	for _, bad := range [][2]string{{"", ""}, {"wall:-77", ""}, {"wall:a_b", ""}, {"pm:x", ""}, {"tg:1", ""},
		{"wall:-77_12", "abc"}, {"board:77_", ""}} {
		if got, err := ParseTarget(bad[0], bad[1]); err == nil {
			t.Errorf("ParseTarget(%q, %q) = %+v, want an error", bad[0], bad[1], got)
		}
	}
	// Every message ParseCallback produces has a target the client can publish to.
	for _, body := range []string{oldMessageNew, replyEdit, boardPostBody, userWallPost} {
		ev, err := ParseCallback([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ParseTarget(ev.Message.ThreadID, ev.Message.ReplyTo); err != nil {
			t.Errorf("%s: %v", ev.Type, err)
		}
	}
}
