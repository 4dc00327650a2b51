package outbox_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// TestWebhook: the receiver answers 503 with Retry-After once, then 204; every call is signed with
// HMAC-SHA256 over "<timestamp>.<body>" and carries the same delivery id; a 400 is permanent.
func TestWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		secret := []byte("общий секрет")
		var mu sync.Mutex
		var deliveries []string
		calls := 0
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			ts, _ := strconv.ParseInt(r.Header.Get(outbox.HeaderTimestamp), 10, 64)
			if !outbox.Verify(secret, ts, body, r.Header.Get(outbox.HeaderSignature)) {
				t.Errorf("bad signature %q on %s", r.Header.Get(outbox.HeaderSignature), body)
			}
			if outbox.Verify([]byte("другой"), ts, body, r.Header.Get(outbox.HeaderSignature)) {
				t.Error("a signature verified with the wrong secret")
			}
			mu.Lock()
			defer mu.Unlock()
			calls++
			deliveries = append(deliveries, r.Header.Get(outbox.HeaderDelivery))
			switch {
			case strings.Contains(string(body), `"bad"`):
				w.WriteHeader(http.StatusBadRequest)
			case calls == 1:
				w.Header().Set("Retry-After", "30")
				w.WriteHeader(http.StatusServiceUnavailable)
			default:
				w.WriteHeader(http.StatusNoContent)
			}
		}))
		defer srv.Close()
		now := time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)
		for key, body := range map[string]any{
			"webhook:event:1": map[string]any{"event": "incident.created", "number": "38-2026-000001"},
			"webhook:event:2": map[string]any{"event": "bad"},
		} {
			j, err := outbox.WebhookJob(key, body)
			if err != nil {
				t.Fatal(err)
			}
			j.CreatedAt = now
			if key == "webhook:event:2" {
				j.NextAt = now.Add(time.Hour) // after the first has been delivered
			}
			if _, _, err := st.EnqueueJob(ctx, j); err != nil {
				t.Fatal(err)
			}
		}
		r := &outbox.Runner{Store: st, Workers: 1, Clock: func() time.Time { return now }, Logger: quiet,
			Handlers: map[string]outbox.Handler{outbox.KindWebhook: &outbox.WebhookHandler{URL: srv.URL, Secret: secret}}}
		for i := 0; i < 4; i++ {
			if _, err := r.Drain(ctx, 5); err != nil {
				t.Fatal(err)
			}
			if i == 0 {
				j, _ := st.JobByKey(ctx, "webhook:event:1")
				if d := j.NextAt.Sub(now); j.State != store.JobPending || d < 30*time.Second {
					t.Fatalf("after 503: %s, next in %v; want pending for at least the 30 s asked", j.State, d)
				}
			}
			now = now.Add(time.Hour)
		}
		j1, _ := st.JobByKey(ctx, "webhook:event:1")
		j2, _ := st.JobByKey(ctx, "webhook:event:2")
		if j1.State != store.JobDone || j1.Result != "204" || j2.State != store.JobDead || !strings.Contains(j2.LastError, "400") {
			t.Errorf("jobs: %s %q, %s %q", j1.State, j1.Result, j2.State, j2.LastError)
		}
		if strings.Join(deliveries, " ") != "webhook:event:1 webhook:event:1 webhook:event:2" {
			t.Errorf("deliveries %v", deliveries)
		}
	})
}

// TestComposeMail: RFC 5322 headers, the Cyrillic subject as RFC 2047 encoded words, a quoted-printable body,
// no header injection through the subject.
func TestComposeMail(t *testing.T) {
	m := &outbox.SMTP{From: "noreply@otklik.example.org", FromName: "Отклик"}
	b, err := m.Compose(outbox.Mail{To: "ivanova@example.org", ToName: "Ирина Иванова", Subject: "Просрочено обращение\r\nBcc: x@evil.example",
		Text: "Строка с точкой:\n.\nи длинная " + strings.Repeat("очень ", 30), MessageID: outbox.MessageID("notify:event:1:user:2:email", "noreply@otklik.example.org"),
		Date: time.Date(2026, 11, 3, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{"Subject: =?utf-8?b?", "Date: Tue, 03 Nov 2026 10:00:00 +0000\r\n", "Content-Type: text/plain; charset=utf-8\r\n",
		"Content-Transfer-Encoding: quoted-printable\r\n", "@otklik.example.org>\r\n", "To: =?utf-8?"} {
		if !strings.Contains(s, want) {
			t.Errorf("missing %q in\n%s", want, s)
		}
	}
	if strings.Contains(s, "\r\nBcc:") {
		t.Errorf("header injected:\n%s", s)
	}
	head, _, _ := strings.Cut(s, "\r\n\r\n")
	for _, line := range strings.Split(s, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line of %d bytes", len(line))
		}
	}
	if strings.Contains(head, "\n\n") {
		t.Error("bare LF in headers")
	}
	if _, err := m.Compose(outbox.Mail{To: "not an address"}); err == nil {
		t.Error("Compose accepted a bad recipient")
	}
}
