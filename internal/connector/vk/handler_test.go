package vk

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

// recordingSink stores what it accepted, or fails with err.
type recordingSink struct {
	mu    sync.Mutex
	err   error
	calls int
	got   []model.Message
}

func (s *recordingSink) Accept(_ context.Context, msgs []model.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if s.err != nil {
		return s.err
	}
	s.got = append(s.got, msgs...)
	return nil
}

func post(t *testing.T, h http.Handler, body string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/hooks/vk/demo-vk", strings.NewReader(body)))
	return rec
}

// withSecret returns the event body with "secret" set (or removed when secret is empty).
func withSecret(t *testing.T, body []byte, secret string) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "secret")
	if secret != "" {
		m["secret"], _ = json.Marshal(secret)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

var fixedNow = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)

func TestHandlerFixtures(t *testing.T) {
	for _, tt := range []struct {
		file       string
		externalID string // "" for no stored message
	}{
		{"confirmation.json", ""},
		{"wall_post_new.json", "wall:-222_1"},
		{"wall_reply_new.json", "comment:-333_3_4"},
		{"message_new.json", "pm:918650328_820"},
		{"message_new_photo.json", "pm:222_4395"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			raw := readFixture(t, tt.file)
			var env struct {
				GroupID int64 `json:"group_id"`
			}
			if err := json.Unmarshal(raw, &env); err != nil {
				t.Fatal(err)
			}
			sink := &recordingSink{}
			h := Handler(Config{Source: "demo-vk", GroupID: env.GroupID, Confirmation: "c0nf1rm",
				Secret: "Секрет-42", Now: func() time.Time { return fixedNow }}, sink)
			rec := post(t, h, withSecret(t, raw, "Секрет-42"))
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			wantBody := "ok"
			if tt.externalID == "" {
				wantBody = "c0nf1rm"
			}
			if rec.Body.String() != wantBody {
				t.Errorf("body %q, want %q", rec.Body, wantBody)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("content type %q", ct)
			}
			if tt.externalID == "" {
				if sink.calls != 0 {
					t.Errorf("sink called %d times", sink.calls)
				}
				return
			}
			if len(sink.got) != 1 {
				t.Fatalf("stored %d messages", len(sink.got))
			}
			m := sink.got[0]
			if m.ExternalID != tt.externalID || m.Source != "demo-vk" || !m.ReceivedAt.Equal(fixedNow) {
				t.Errorf("stored %s from %q at %v", m.ExternalID, m.Source, m.ReceivedAt)
			}
			// The same fixture with a wrong or no secret is refused and stores nothing.
			for _, secret := range []string{"", "секрет-42", "Секрет-4"} {
				rec := post(t, h, withSecret(t, raw, secret))
				if rec.Code != http.StatusForbidden {
					t.Errorf("secret %q: status %d", secret, rec.Code)
				}
			}
			if sink.calls != 1 {
				t.Errorf("sink called %d times, want 1", sink.calls)
			}
		})
	}
}

func TestHandlerResponses(t *testing.T) {
	overloaded := connector.Overloaded(7 * time.Second)
	tests := []struct {
		name       string
		cfg        Config
		sinkErr    error
		body       string
		status     int
		respBody   string
		retryAfter string
		stored     int
		sinkCalls  int
	}{
		{"confirmation", Config{GroupID: 77, Confirmation: "a1b2c3"}, nil,
			`{"type":"confirmation","group_id":77}`, 200, "a1b2c3", "", 0, 0},
		{"confirmation for another group", Config{GroupID: 77, Confirmation: "a1b2c3"}, nil,
			`{"type":"confirmation","group_id":78}`, 403, "", "", 0, 0},
		{"confirmation without the string configured", Config{GroupID: 77}, nil,
			`{"type":"confirmation","group_id":77}`, 500, "", "", 0, 0},
		{"confirmation with a wrong secret", Config{GroupID: 77, Confirmation: "a1b2c3", Secret: "s3"}, nil,
			`{"type":"confirmation","group_id":77,"secret":"s4"}`, 403, "", "", 0, 0},
		{"message with the right secret", Config{GroupID: 77, Secret: "s3"}, nil, replyEdit, 200, "ok", "", 1, 1},
		{"message from a foreign group", Config{GroupID: 78}, nil, boardPostBody, 403, "", "", 0, 0},
		{"group not checked", Config{}, nil, boardPostBody, 200, "ok", "", 1, 1},
		{"unknown type", Config{GroupID: 77}, nil,
			`{"type":"group_leave","group_id":77,"object":{"user_id":5,"self":1}}`, 200, "ok", "", 0, 0},
		{"the community's own comment", Config{GroupID: 77}, nil, communityComment, 200, "ok", "", 0, 0},
		{"malformed json", Config{GroupID: 77}, nil, `{"type":`, 400, "", "", 0, 0},
		{"malformed object", Config{GroupID: 77}, nil, `{"type":"wall_reply_new","group_id":77,"object":[]}`,
			400, "", "", 0, 0},
		{"overloaded sink", Config{GroupID: 77}, overloaded, oldMessageNew, 503, "", "7", 0, 1},
		{"overloaded sink, default delay", Config{GroupID: 77}, connector.ErrOverloaded, oldMessageNew, 503, "",
			"5", 0, 1},
		{"failing sink", Config{GroupID: 77}, errors.New("disk full"), oldMessageNew, 500, "", "", 0, 1},
		{"too large", Config{GroupID: 77}, nil,
			`{"type":"message_new","group_id":77,"object":{"text":"` + strings.Repeat("я", connector.MaxBodyBytes) + `"}}`,
			413, "", "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &recordingSink{err: tt.sinkErr}
			rec := post(t, Handler(tt.cfg, sink), tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.status, rec.Body)
			}
			if tt.respBody != "" && rec.Body.String() != tt.respBody {
				t.Errorf("body %q, want %q", rec.Body, tt.respBody)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			if len(sink.got) != tt.stored || sink.calls != tt.sinkCalls {
				t.Errorf("stored %d in %d calls, want %d in %d", len(sink.got), sink.calls, tt.stored, tt.sinkCalls)
			}
		})
	}
}

func TestHandlerMethod(t *testing.T) {
	sink := &recordingSink{}
	rec := httptest.NewRecorder()
	Handler(Config{}, sink).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hooks/vk/x", nil))
	if rec.Code != http.StatusMethodNotAllowed || sink.calls != 0 {
		t.Errorf("GET: status %d, sink calls %d", rec.Code, sink.calls)
	}
}

// TestHandlerAcknowledgesAfterAccept checks over a real HTTP connection that "ok" is written only after the sink
// returned: a sink that blocks holds the answer back.
func TestHandlerAcknowledgesAfterAccept(t *testing.T) {
	release := make(chan struct{})
	accepted := make(chan struct{})
	sink := connector.SinkFunc(func(ctx context.Context, msgs []model.Message) error {
		close(accepted)
		<-release
		return nil
	})
	srv := httptest.NewServer(Handler(Config{GroupID: 77}, sink))
	defer srv.Close()
	type result struct {
		body string
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := http.Post(srv.URL, "application/json", strings.NewReader(oldMessageNew))
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{string(b), err}
	}()
	<-accepted
	select {
	case r := <-done:
		t.Fatalf("answered %q before the sink returned", r.body)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	r := <-done
	if r.err != nil || r.body != "ok" {
		t.Fatalf("answer %q, %v", r.body, r.err)
	}
}
