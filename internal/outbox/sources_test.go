package outbox_test

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/outbox"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// TestSourceDestinations: sources are read when a job needs them, so one configured (or given a token) while the
// server runs publishes without a restart; one without a token publishes nowhere of its own.
func TestSourceDestinations(t *testing.T) {
	st := storetest.OpenSQLite(t)
	ctx := context.Background()
	fake := httptest.NewServer(&fakeVK{byGUID: map[string]int64{}})
	t.Cleanup(fake.Close)
	res := &outbox.SourceDestinations{Store: st, TTL: time.Nanosecond}
	tests := []struct {
		name   string
		put    *store.Source
		source string
		want   string // "vk", "telegram" or "" for none
	}{
		{"unknown source", nil, "nowhere", ""},
		{"vk without a token", &store.Source{Code: "vk-a", Kind: "vk", Name: "VK", Enabled: true, Config: store.SourceConfig{GroupID: 1}}, "vk-a", ""},
		{"the same source given a token later", &store.Source{Code: "vk-a", Kind: "vk", Name: "VK", Enabled: true,
			Config: store.SourceConfig{GroupID: 1, Token: "vk-token", APIBase: fake.URL}}, "vk-a", "vk"},
		{"telegram with a token", &store.Source{Code: "tg", Kind: "telegram", Name: "TG", Enabled: true, Config: store.SourceConfig{Token: "123:abc"}}, "tg", "telegram"},
		{"the reception", &store.Source{Code: "reception", Kind: "reception", Name: "Приёмная", Enabled: true}, "reception", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.put != nil {
				if _, err := st.PutSource(ctx, *tt.put); err != nil {
					t.Fatal(err)
				}
			}
			d, ok, err := res.Destination(ctx, tt.source)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			switch d.(type) {
			case outbox.VK:
				got = "vk"
			case outbox.Telegram:
				got = "telegram"
			}
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("destination %T (%v), want %q", d, ok, tt.want)
			}
		})
	}
}
