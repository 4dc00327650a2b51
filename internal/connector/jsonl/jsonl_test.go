package jsonl

import (
	"strings"
	"testing"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
		check   func(t *testing.T, src, id, text string)
	}{
		{in: `{"source":"vk","external_id":"1","text":"Нет воды","posted_at":"2026-11-20T09:15:00+08:00"}`},
		{in: `{"source":"vk","external_id":"1","text":"x","colour":"red"}`, wantErr: `unknown field "colour"`},
		{in: `{"source":"vk"`, wantErr: "invalid JSON"},
		{in: `{"source":1}`, wantErr: "invalid JSON"},
		{in: `{"source":"vk"} {"source":"tg"}`, wantErr: "more than one value"},
		{in: `{"source":"vk","external_id":"1","text":"x","posted_at":"вчера"}`, wantErr: "invalid JSON"},
	}
	for _, tt := range tests {
		m, err := ParseLine([]byte(tt.in))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("ParseLine(%s) err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || m.Source != "vk" || m.PostedAt.Hour() != 1 {
			t.Errorf("ParseLine(%s) = %+v, %v", tt.in, m, err)
		}
	}
}

func FuzzParseLine(f *testing.F) {
	f.Add([]byte(`{"source":"vk","external_id":"1","text":"Нет воды"}`))
	f.Add([]byte(`{"raw":{"a":[1,{"b":null}]},"attachments":["x"]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseLine(b)
		if err != nil && (m.Source != "" || m.Text != "") {
			t.Fatal("a failed parse returned data")
		}
	})
}
