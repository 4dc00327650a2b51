package simulator_test

import (
	"context"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/demo/simulator"
)

func BenchmarkGeneratorNext(b *testing.B) {
	g := simulator.NewGenerator(simulator.Source{Code: "vk-demo", GroupID: simulator.VKDemoGroupID, Secret: "s"},
		simulator.Source{Code: "tg-demo", Secret: "t"}, 1, nil)
	var bytes int64
	for b.Loop() {
		p, err := g.Next()
		if err != nil {
			b.Fatal(err)
		}
		g.Ack(p)
		bytes += int64(len(p.Body))
	}
	b.ReportMetric(float64(bytes)/float64(b.N), "B/payload")
}

// BenchmarkThroughRealHooks measures payloads per second from the simulator through the real hooks, the ingest
// pipeline (shipped analyzer and topic model) and in-memory SQLite, over loopback HTTP with 16 requests in flight.
func BenchmarkThroughRealHooks(b *testing.B) {
	s := startB(b)
	sim := &simulator.Simulator{BaseURL: s.srv.URL, VK: s.vk, Telegram: s.tg, Rate: 1e6, Seed: 3, Max: b.N, Workers: 16,
		HTTP: s.srv.Client(), Logger: quiet}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	b.ResetTimer()
	start := time.Now()
	if err := sim.Run(ctx); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	if st := sim.Stats(); st.Acked != int64(b.N) {
		b.Fatalf("stats %+v after %d payloads", st, b.N)
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "payloads/s")
}
