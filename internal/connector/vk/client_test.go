package vk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// fakeVK speaks the VK API wire format: form-encoded POST /method/<name> with access_token and v, answered with
// HTTP 200 and {"response": …} or {"error": {"error_code": …, "error_msg": …}}. Like VK, it drops a repeated
// guid (wall.createComment, board.createComment) or random_id (messages.send) and answers with the id of the
// first publication.
type fakeVK struct {
	t     *testing.T
	token string

	mu       sync.Mutex
	requests []url.Values
	methods  []string
	failures []func(w http.ResponseWriter) // consumed one per request before normal handling
	delay    time.Duration                 // applied after a publication is recorded
	byKey    map[string]int64
	posted   []string // texts actually published, in order
	nextID   int64
}

func newFakeVK(t *testing.T) (*fakeVK, *httptest.Server) {
	f := &fakeVK{t: t, token: "vk1.a.тестовый", byKey: map[string]int64{}, nextID: 100}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func apiError(code int, msg string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		fmt.Fprintf(w, `{"error":{"error_code":%d,"error_msg":%q,"request_params":[{"key":"v","value":"5.199"}]}}`, code, msg)
	}
}

func (f *fakeVK) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
		http.Error(w, "want a form POST", http.StatusBadRequest)
		return
	}
	if err := r.ParseForm(); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	method := r.URL.Path[len("/method/"):]
	f.mu.Lock()
	f.requests = append(f.requests, r.PostForm)
	f.methods = append(f.methods, method)
	var fail func(http.ResponseWriter)
	if len(f.failures) > 0 {
		fail, f.failures = f.failures[0], f.failures[1:]
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	if fail != nil {
		fail(w)
		return
	}
	if r.PostForm.Get("access_token") != f.token {
		apiError(5, "User authorization failed: invalid access_token (4).")(w)
		return
	}
	if r.PostForm.Get("v") == "" {
		apiError(8, "Invalid request: v is required")(w)
		return
	}
	var key string
	switch method {
	case "wall.createComment", "board.createComment":
		key = method + "/" + r.PostForm.Get("guid")
	case "messages.send":
		key = method + "/" + r.PostForm.Get("peer_id") + "/" + r.PostForm.Get("random_id")
	default:
		apiError(3, "Unknown method passed")(w)
		return
	}
	f.mu.Lock()
	id, seen := f.byKey[key]
	if !seen || key == method+"/" {
		f.nextID++
		id = f.nextID
		f.byKey[key] = id
		f.posted = append(f.posted, r.PostForm.Get("message"))
	}
	delay := f.delay
	f.mu.Unlock()
	time.Sleep(delay)
	if method == "wall.createComment" {
		fmt.Fprintf(w, `{"response":{"comment_id":%d,"parents_stack":[]}}`, id)
		return
	}
	fmt.Fprintf(w, `{"response":%d}`, id)
}

func (f *fakeVK) last() (string, url.Values) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.methods[len(f.methods)-1], f.requests[len(f.requests)-1]
}

func (f *fakeVK) publishedCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.posted)
}

func TestCreateComment(t *testing.T) {
	f, srv := newFakeVK(t)
	c := &Client{BaseURL: srv.URL + "/method/", Token: f.token, GroupID: 77}
	text := "Здравствуйте! Яму на ул. Ленина, 5 засыплют до 15 ноября. Ответственный — МКУ «Дорожник»."
	id, err := c.CreateComment(context.Background(), -77, 12, 91, text, "answer-17")
	if err != nil {
		t.Fatal(err)
	}
	if id != 101 {
		t.Errorf("comment id %d", id)
	}
	method, form := f.last()
	want := map[string]string{"owner_id": "-77", "post_id": "12", "reply_to_comment": "91", "message": text,
		"guid": "answer-17", "from_group": "77", "access_token": f.token, "v": "5.199"}
	if method != "wall.createComment" {
		t.Errorf("method %q", method)
	}
	for k, v := range want {
		if form.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, form.Get(k), v)
		}
	}
	// A comment on the post itself carries no reply_to_comment.
	if _, err := c.CreateComment(context.Background(), -77, 12, 0, "Ответ под записью", "answer-18"); err != nil {
		t.Fatal(err)
	}
	if _, form := f.last(); form.Has("reply_to_comment") {
		t.Errorf("reply_to_comment sent: %q", form.Get("reply_to_comment"))
	}
}

func TestSendAndReplyMessage(t *testing.T) {
	f, srv := newFakeVK(t)
	c := &Client{BaseURL: srv.URL + "/method", Token: f.token, Version: "5.131"} // no trailing slash
	id, err := c.SendMessage(context.Background(), 415, "Ваше обращение зарегистрировано под номером 38-2026-000123.", 9001)
	if err != nil || id != 101 {
		t.Fatalf("SendMessage = %d, %v", id, err)
	}
	method, form := f.last()
	if method != "messages.send" || form.Get("peer_id") != "415" || form.Get("random_id") != "9001" ||
		form.Get("v") != "5.131" || form.Has("forward") {
		t.Errorf("request %s %v", method, form)
	}
	if _, err := c.ReplyMessage(context.Background(), 2000000003, 96, "Отвечаем в беседе.", 9002); err != nil {
		t.Fatal(err)
	}
	_, form = f.last()
	var fwd struct {
		PeerID  int64   `json:"peer_id"`
		CMIDs   []int64 `json:"conversation_message_ids"`
		IsReply bool    `json:"is_reply"`
	}
	if err := json.Unmarshal([]byte(form.Get("forward")), &fwd); err != nil || fwd.PeerID != 2000000003 ||
		len(fwd.CMIDs) != 1 || fwd.CMIDs[0] != 96 || !fwd.IsReply {
		t.Errorf("forward %q (%v)", form.Get("forward"), err)
	}
	if _, err := c.SendMessage(context.Background(), 415, "без random_id", 0); err == nil {
		t.Error("random_id 0 accepted")
	}
	if n := len(f.requests); n != 2 {
		t.Errorf("%d requests reached the server, want 2", n)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name      string
		fail      func(http.ResponseWriter)
		token     string
		apiCode   int
		httpCode  int
		temporary bool
	}{
		{"too many requests per second", apiError(6, "Too many requests per second"), "", 6, 0, true},
		{"flood control", apiError(9, "Flood control"), "", 9, 0, true},
		{"internal error", apiError(10, "Internal server error"), "", 10, 0, true},
		{"unknown error", apiError(1, "Unknown error occurred"), "", 1, 0, true},
		{"bad token", nil, "wrong", 5, 0, false},
		{"access denied", apiError(15, "Access denied"), "", 15, 0, false},
		{"no permission", apiError(7, "Permission to perform this action is denied"), "", 7, 0, false},
		{"bad gateway", func(w http.ResponseWriter) { w.WriteHeader(http.StatusBadGateway) }, "", 0, 502, true},
		{"forbidden", func(w http.ResponseWriter) { w.WriteHeader(http.StatusForbidden) }, "", 0, 403, false},
		{"not json", func(w http.ResponseWriter) { fmt.Fprint(w, "<html>") }, "", 0, 0, false},
		{"empty object", func(w http.ResponseWriter) { fmt.Fprint(w, "{}") }, "", 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, srv := newFakeVK(t)
			if tt.fail != nil {
				f.failures = append(f.failures, tt.fail)
			}
			token := f.token
			if tt.token != "" {
				token = tt.token
			}
			c := &Client{BaseURL: srv.URL + "/method/", Token: token}
			_, err := c.CreateComment(context.Background(), -77, 12, 0, "Текст ответа", "g1")
			if err == nil {
				t.Fatal("no error")
			}
			var apiErr *APIError
			if got := errors.As(err, &apiErr); got != (tt.apiCode != 0) || (got && apiErr.Code != tt.apiCode) {
				t.Errorf("error %v, want api code %d", err, tt.apiCode)
			}
			var httpErr *HTTPError
			if got := errors.As(err, &httpErr); got != (tt.httpCode != 0) || (got && httpErr.Status != tt.httpCode) {
				t.Errorf("error %v, want http status %d", err, tt.httpCode)
			}
			if Temporary(err) != tt.temporary {
				t.Errorf("Temporary(%v) = %v", err, !tt.temporary)
			}
			if f.publishedCount() != 0 {
				t.Error("a failed call published")
			}
		})
	}
}

// TestPublishRetryAfterTimeout: VK accepts the comment but the answer is lost to a client timeout; the retry
// with the same key returns the first comment and nothing is published twice.
func TestPublishRetryAfterTimeout(t *testing.T) {
	f, srv := newFakeVK(t)
	f.delay = 300 * time.Millisecond
	c := &Client{BaseURL: srv.URL + "/method/", Token: f.token, HTTP: &http.Client{Timeout: 50 * time.Millisecond}}
	text := "Здравствуйте! Подача отопления в дом по ул. Карла Маркса, 12 восстановлена."
	_, err := c.Publish(context.Background(), "wall:-77_12", "91", text, "outbox-job-5")
	if err == nil {
		t.Fatal("no timeout")
	}
	if !Temporary(err) {
		t.Errorf("timeout %v is not temporary", err)
	}
	f.mu.Lock()
	f.delay = 0
	f.mu.Unlock()
	ext, err := c.Publish(context.Background(), "wall:-77_12", "91", text, "outbox-job-5")
	if err != nil {
		t.Fatal(err)
	}
	if ext != "comment:-77_12_101" {
		t.Errorf("external id %q", ext)
	}
	if n := f.publishedCount(); n != 1 {
		t.Errorf("published %d times", n)
	}
	// A different job is a different comment.
	if ext, err := c.Publish(context.Background(), "wall:-77_12", "91", "Дополнение к ответу.", "outbox-job-6"); err != nil || ext != "comment:-77_12_102" {
		t.Errorf("second job: %q, %v", ext, err)
	}
}

func TestPublishTargets(t *testing.T) {
	f, srv := newFakeVK(t)
	c := &Client{BaseURL: srv.URL + "/method/", Token: f.token}
	ctx := context.Background()
	tests := []struct {
		thread, reply, method, ext string
		form                       map[string]string
	}{
		{"wall:-77_12", "91", "wall.createComment", "comment:-77_12_101",
			map[string]string{"owner_id": "-77", "post_id": "12", "reply_to_comment": "91", "guid": "k1"}},
		{"pm:415", "96", "messages.send", "pm:415_msg102",
			map[string]string{"peer_id": "415", "random_id": strconv.FormatInt(RandomID("k2"), 10)}},
		{"board:77_4", "31", "board.createComment", "board:77_4_103",
			map[string]string{"group_id": "77", "topic_id": "4", "guid": "k3", "from_group": "1"}},
	}
	for i, tt := range tests {
		ext, err := c.Publish(ctx, tt.thread, tt.reply, "Ответ центра управления регионом", fmt.Sprintf("k%d", i+1))
		if err != nil || ext != tt.ext {
			t.Errorf("%s: %q, %v; want %q", tt.thread, ext, err, tt.ext)
			continue
		}
		method, form := f.last()
		if method != tt.method {
			t.Errorf("%s: method %s", tt.thread, method)
		}
		for k, v := range tt.form {
			if form.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", tt.thread, k, form.Get(k), v)
			}
		}
	}
	if _, err := c.Publish(ctx, "tg:1", "", "x", "k"); err == nil {
		t.Error("a foreign thread id was published to")
	}
}

func TestRandomID(t *testing.T) {
	seen := map[int64]string{}
	for i := range 1000 {
		key := fmt.Sprintf("outbox-%d", i)
		id := RandomID(key)
		if id <= 0 || id > 1<<31-1 {
			t.Fatalf("RandomID(%q) = %d out of range", key, id)
		}
		if id != RandomID(key) {
			t.Fatalf("RandomID(%q) not stable", key)
		}
		if other, dup := seen[id]; dup {
			t.Errorf("RandomID collision: %q and %q", key, other)
		}
		seen[id] = key
	}
}
