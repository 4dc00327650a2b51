package telegram

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestSendMessage(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	c := &Client{BaseURL: srv.URL + "/", Token: f.token}
	text := "Здравствуйте! Отопление в школе №10 включат 5 ноября. Ответственный — МКУ «Управление образования»."
	id, err := c.SendMessage(context.Background(), -1001971186208, 2446, 2461, text)
	if err != nil {
		t.Fatal(err)
	}
	if id != 3001 {
		t.Errorf("message id %d", id)
	}
	b := f.lastBody("sendMessage")
	rp, _ := b["reply_parameters"].(map[string]any)
	if b["chat_id"] != float64(-1001971186208) || b["message_thread_id"] != float64(2446) || b["text"] != text ||
		rp["message_id"] != float64(2461) || rp["allow_sending_without_reply"] != true {
		t.Errorf("request body %v", b)
	}
	// Outside a topic and without a reply, neither field is sent.
	if _, err := c.SendMessage(context.Background(), 70015, 0, 0, "Спасибо за обращение."); err != nil {
		t.Fatal(err)
	}
	b = f.lastBody("sendMessage")
	if _, has := b["message_thread_id"]; has {
		t.Errorf("message_thread_id sent: %v", b)
	}
	if _, has := b["reply_parameters"]; has {
		t.Errorf("reply_parameters sent: %v", b)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name       string
		fail       func(http.ResponseWriter)
		token      string
		code       int
		retryAfter time.Duration
		migrate    int64
		temporary  bool
		isAPI      bool
	}{
		{"flood control", botError(429, "Too Many Requests: retry after 7", `{"retry_after":7}`), "", 429, 7 * time.Second, 0, true, true},
		{"blocked by the user", botError(403, "Forbidden: bot was blocked by the user", ""), "", 403, 0, 0, false, true},
		{"reply target gone", botError(400, "Bad Request: message to be replied not found", ""), "", 400, 0, 0, false, true},
		{"group migrated", botError(400, "Bad Request: group chat was upgraded to a supergroup chat",
			`{"migrate_to_chat_id":-1001234567890}`), "", 400, 0, -1001234567890, false, true},
		{"server error", botError(500, "Internal Server Error", ""), "", 500, 0, 0, true, true},
		{"bad token", nil, "1:wrong", 401, 0, 0, false, true},
		{"proxy error page", func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusBadGateway)
			fmt.Fprint(w, "<html>502 Bad Gateway</html>")
		}, "", 502, 0, 0, true, true},
		{"garbage with 200", func(w http.ResponseWriter) { fmt.Fprint(w, "not json") }, "", 0, 0, 0, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeBotAPI(t)
			if tt.fail != nil {
				f.fail("sendMessage", tt.fail)
			}
			token := f.token
			if tt.token != "" {
				token = tt.token
			}
			c := &Client{BaseURL: srv.URL, Token: token}
			_, err := c.SendMessage(context.Background(), 70015, 0, 41, "Ответ")
			if err == nil {
				t.Fatal("no error")
			}
			var apiErr *APIError
			if errors.As(err, &apiErr) != tt.isAPI {
				t.Fatalf("error %v: api error %v, want %v", err, !tt.isAPI, tt.isAPI)
			}
			if tt.isAPI && (apiErr.Code != tt.code || apiErr.RetryAfter != tt.retryAfter ||
				apiErr.MigrateToChatID != tt.migrate || apiErr.Method != "sendMessage") {
				t.Errorf("api error %+v", apiErr)
			}
			if Temporary(err) != tt.temporary {
				t.Errorf("Temporary(%v) = %v", err, !tt.temporary)
			}
			if strings.Contains(err.Error(), token) {
				t.Errorf("token in error %q", err)
			}
			if len(f.sent) != 0 {
				t.Error("a failed call sent a message")
			}
		})
	}
}

func TestClientTransportErrorHidesToken(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close() // connections are refused from now on
	c := &Client{BaseURL: base, Token: "7000001:AAF-секретный"}
	_, err := c.SendMessage(context.Background(), 1, 0, 0, "x")
	if err == nil {
		t.Fatal("no error")
	}
	if strings.Contains(err.Error(), c.Token) || !strings.Contains(err.Error(), "<token>") {
		t.Errorf("error %q", err)
	}
	if !Temporary(err) {
		t.Errorf("connection refused is not temporary: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.SendMessage(ctx, 1, 0, 0, "x"); Temporary(err) {
		t.Errorf("a cancelled call is temporary: %v", err)
	}
}

func TestGetUpdates(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	c := &Client{BaseURL: srv.URL, Token: f.token}
	f.push(forumReply, forumTopicRoot, groupReply)
	raws, err := c.GetUpdates(context.Background(), 500002, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(raws) != 1 || updateID(raws[0]) != 500002 {
		t.Fatalf("got %d updates: %s", len(raws), raws)
	}
	b := f.lastBody("getUpdates")
	if b["offset"] != float64(500002) || b["timeout"] != float64(0) || b["limit"] != float64(1) {
		t.Errorf("request body %v", b)
	}
	// The offset confirmed 500001: it is gone.
	raws, err = c.GetUpdates(context.Background(), 0, 0, 0)
	if err != nil || len(raws) != 2 {
		t.Fatalf("%d updates, %v", len(raws), err)
	}
	// A long poll returns as soon as an update arrives.
	go func() {
		time.Sleep(20 * time.Millisecond)
		f.push(photoCaption)
	}()
	raws, err = c.GetUpdates(context.Background(), 500004, 10*time.Second, 100)
	if err != nil || len(raws) != 1 || updateID(raws[0]) != 500004 {
		t.Fatalf("long poll: %s, %v", raws, err)
	}
	if b := f.lastBody("getUpdates"); b["timeout"] != float64(10) {
		t.Errorf("timeout sent as %v", b["timeout"])
	}
	f.fail("getUpdates", botError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first", ""))
	if _, err := c.GetUpdates(context.Background(), 0, 0, 0); err == nil || Temporary(err) {
		t.Errorf("409: %v", err)
	}
}

func TestWebhookMethods(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	c := &Client{BaseURL: srv.URL, Token: f.token}
	if err := c.SetWebhook(context.Background(), "https://otklik.example.org/hooks/telegram/irk", "s3cr3t"); err != nil {
		t.Fatal(err)
	}
	if b := f.lastBody("setWebhook"); b["url"] != "https://otklik.example.org/hooks/telegram/irk" || b["secret_token"] != "s3cr3t" {
		t.Errorf("setWebhook body %v", b)
	}
	if err := c.DeleteWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	if b := f.lastBody("deleteWebhook"); b["drop_pending_updates"] != false {
		t.Errorf("deleteWebhook body %v", b)
	}
}
