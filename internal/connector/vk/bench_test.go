package vk

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

func BenchmarkParseCallback(b *testing.B) {
	body := []byte(replyEdit)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseCallback(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlerLoopback measures events per second through the real hook over loopback HTTP with a sink that
// accepts at once: the connector's own ceiling, before the ingest pipeline.
func BenchmarkHandlerLoopback(b *testing.B) {
	sink := connector.SinkFunc(func(context.Context, []model.Message) error { return nil })
	srv := httptest.NewServer(Handler(Config{GroupID: 77, Secret: "s3"}, sink))
	defer srv.Close()
	client := srv.Client()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Post(srv.URL, "application/json", strings.NewReader(replyEdit))
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}
