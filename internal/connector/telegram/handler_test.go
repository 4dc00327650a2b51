package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

type recordingSink struct {
	mu    sync.Mutex
	errs  []error // returned by the first calls, in order; then nil
	calls int
	got   []model.Message
}

func (s *recordingSink) Accept(_ context.Context, msgs []model.Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.errs) > 0 {
		err := s.errs[0]
		s.errs = s.errs[1:]
		if err != nil {
			return err
		}
	}
	s.got = append(s.got, msgs...)
	return nil
}

func (s *recordingSink) snapshot() (int, []model.Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, append([]model.Message(nil), s.got...)
}

var fixedNow = time.Date(2026, 11, 3, 9, 30, 0, 0, time.UTC)

func send(h http.Handler, secret *string, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/hooks/telegram/demo-tg", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != nil {
		req.Header.Set(SecretHeader, *secret)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func ptr(s string) *string { return &s }

func TestHandlerFixtures(t *testing.T) {
	for _, tt := range []struct {
		file       string
		externalID string // "" when the update is ignored
	}{
		{"message_private_text.json", "1111111:1365"},
		{"edited_message_private.json", "1111111:1365"},
		{"channel_post_text.json", "-1001310120257:15"},
		{"channel_post_pinned_message.json", ""},
		{"message_supergroup_forum_reply.json", ""},
	} {
		t.Run(tt.file, func(t *testing.T) {
			body := string(readFixture(t, tt.file))
			sink := &recordingSink{}
			h := Handler(Config{Source: "demo-tg", Secret: "Секрет_42", Now: func() time.Time { return fixedNow }}, sink)
			for _, wrong := range []*string{nil, ptr(""), ptr("Секрет_4"), ptr("секрет_42")} {
				if rec := send(h, wrong, body); rec.Code != http.StatusForbidden {
					t.Errorf("secret %v: status %d", wrong, rec.Code)
				}
			}
			if calls, _ := sink.snapshot(); calls != 0 {
				t.Fatalf("sink called %d times with a wrong secret", calls)
			}
			if rec := send(h, ptr("Секрет_42"), body); rec.Code != http.StatusOK {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			calls, got := sink.snapshot()
			if tt.externalID == "" {
				if calls != 0 {
					t.Errorf("ignored update reached the sink")
				}
				return
			}
			if len(got) != 1 || got[0].ExternalID != tt.externalID || got[0].Source != "demo-tg" ||
				!got[0].ReceivedAt.Equal(fixedNow) {
				t.Errorf("stored %+v", got)
			}
		})
	}
}

func TestHandlerResponses(t *testing.T) {
	tests := []struct {
		name       string
		secret     string
		header     *string
		sinkErr    error
		body       string
		status     int
		retryAfter string
		stored     int
		calls      int
	}{
		{"accepted", "s", ptr("s"), nil, forumReply, 200, "", 1, 1},
		{"no secret configured", "", nil, nil, forumReply, 200, "", 1, 1},
		{"ignored service message", "s", ptr("s"), nil, newMembers, 200, "", 0, 0},
		{"ignored callback query", "s", ptr("s"), nil, callbackQuery, 200, "", 0, 0},
		{"malformed", "s", ptr("s"), nil, `{"update_id":`, 400, "", 0, 0},
		{"malformed with a wrong secret", "s", ptr("t"), nil, `{"update_id":`, 403, "", 0, 0},
		{"overloaded", "s", ptr("s"), connector.Overloaded(2500 * time.Millisecond), photoCaption, 503, "3", 0, 1},
		{"failing sink", "s", ptr("s"), errors.New("database is locked"), photoCaption, 500, "", 0, 1},
		{"too large", "", nil, nil, `{"update_id":1,"message":{"text":"` + strings.Repeat("ж", connector.MaxBodyBytes) + `"}}`,
			413, "", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sink := &recordingSink{errs: []error{tt.sinkErr}}
			rec := send(Handler(Config{Secret: tt.secret}, sink), tt.header, tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d (%s)", rec.Code, tt.status, rec.Body)
			}
			if got := rec.Header().Get("Retry-After"); got != tt.retryAfter {
				t.Errorf("Retry-After %q, want %q", got, tt.retryAfter)
			}
			calls, got := sink.snapshot()
			if len(got) != tt.stored || calls != tt.calls {
				t.Errorf("stored %d in %d calls, want %d in %d", len(got), calls, tt.stored, tt.calls)
			}
		})
	}
}

func TestHandlerMethod(t *testing.T) {
	sink := &recordingSink{}
	rec := httptest.NewRecorder()
	Handler(Config{}, sink).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hooks/telegram/x", nil))
	if calls, _ := sink.snapshot(); rec.Code != http.StatusMethodNotAllowed || calls != 0 {
		t.Errorf("GET: status %d, sink calls %d", rec.Code, calls)
	}
}
