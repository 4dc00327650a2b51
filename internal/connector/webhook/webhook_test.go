package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/otklik/otklik/internal/connector"
	"github.com/otklik/otklik/internal/model"
)

type recorder struct {
	got [][]model.Message
	err error
}

func (r *recorder) Accept(_ context.Context, msgs []model.Message) error {
	if r.err != nil {
		return r.err
	}
	r.got = append(r.got, msgs)
	return nil
}

func TestHandler(t *testing.T) {
	const secret = "s3cret"
	good := `{"messages":[{"external_id":"a1","text":"Не вывезли мусор на Ленина, 5"},{"source":"crm","external_id":"a2","text":"Яма во дворе"}]}`
	tests := []struct {
		name     string
		body     string
		sig      string
		sinkErr  error
		status   int
		field    string
		accepted int
	}{
		{"signed delivery", good, Sign(secret, []byte(good)), nil, 200, "", 2},
		{"no signature", good, "", nil, 401, SignatureHeader, 0},
		{"wrong signature", good, Sign("other", []byte(good)), nil, 401, SignatureHeader, 0},
		{"garbage signature", good, "sha256=zz", nil, 401, SignatureHeader, 0},
		{"malformed JSON", `{"messages":[`, Sign(secret, []byte(`{"messages":[`)), nil, 422, "body", 0},
		{"missing text", `{"messages":[{"external_id":"a"}]}`, Sign(secret, []byte(`{"messages":[{"external_id":"a"}]}`)), nil, 422, "messages[0].text", 0},
		{"foreign source", `{"messages":[{"source":"vk","external_id":"a","text":"x"}]}`, Sign(secret, []byte(`{"messages":[{"source":"vk","external_id":"a","text":"x"}]}`)), nil, 422, "messages[0].source", 0},
		{"empty", `{"messages":[]}`, Sign(secret, []byte(`{"messages":[]}`)), nil, 422, "messages", 0},
		{"overloaded", good, Sign(secret, []byte(good)), connector.Overloaded(0), 503, "", 0},
		{"store failure", good, Sign(secret, []byte(good)), errors.New("disk full"), 500, "", 0},
	}
	for _, tt := range tests {
		rec := &recorder{err: tt.sinkErr}
		h := Handler(Config{Source: "crm", Secret: secret}, rec)
		req := httptest.NewRequest(http.MethodPost, "/hooks/webhook/crm", strings.NewReader(tt.body))
		if tt.sig != "" {
			req.Header.Set(SignatureHeader, tt.sig)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tt.status {
			t.Errorf("%s: status %d, want %d (%s)", tt.name, w.Code, tt.status, w.Body)
		}
		if tt.field != "" && !strings.Contains(w.Body.String(), `"field":"`+tt.field+`"`) {
			t.Errorf("%s: body %s does not name %s", tt.name, w.Body, tt.field)
		}
		n := 0
		for _, b := range rec.got {
			n += len(b)
			for _, m := range b {
				if m.Source != "crm" || m.ReceivedAt.IsZero() {
					t.Errorf("%s: message %+v", tt.name, m)
				}
			}
		}
		if n != tt.accepted {
			t.Errorf("%s: sink got %d messages, want %d", tt.name, n, tt.accepted)
		}
		if tt.status == 503 && w.Header().Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After", tt.name)
		}
	}
	if Verify("", []byte("x"), Sign("", []byte("x"))) {
		t.Error("an empty secret verified")
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"messages":[{"external_id":"a1","text":"Нет света"}]}`))
	f.Add([]byte(`{"messages":[{"external_id":"","text":""}]}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		msgs, err := Parse(body, "crm")
		if err != nil {
			return
		}
		for _, m := range msgs {
			if m.Source != "crm" || strings.TrimSpace(m.ExternalID) == "" || strings.TrimSpace(m.Text) == "" {
				t.Fatalf("accepted %+v", m)
			}
		}
	})
}
