package telegram

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

func FuzzParseUpdate(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join(fixtureDir, "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{forumReply, forumTopicRoot, groupReply, photoCaption, photoOnly, locationOnly,
		newMembers, callbackQuery, anonymousAdmin, otherBot, editedChannelPost} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		u, err := ParseUpdate(body)
		if err != nil {
			return
		}
		if u.UpdateID <= 0 {
			t.Fatalf("update id %d accepted", u.UpdateID)
		}
		if u.Ignored != (u.Message == nil) {
			t.Fatalf("ignored %v with message %v", u.Ignored, u.Message)
		}
		m := u.Message
		if m == nil {
			return
		}
		if m.ExternalID == "" || !json.Valid(m.Raw) || (m.Text == "" && len(m.Attachments) == 0) {
			t.Fatalf("bad message %+v", m)
		}
		if _, _, _, err := ReplyTarget(*m); err != nil {
			t.Fatalf("no reply target for %q / %q: %v", m.ThreadID, m.ExternalID, err)
		}
	})
}
