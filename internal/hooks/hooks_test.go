package hooks_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/connector/vk"
	"github.com/otklik/otklik/internal/connector/webhook"
	"github.com/otklik/otklik/internal/hooks"
	"github.com/otklik/otklik/internal/ingest"
	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

func fixtures(t *testing.T, kind string) map[string][]byte {
	t.Helper()
	dir := filepath.Join("..", "..", "..", "shared", "fixtures", kind)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Skipf("wire-format fixtures absent (%v): they live in ../shared/fixtures", err)
	}
	out := map[string][]byte{}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

type env struct {
	st  *store.Store
	srv *httptest.Server
}

func start(t *testing.T, st *store.Store) *env { return startB(t, st) }

func startB(t testing.TB, st *store.Store) *env {
	t.Helper()
	ctx := context.Background()
	region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutTerritory(ctx, model.Territory{RegionID: region, OKTMO: "25701000", Name: "город Иркутск", Kind: "urban_okrug"}); err != nil {
		t.Fatal(err)
	}
	for _, src := range []store.Source{
		{Code: "vk-main", Kind: "vk", Territory: "25701000", Enabled: true, Config: store.SourceConfig{Confirmation: "c0nf1rm", Secret: "vk-secret"}},
		{Code: "tg-bot", Kind: "telegram", Enabled: true, Config: store.SourceConfig{Secret: "tg-secret"}},
		{Code: "crm", Kind: "webhook", Enabled: true, Config: store.SourceConfig{Secret: "hmac-key"}},
		{Code: "vk-off", Kind: "vk", Enabled: false, Config: store.SourceConfig{Confirmation: "x"}},
	} {
		if _, err := st.PutSource(ctx, src); err != nil {
			t.Fatal(err)
		}
	}
	svc := workflow.New(st)
	pipe := ingest.New(svc, nil, ingest.Config{}, nil)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	mux := http.NewServeMux()
	hooks.New(st, pipe, nil).Register(mux)
	srv := httptest.NewServer(mux)
	t.Cleanup(func() { srv.Close(); stop(); <-done })
	return &env{st: st, srv: srv}
}

func (e *env) post(t *testing.T, path string, body []byte, header map[string]string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(body))
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (e *env) messages(t *testing.T) int {
	t.Helper()
	n, err := e.st.CountRows(context.Background(), "messages")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// withSecret adds the "secret" field VK sends when a secret key is configured.
func withSecret(t *testing.T, body []byte, secret string) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatal(err)
	}
	m["secret"] = secret
	b, _ := json.Marshal(m)
	return b
}

func TestVKFixturesThroughTheHook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := start(t, st)
		for name, body := range fixtures(t, "vk") {
			ev, err := vk.ParseCallback(body)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			before := e.messages(t)
			// A wrong secret is refused and stores nothing.
			if code, _ := e.post(t, "/hooks/vk/vk-main", withSecret(t, body, "wrong"), nil); code != http.StatusForbidden {
				t.Errorf("%s with a wrong secret: %d", name, code)
			}
			if e.messages(t) != before {
				t.Fatalf("%s: a refused callback stored a message", name)
			}
			code, resp := e.post(t, "/hooks/vk/vk-main", withSecret(t, body, "vk-secret"), nil)
			want := "ok"
			if ev.Type == vk.TypeConfirmation {
				want = "c0nf1rm"
			}
			if code != http.StatusOK || strings.TrimSpace(resp) != want {
				t.Errorf("%s: %d %q, want 200 %q", name, code, resp, want)
			}
			stored := 0
			if ev.Message != nil && !ev.FromCommunity {
				stored = 1
			}
			if got := e.messages(t) - before; got != stored {
				t.Errorf("%s: %d messages stored, want %d", name, got, stored)
			}
			// VK retries the same event: nothing new.
			e.post(t, "/hooks/vk/vk-main", withSecret(t, body, "vk-secret"), nil)
			if got := e.messages(t) - before; got != stored {
				t.Errorf("%s: a retry stored again", name)
			}
		}
		m, err := st.Message(context.Background(), "vk-main", "comment:-222_3_4")
		if err == nil && m.Territory != "25701000" {
			t.Errorf("the source's territory was not applied: %+v", m)
		}
		if code, _ := e.post(t, "/hooks/vk/vk-off", []byte(`{"type":"confirmation","group_id":1}`), nil); code != http.StatusNotFound {
			t.Errorf("a disabled source answered %d", code)
		}
		if code, _ := e.post(t, "/hooks/vk/ghost", []byte(`{"type":"confirmation","group_id":1}`), nil); code != http.StatusNotFound {
			t.Errorf("an unknown source answered %d", code)
		}
		if code, _ := e.post(t, "/hooks/telegram/vk-main", []byte(`{}`), nil); code != http.StatusNotFound {
			t.Errorf("a source under the wrong kind answered %d", code)
		}
	})
}

func TestTelegramFixturesThroughTheHook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := start(t, st)
		seen := map[string]bool{} // an edit and its original share an external id: whichever comes second updates
		for name, body := range fixtures(t, "telegram") {
			u, err := telegram.ParseUpdate(body)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			before := e.messages(t)
			if code, _ := e.post(t, "/hooks/telegram/tg-bot", body, map[string]string{"X-Telegram-Bot-Api-Secret-Token": "nope"}); code != http.StatusForbidden {
				t.Errorf("%s with a wrong secret: %d", name, code)
			}
			if e.messages(t) != before {
				t.Fatalf("%s: a refused update stored a message", name)
			}
			code, _ := e.post(t, "/hooks/telegram/tg-bot", body, map[string]string{"X-Telegram-Bot-Api-Secret-Token": "tg-secret"})
			if code != http.StatusOK {
				t.Errorf("%s: status %d", name, code)
			}
			stored := 0
			if u.Message != nil && !u.Ignored && !seen[u.Message.ExternalID] {
				stored = 1
				seen[u.Message.ExternalID] = true
			}
			if got := e.messages(t) - before; got != stored {
				t.Errorf("%s: %d messages stored, want %d", name, got, stored)
			}
		}
	})
}

func TestWebhookThroughTheHook(t *testing.T) {
	st := storetest.OpenSQLite(t)
	e := start(t, st)
	body := []byte(`{"messages":[{"external_id":"c-1","text":"Во дворе по ул. Ленина, 5 не вывозят мусор","posted_at":"2026-11-20T09:15:00+08:00"}]}`)
	if code, _ := e.post(t, "/hooks/webhook/crm", body, map[string]string{webhook.SignatureHeader: "sha256=00"}); code != http.StatusUnauthorized {
		t.Fatalf("bad signature answered %d", code)
	}
	code, resp := e.post(t, "/hooks/webhook/crm", body, map[string]string{webhook.SignatureHeader: webhook.Sign("hmac-key", body)})
	if code != http.StatusOK || !strings.Contains(resp, `"accepted":1`) {
		t.Fatalf("signed delivery: %d %s", code, resp)
	}
	m, err := st.Message(context.Background(), "crm", "c-1")
	if err != nil || m.IncidentID == 0 || !m.PostedAt.Equal(time.Date(2026, 11, 20, 1, 15, 0, 0, time.UTC)) {
		t.Fatalf("stored %+v, %v", m, err)
	}
}

// BenchmarkWebhookLoopback measures signed webhook deliveries of one message each through the real stack (HTTP
// on loopback, the hook, the batching pipeline without text analysis, SQLite in a file) from concurrent senders.
func BenchmarkWebhookLoopback(b *testing.B) {
	st := storetest.OpenSQLiteFile(b)
	e := startB(b, st)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			body := []byte(fmt.Sprintf(`{"messages":[{"external_id":"b-%d","text":"Во дворе дома %d не вывезен мусор"}]}`, i, i))
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/hooks/webhook/crm", bytes.NewReader(body))
			req.Header.Set(webhook.SignatureHeader, webhook.Sign("hmac-key", body))
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
}
