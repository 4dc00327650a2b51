package simulator_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/demo/seed"
	"github.com/otklik/otklik/internal/demo/simulator"
	"github.com/otklik/otklik/internal/hooks"
	"github.com/otklik/otklik/internal/ingest"
	nlpmodel "github.com/otklik/otklik/internal/nlp/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
	"github.com/otklik/otklik/internal/workflow"
)

var quiet = slog.New(slog.DiscardHandler)

// stack is the real server side: the demo region, the demo sources, the ingest pipeline with the shipped
// analyzer and topic model, and the hooks, behind a handler that answers `busy` requests after the first (the
// VK confirmation handshake) with 503 and Retry-After.
type stack struct {
	st      *store.Store
	srv     *httptest.Server
	vk, tg  simulator.Source
	calls   atomic.Int64
	refused atomic.Int64
}

func start(t *testing.T, busy int64) *stack { return startWith(t, busy) }

func startB(b *testing.B) *stack { return startWith(b, 0) }

func startWith(t testing.TB, busy int64) *stack {
	t.Helper()
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	if _, err := seed.Seed(ctx, st, seed.Options{ReferenceOnly: true}); err != nil {
		t.Fatal(err)
	}
	vk, tg, err := simulator.EnsureSources(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	topics, err := nlpmodel.Base()
	if err != nil {
		t.Fatal(err)
	}
	an, err := ingest.DefaultAnalyzer(topics)
	if err != nil {
		t.Fatal(err)
	}
	pipe := ingest.New(workflow.New(st), an, ingest.Config{}, quiet)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { pipe.Run(runCtx); close(done) }()
	mux := http.NewServeMux()
	hooks.New(st, pipe, quiet).Register(mux)
	s := &stack{st: st, vk: vk, tg: tg}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n := s.calls.Add(1); n > 1 && n <= 1+busy {
			s.refused.Add(1)
			w.Header().Set("Retry-After", "1")
			http.Error(w, "overloaded, retry later", http.StatusServiceUnavailable)
			return
		}
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { s.srv.Close(); stop(); <-done })
	return s
}

func (s *stack) count(t *testing.T, table string) int {
	t.Helper()
	n, err := s.st.CountRows(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSimulatorThroughTheRealHooks(t *testing.T) {
	const busy, max = 3, 160
	s := start(t, busy)
	var mu sync.Mutex
	var acked []simulator.Payload
	sim := &simulator.Simulator{BaseURL: s.srv.URL, VK: s.vk, Telegram: s.tg, Rate: 2000, Seed: 1, Max: max,
		HTTP: s.srv.Client(), OnAck: func(p simulator.Payload) { mu.Lock(); acked = append(acked, p); mu.Unlock() }}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	incidentsBefore := s.count(t, "incidents")
	if err := sim.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if ctx.Err() != nil {
		t.Fatal("the simulator did not finish in time")
	}
	st := sim.Stats()
	t.Logf("stats: %+v", st)
	if st.Sent != max || st.Acked != max || st.Refused != 0 || st.New+st.Edits+st.Redeliveries != st.Acked {
		t.Errorf("stats %+v: want %d sent and acknowledged", st, max)
	}
	if st.Retried < busy || s.refused.Load() != busy {
		t.Errorf("the server refused %d requests with 503, the simulator retried %d", s.refused.Load(), st.Retried)
	}
	if st.Edits == 0 || st.Redeliveries == 0 {
		t.Errorf("the run had no edits or no re-deliveries: %+v", st)
	}

	// Every new message is stored exactly once: re-deliveries and edits add nothing.
	if got := s.count(t, "messages"); int64(got) != st.New {
		t.Errorf("%d messages stored, %d new ones acknowledged", got, st.New)
	}
	ctxb := context.Background()
	incidentOf := map[string]map[int64]int{} // burst group → incident → messages
	for _, p := range acked {
		m, err := s.st.Message(ctxb, p.Source, p.ExternalID)
		if err != nil {
			t.Errorf("%s %s: %v", p.Kind, p.ExternalID, err)
			continue
		}
		if p.Edit && m.Text != p.Text {
			t.Errorf("%s: the edit was not applied: %q", p.ExternalID, m.Text)
		}
		if m.AuthorID != p.AuthorID {
			t.Errorf("%s: author %s, sent %s", p.ExternalID, m.AuthorID, p.AuthorID)
		}
		if p.Group != "" && !p.Edit && !p.Redelivery && m.IncidentID != 0 {
			if incidentOf[p.Group] == nil {
				incidentOf[p.Group] = map[int64]int{}
			}
			incidentOf[p.Group][m.IncidentID]++
		}
	}
	if got := s.count(t, "incidents") - incidentsBefore; got == 0 || int64(got) >= st.New {
		t.Errorf("%d incidents for %d messages: nothing merged", got, st.New)
	}
	merged := 0
	for grp, incs := range incidentOf {
		for id, n := range incs {
			if n >= 2 {
				merged++
				t.Logf("burst %s: %d messages in incident %d (of %d incidents)", grp, n, id, len(incs))
			}
		}
	}
	if merged == 0 {
		t.Errorf("no burst about one problem merged into one incident: %v", incidentOf)
	}
	var biggest int
	if err := s.st.DB().QueryRowContext(ctxb, `SELECT MAX(message_count) FROM incidents`).Scan(&biggest); err != nil {
		t.Fatal(err)
	}
	if biggest < 2 {
		t.Errorf("the largest incident holds %d messages", biggest)
	}
}

func TestEnsureSourcesIsIdempotent(t *testing.T) {
	ctx := context.Background()
	st := storetest.OpenSQLite(t)
	vk1, tg1, err := simulator.EnsureSources(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	vk2, tg2, err := simulator.EnsureSources(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if vk1 != vk2 || tg1 != tg2 {
		t.Errorf("a second call changed the sources: %+v %+v, then %+v %+v", vk1, tg1, vk2, tg2)
	}
	if vk1.Code != simulator.VKDemoCode || vk1.GroupID != simulator.VKDemoGroupID || vk1.Secret == "" || vk1.Confirmation == "" ||
		tg1.Code != simulator.TelegramDemoCode || tg1.Secret == "" {
		t.Errorf("sources %+v %+v", vk1, tg1)
	}
	srcs, err := st.Sources(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(srcs) != 2 {
		t.Fatalf("%d sources, want 2", len(srcs))
	}
	for _, src := range srcs {
		if !src.Enabled || (src.Kind == "vk" && src.Territory != simulator.DemoTerritory) {
			t.Errorf("source %+v", src)
		}
	}
	// A source of the demo's code but another kind is not taken over.
	if _, err := st.PutSource(ctx, store.Source{Code: simulator.TelegramDemoCode, Kind: "webhook", Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := simulator.EnsureSources(ctx, st); err == nil {
		t.Error("a webhook source named tg-demo was taken for the Telegram one")
	}
}

// A server that refuses a message with a definite 4xx is not retried; the message counts as refused.
func TestWrongSecretIsRefusedNotRetried(t *testing.T) {
	s := start(t, 0)
	vk := s.vk
	vk.Secret = "wrong"
	vk.Confirmation = ""
	sim := &simulator.Simulator{BaseURL: s.srv.URL, VK: vk, Rate: 2000, Seed: 2, Max: 10, HTTP: s.srv.Client(), Logger: quiet}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sim.Run(ctx); err != nil {
		t.Fatal(err)
	}
	st := sim.Stats()
	if st.Sent != 10 || st.Refused != 10 || st.Acked != 0 || st.Retried != 0 {
		t.Errorf("stats %+v: want 10 refused, none retried", st)
	}
	if n := s.count(t, "messages"); n != 0 {
		t.Errorf("%d messages stored with a wrong secret", n)
	}
}

// The confirmation handshake fails loudly when the server answers another string.
func TestConfirmationMismatch(t *testing.T) {
	s := start(t, 0)
	vk := s.vk
	vk.Confirmation = "not-it"
	sim := &simulator.Simulator{BaseURL: s.srv.URL, VK: vk, Rate: 10, Max: 1, HTTP: s.srv.Client(), Logger: quiet}
	if err := sim.Run(context.Background()); err == nil {
		t.Error("a wrong confirmation string passed")
	}
}

// A network failure (the server is down, then comes up) is retried until the payload is acknowledged.
func TestRetriesNetworkErrors(t *testing.T) {
	var calls atomic.Int64
	var up atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if !up.Load() {
			// Drop the connection without an answer, as a crashing server does.
			hj, ok := w.(http.Hijacker)
			if !ok {
				t.Error("no hijacker")
				return
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
			if calls.Load() >= 3 {
				up.Store(true)
			}
			return
		}
		_, _ = w.Write([]byte("ok"))
	}))
	defer srv.Close()
	sim := &simulator.Simulator{BaseURL: srv.URL, Telegram: simulator.Source{Code: "tg", Secret: "x"}, Rate: 100,
		Max: 1, Workers: 1, HTTP: srv.Client(), MaxBackoff: 50 * time.Millisecond}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := sim.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if st := sim.Stats(); st.Acked != 1 || st.Retried < 3 {
		t.Errorf("stats %+v after %d calls: want the payload acknowledged after retries", st, calls.Load())
	}
}

// Run stops when its context ends, with requests in flight abandoned rather than waited for.
func TestRunStopsWithContext(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(block)
	sim := &simulator.Simulator{BaseURL: srv.URL, Telegram: simulator.Source{Code: "tg", Secret: "x"}, Rate: 1000, HTTP: srv.Client()}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for sim.Stats().Sent < simulator.DefaultWorkers {
			time.Sleep(time.Millisecond)
		}
		cancel()
	}()
	if err := sim.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if st := sim.Stats(); st.Acked != 0 || st.Sent < simulator.DefaultWorkers {
		t.Errorf("stats %+v", st)
	}
}

func TestBadConfiguration(t *testing.T) {
	for _, tc := range []struct {
		name string
		sim  *simulator.Simulator
	}{
		{"no url", &simulator.Simulator{Rate: 1, Telegram: simulator.Source{Code: "tg"}}},
		{"no rate", &simulator.Simulator{BaseURL: "http://x", Telegram: simulator.Source{Code: "tg"}}},
		{"no source", &simulator.Simulator{BaseURL: "http://x", Rate: 1}},
		{"vk without group", &simulator.Simulator{BaseURL: "http://x", Rate: 1, VK: simulator.Source{Code: "vk"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.sim.Run(context.Background()); err == nil {
				t.Error("accepted")
			}
		})
	}
}
