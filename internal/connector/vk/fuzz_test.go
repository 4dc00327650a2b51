package vk

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseCallback(f *testing.F) {
	if files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.json")); len(files) > 0 {
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	for _, s := range []string{oldMessageNew, oldMessageNoCMID, replyEdit, boardPostBody, communityComment,
		userWallPost, `{"type":"confirmation","group_id":1}`, `{"type":"wall_post_new","object":{"id":1,"owner_id":-1,"attachments":[{"type":"photo","photo":{"sizes":[]}}]}}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := ParseCallback(body)
		if err != nil {
			return
		}
		if ev.Type == "" {
			t.Fatal("event without type")
		}
		m := ev.Message
		if m == nil {
			return
		}
		if m.ExternalID == "" || m.Source != SourceKind || !json.Valid(m.Raw) {
			t.Fatalf("bad message %+v", m)
		}
		if _, err := ParseTarget(m.ThreadID, m.ReplyTo); err != nil {
			t.Fatalf("unpublishable message %q / %q: %v", m.ThreadID, m.ReplyTo, err)
		}
	})
}
