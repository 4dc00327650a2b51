package telegram

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// fixtureDir is /work/shared/fixtures/telegram seen from this package: internal/connector/telegram → ../../../../shared.
var fixtureDir = filepath.Join("..", "..", "..", "..", "shared", "fixtures", "telegram")

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
	updateID    int64
	kind        string
	edit        bool
	ignored     bool
	externalID  string
	threadID    string
	replyTo     string
	url         string
	text        string
	author      string
	authorID    string
	posted      int64
	attachments []string
}

func check(t *testing.T, u Update, w want) {
	t.Helper()
	if u.UpdateID != w.updateID || u.Kind != w.kind || u.Edit != w.edit || u.Ignored != w.ignored {
		t.Errorf("update = {%d %q edit %v ignored %v}, want {%d %q edit %v ignored %v}",
			u.UpdateID, u.Kind, u.Edit, u.Ignored, w.updateID, w.kind, w.edit, w.ignored)
	}
	if w.ignored {
		if u.Message != nil {
			t.Errorf("ignored update carries %+v", u.Message)
		}
		return
	}
	m := u.Message
	if m == nil {
		t.Fatal("no message")
	}
	type fields struct{ externalID, threadID, replyTo, url, text, author, authorID string }
	got := fields{m.ExternalID, m.ThreadID, m.ReplyTo, m.URL, m.Text, m.Author, m.AuthorID}
	exp := fields{w.externalID, w.threadID, w.replyTo, w.url, w.text, w.author, w.authorID}
	if got != exp {
		t.Errorf("message fields\n got %+v\nwant %+v", got, exp)
	}
	if m.Source != SourceKind || !m.PostedAt.Equal(time.Unix(w.posted, 0)) || !json.Valid(m.Raw) {
		t.Errorf("source %q, posted %v (want unix %d), raw valid %v", m.Source, m.PostedAt, w.posted, json.Valid(m.Raw))
	}
	if !slices.Equal(m.Attachments, w.attachments) {
		t.Errorf("attachments %q, want %q", m.Attachments, w.attachments)
	}
}

func TestParseUpdateFixtures(t *testing.T) {
	tests := []struct {
		file string
		want want
	}{
		{"message_private_text.json", want{updateID: 10000, kind: "message", externalID: "1111111:1365",
			threadID: "chat:1111111", text: "/start", author: "Test Firstname Test Lastname", authorID: "1111111",
			posted: 1441645532}},
		{"edited_message_private.json", want{updateID: 10000, kind: "edited_message", edit: true,
			externalID: "1111111:1365", threadID: "chat:1111111", text: "Edited text",
			author: "Test Firstname Test Lastname", authorID: "1111111", posted: 1441645532}},
		{"channel_post_text.json", want{updateID: 808628153, kind: "channel_post",
			externalID: "-1001310120257:15", threadID: "chat:-1001310120257", url: "https://t.me/c/1310120257/15",
			text: "The message", author: "My new channel", authorID: "-1001310120257", posted: 1623113410}},
		{"channel_post_pinned_message.json", want{updateID: 291366000, kind: "channel_post", ignored: true}},
		{"message_supergroup_forum_reply.json", want{updateID: 291366002, kind: "message", ignored: true}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			u, err := ParseUpdate(readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			check(t, u, tt.want)
		})
	}
}

// Updates written for these tests, in the shapes the Bot API sends.
const (
	forumReply = `{"update_id":500001,"message":{"message_id":2460,"message_thread_id":2446,"is_topic_message":true,
		"from":{"id":70011,"is_bot":false,"first_name":"Ольга","last_name":"Сидорова","language_code":"ru"},
		"chat":{"id":-1001971186208,"title":"Ангарск: ЖКХ","is_forum":true,"type":"supergroup"},"date":1731000000,
		"reply_to_message":{"message_id":2450,"message_thread_id":2446,"is_topic_message":true,
			"from":{"id":70012,"is_bot":false,"first_name":"Иван"},"chat":{"id":-1001971186208,"type":"supergroup"},
			"date":1730999000,"text":"У нас тоже нет света"},
		"text":"Подтверждаю, в 12 микрорайоне света нет с утра"}}`
	forumTopicRoot = `{"update_id":500002,"message":{"message_id":2461,"message_thread_id":2446,"is_topic_message":true,
		"from":{"id":70013,"is_bot":false,"first_name":"Пётр"},
		"chat":{"id":-1001971186208,"title":"Ангарск: ЖКХ","is_forum":true,"type":"supergroup"},"date":1731000100,
		"reply_to_message":{"message_id":2446,"message_thread_id":2446,"chat":{"id":-1001971186208,"type":"supergroup"},
			"date":1730990000,"forum_topic_created":{"name":"Отключения","icon_color":7322096}},
		"text":"Когда включат отопление в школе №10?"}}`
	groupReply = `{"update_id":500003,"message":{"message_id":88,"message_thread_id":80,
		"from":{"id":70014,"is_bot":false,"first_name":"","username":"brk_zhitel"},
		"chat":{"id":-1002000000001,"title":"Братск. Говорит город","username":"bratsk_govorit","type":"supergroup"},
		"date":1731000200,"reply_to_message":{"message_id":80,"chat":{"id":-1002000000001,"type":"supergroup"},"date":1731000000,"text":"Пост"},
		"text":"А на Гидростроителей автобус №3 опять не пришёл"}}`
	photoCaption = `{"update_id":500004,"message":{"message_id":41,"from":{"id":70015,"is_bot":false,"first_name":"Анна"},
		"chat":{"id":70015,"type":"private","first_name":"Анна"},"date":1731000300,
		"photo":[{"file_id":"AgAD-small","file_unique_id":"s","width":90,"height":67,"file_size":1200},
			{"file_id":"AgAD-big","file_unique_id":"b","width":1280,"height":960,"file_size":98000},
			{"file_id":"AgAD-mid","file_unique_id":"m","width":320,"height":240,"file_size":14000}],
		"caption":"Вот такая свалка за домом 7 по улице Мира"}}`
	photoOnly = `{"update_id":500005,"message":{"message_id":42,"from":{"id":70015,"is_bot":false,"first_name":"Анна"},
		"chat":{"id":70015,"type":"private","first_name":"Анна"},"date":1731000310,
		"photo":[{"file_id":"AgAD-only","file_unique_id":"o","width":800,"height":600}],
		"document":{"file_id":"BQAD-akt","file_name":"акт.pdf"}}}`
	locationOnly = `{"update_id":500006,"message":{"message_id":43,"from":{"id":70015,"is_bot":false,"first_name":"Анна"},
		"chat":{"id":70015,"type":"private"},"date":1731000320,"location":{"latitude":52.2978,"longitude":104.2964}}}`
	newMembers = `{"update_id":500007,"message":{"message_id":90,"from":{"id":70016,"is_bot":false,"first_name":"Нина"},
		"chat":{"id":-1002000000001,"type":"supergroup"},"date":1731000400,
		"new_chat_members":[{"id":70016,"is_bot":false,"first_name":"Нина"}]}}`
	callbackQuery  = `{"update_id":500008,"callback_query":{"id":"4382","from":{"id":70015,"is_bot":false,"first_name":"Анна"},"data":"rate:5"}}`
	anonymousAdmin = `{"update_id":500009,"message":{"message_id":91,
		"from":{"id":1087968824,"is_bot":true,"first_name":"Group","username":"GroupAnonymousBot"},
		"sender_chat":{"id":-1002000000001,"title":"Братск. Говорит город","type":"supergroup"},
		"chat":{"id":-1002000000001,"title":"Братск. Говорит город","type":"supergroup"},"date":1731000500,
		"text":"Администрация: просим сообщать об ямах в этой теме"}}`
	otherBot = `{"update_id":500010,"message":{"message_id":92,"from":{"id":5000001,"is_bot":true,"first_name":"Погода"},
		"chat":{"id":-1002000000001,"type":"supergroup"},"date":1731000600,"text":"Сегодня −25 °C"}}`
	editedChannelPost = `{"update_id":500011,"edited_channel_post":{"message_id":16,
		"sender_chat":{"id":-1001310120257,"title":"Новости Усолья","type":"channel"},
		"chat":{"id":-1001310120257,"title":"Новости Усолья","username":"usolie_news","type":"channel"},
		"date":1731000700,"edit_date":1731000800,"text":"Уточнение: вода будет отключена до 18:00"}}`
)

func TestParseUpdateOwnPayloads(t *testing.T) {
	tests := []struct {
		name, body string
		want       want
	}{
		{"reply inside a forum topic", forumReply, want{updateID: 500001, kind: "message",
			externalID: "-1001971186208:2460", threadID: "chat:-1001971186208:topic:2446", replyTo: "2450",
			url: "https://t.me/c/1971186208/2460", text: "Подтверждаю, в 12 микрорайоне света нет с утра",
			author: "Ольга Сидорова", authorID: "70011", posted: 1731000000}},
		{"plain message in a forum topic", forumTopicRoot, want{updateID: 500002, kind: "message",
			externalID: "-1001971186208:2461", threadID: "chat:-1001971186208:topic:2446",
			url: "https://t.me/c/1971186208/2461", text: "Когда включат отопление в школе №10?", author: "Пётр",
			authorID: "70013", posted: 1731000100}},
		{"reply in a public group", groupReply, want{updateID: 500003, kind: "message",
			externalID: "-1002000000001:88", threadID: "chat:-1002000000001", replyTo: "80",
			url: "https://t.me/bratsk_govorit/88", text: "А на Гидростроителей автобус №3 опять не пришёл",
			author: "@brk_zhitel", authorID: "70014", posted: 1731000200}},
		{"photo with caption", photoCaption, want{updateID: 500004, kind: "message", externalID: "70015:41",
			threadID: "chat:70015", text: "Вот такая свалка за домом 7 по улице Мира", author: "Анна",
			authorID: "70015", posted: 1731000300, attachments: []string{"tg-file:AgAD-big"}}},
		{"photo and document without text", photoOnly, want{updateID: 500005, kind: "message",
			externalID: "70015:42", threadID: "chat:70015", author: "Анна", authorID: "70015", posted: 1731000310,
			attachments: []string{"tg-file:AgAD-only", "tg-file:BQAD-akt"}}},
		{"location", locationOnly, want{updateID: 500006, kind: "message", externalID: "70015:43",
			threadID: "chat:70015", author: "Анна", authorID: "70015", posted: 1731000320,
			attachments: []string{"geo:52.2978,104.2964"}}},
		{"new chat members", newMembers, want{updateID: 500007, kind: "message", ignored: true}},
		{"callback query", callbackQuery, want{updateID: 500008, kind: "callback_query", ignored: true}},
		{"anonymous group admin", anonymousAdmin, want{updateID: 500009, kind: "message",
			externalID: "-1002000000001:91", threadID: "chat:-1002000000001", url: "https://t.me/c/2000000001/91",
			text: "Администрация: просим сообщать об ямах в этой теме", author: "Братск. Говорит город",
			authorID: "-1002000000001", posted: 1731000500}},
		{"another bot", otherBot, want{updateID: 500010, kind: "message", ignored: true}},
		{"edited channel post", editedChannelPost, want{updateID: 500011, kind: "edited_channel_post", edit: true,
			externalID: "-1001310120257:16", threadID: "chat:-1001310120257", url: "https://t.me/usolie_news/16",
			text: "Уточнение: вода будет отключена до 18:00", author: "Новости Усолья", authorID: "-1001310120257",
			posted: 1731000700}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := ParseUpdate([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			check(t, u, tt.want)
		})
	}
}

func TestParseUpdateErrors(t *testing.T) {
	for name, body := range map[string]string{
		"not json":             `{"update_id":1,`,
		"null":                 `null`,
		"array":                `[{"update_id":1}]`,
		"no update_id":         `{"message":{"message_id":1,"chat":{"id":2},"text":"нет номера"}}`,
		"update_id a string":   `{"update_id":"1","message":{"message_id":1,"chat":{"id":2},"text":"x"}}`,
		"zero update_id":       `{"update_id":0}`,
		"message without chat": `{"update_id":1,"message":{"message_id":1,"text":"без чата"}}`,
		"message without id":   `{"update_id":1,"message":{"chat":{"id":2},"text":"без номера"}}`,
		"message is an array":  `{"update_id":1,"message":[]}`,
		"text is a number":     `{"update_id":1,"message":{"message_id":1,"chat":{"id":2},"text":5}}`,
	} {
		t.Run(name, func(t *testing.T) {
			if u, err := ParseUpdate([]byte(body)); err == nil {
				t.Errorf("no error, update %+v", u)
			}
		})
	}
}

func TestReplyTarget(t *testing.T) {
	tests := []struct {
		body                 string
		chat, topic, replyTo int64
	}{
		{forumReply, -1001971186208, 2446, 2460},
		{forumTopicRoot, -1001971186208, 2446, 2461},
		{groupReply, -1002000000001, 0, 88},
		{photoCaption, 70015, 0, 41},
	}
	for _, tt := range tests {
		u, err := ParseUpdate([]byte(tt.body))
		if err != nil {
			t.Fatal(err)
		}
		chat, topic, reply, err := ReplyTarget(*u.Message)
		if err != nil || chat != tt.chat || topic != tt.topic || reply != tt.replyTo {
			t.Errorf("%d: ReplyTarget = %d %d %d %v, want %d %d %d", u.UpdateID, chat, topic, reply, err,
				tt.chat, tt.topic, tt.replyTo)
		}
	}
	for _, m := range []model.Message{
		{ThreadID: "chat:5", ExternalID: "6:1"},
		{ThreadID: "chat:5", ExternalID: "5:x"},
		{ThreadID: "chat:5", ExternalID: "5"},
		{ThreadID: "wall:-1_2", ExternalID: "5:1"},
		{ThreadID: "chat:5:topic:0", ExternalID: "5:1"},
		{ThreadID: "chat:0", ExternalID: "0:1"},
	} {
		if c, tp, r, err := ReplyTarget(m); err == nil {
			t.Errorf("ReplyTarget(%q, %q) = %d %d %d, want an error", m.ThreadID, m.ExternalID, c, tp, r)
		}
	}
}
