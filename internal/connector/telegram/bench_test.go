package telegram

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

func BenchmarkParseUpdate(b *testing.B) {
	body := []byte(forumReply)
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if _, err := ParseUpdate(body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandlerLoopback measures updates per second through the real webhook over loopback HTTP with a sink
// that accepts at once: the connector's own ceiling, before the ingest pipeline.
func BenchmarkHandlerLoopback(b *testing.B) {
	sink := connector.SinkFunc(func(context.Context, []model.Message) error { return nil })
	srv := httptest.NewServer(Handler(Config{Secret: "s3"}, sink))
	defer srv.Close()
	client := srv.Client()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(forumReply))
			req.Header.Set(SecretHeader, "s3")
			resp, err := client.Do(req)
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
