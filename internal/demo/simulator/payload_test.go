package simulator

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/connector/telegram"
	"github.com/otklik/otklik/internal/connector/vk"
)

var (
	testVK = Source{Code: "vk-demo", GroupID: VKDemoGroupID, Secret: "vk-s3cret"}
	testTG = Source{Code: "tg-demo", Secret: "tg-s3cret"}
)

func fixedNow() time.Time { return time.Date(2026, 1, 20, 3, 4, 5, 0, time.UTC) }

// generate draws n payloads, acknowledging each, as a server that accepts everything would.
func generate(t *testing.T, g *Generator, n int) []Payload {
	t.Helper()
	out := make([]Payload, 0, n)
	for range n {
		p, err := g.Next()
		if err != nil {
			t.Fatal(err)
		}
		g.Ack(p)
		out = append(out, p)
	}
	return out
}

var hex40 = regexp.MustCompile(`^[0-9a-f]{40}$`)

// rawComment is what the test reads of a wall comment's object beyond what the connector keeps.
type rawComment struct {
	Object struct {
		ID             int64           `json:"id"`
		PostID         int64           `json:"post_id"`
		ParentsStack   []int64         `json:"parents_stack"`
		ReplyToComment int64           `json:"reply_to_comment"`
		ReplyToUser    int64           `json:"reply_to_user"`
		Thread         json.RawMessage `json:"thread"`
	} `json:"object"`
}

func TestPayloadsRoundTrip(t *testing.T) {
	g := NewGenerator(testVK, testTG, 42, fixedNow)
	payloads := generate(t, g, 3000)
	counts := map[string]int{}
	sentIDs := map[string]Payload{} // external id → the new message sent under it
	events := map[string]bool{}
	comments := map[int64]rawComment{}
	var lastUpdate int64
	for i, p := range payloads {
		switch {
		case p.Redelivery:
			counts["redelivery"]++
			orig, ok := sentIDs[p.ExternalID]
			if !ok {
				t.Fatalf("payload %d: a re-delivery of %s, which was never sent", i, p.ExternalID)
			}
			if !p.Edit && !bytes.Equal(orig.Body, p.Body) {
				t.Errorf("payload %d: a re-delivery differs from the original", i)
			}
		case p.Edit:
			if _, ok := sentIDs[p.ExternalID]; !ok {
				t.Fatalf("payload %d: an edit of %s, which was never sent", i, p.ExternalID)
			}
		default:
			if _, dup := sentIDs[p.ExternalID]; dup {
				t.Fatalf("payload %d: external id %s used twice", i, p.ExternalID)
			}
			sentIDs[p.ExternalID] = p
		}
		switch p.Kind {
		case KindVKWallReplyNew, KindVKWallReplyEdit, KindVKMessageNew:
			if p.Path != "/hooks/vk/vk-demo" || p.Source != "vk-demo" {
				t.Errorf("payload %d: addressed to %s %s", i, p.Source, p.Path)
			}
			ev, err := vk.ParseCallback(p.Body)
			if err != nil {
				t.Fatalf("payload %d (%s): %v\n%s", i, p.Kind, err, p.Body)
			}
			if "vk."+ev.Type != p.Kind || ev.GroupID != VKDemoGroupID || ev.Secret != testVK.Secret || ev.Version != VKAPIVersion {
				t.Errorf("payload %d: envelope %+v", i, ev)
			}
			if !hex40.MatchString(ev.EventID) {
				t.Errorf("payload %d: event id %q", i, ev.EventID)
			}
			if !p.Redelivery {
				if events[ev.EventID] {
					t.Errorf("payload %d: event id %s used twice", i, ev.EventID)
				}
				events[ev.EventID] = true
			}
			m := ev.Message
			if m == nil || ev.FromCommunity {
				t.Fatalf("payload %d: no resident's message: %+v", i, ev)
			}
			if m.ExternalID != p.ExternalID || m.AuthorID != p.AuthorID || m.Text != p.Text || ev.Edit != p.Edit {
				t.Errorf("payload %d: parsed %q by %s %q edit=%v, sent %q by %s %q edit=%v", i,
					m.ExternalID, m.AuthorID, m.Text, ev.Edit, p.ExternalID, p.AuthorID, p.Text, p.Edit)
			}
			if m.Author != "id"+p.AuthorID || !m.PostedAt.Equal(fixedNow()) {
				t.Errorf("payload %d: author %q at %v", i, m.Author, m.PostedAt)
			}
			if p.Kind == KindVKMessageNew {
				counts["vk private"]++
				if m.ThreadID != "pm:"+p.AuthorID || m.ReplyTo == "" {
					t.Errorf("payload %d: private message thread %q reply %q", i, m.ThreadID, m.ReplyTo)
				}
				continue
			}
			var rc rawComment
			if err := json.Unmarshal(p.Body, &rc); err != nil {
				t.Fatal(err)
			}
			c := rc.Object
			wantThread := "wall:-" + strconv.Itoa(VKDemoGroupID) + "_" + strconv.FormatInt(c.PostID, 10)
			if m.ThreadID != wantThread || m.ReplyTo != strconv.FormatInt(c.ID, 10) {
				t.Errorf("payload %d: thread %q reply %q, want %q %d", i, m.ThreadID, m.ReplyTo, wantThread, c.ID)
			}
			if p.Kind == KindVKWallReplyEdit {
				counts["vk comment edit"]++
				continue
			}
			if c.ReplyToComment != 0 {
				counts["vk reply"]++
				parent, ok := comments[c.ReplyToComment]
				if !ok || parent.Object.PostID != c.PostID || len(c.ParentsStack) != 1 || c.Thread != nil {
					t.Errorf("payload %d: a reply to %d under post %d with parents %v, parent known %v", i,
						c.ReplyToComment, c.PostID, c.ParentsStack, ok)
				}
				root := c.ReplyToComment
				if len(parent.Object.ParentsStack) > 0 {
					root = parent.Object.ParentsStack[0]
				}
				if len(c.ParentsStack) == 1 && c.ParentsStack[0] != root {
					t.Errorf("payload %d: parents_stack %v, want [%d]", i, c.ParentsStack, root)
				}
				if !strings.Contains(m.URL, "&thread="+strconv.FormatInt(root, 10)) {
					t.Errorf("payload %d: URL %s keeps no thread", i, m.URL)
				}
			} else {
				counts["vk comment"]++
				if len(c.ParentsStack) != 0 || c.Thread == nil {
					t.Errorf("payload %d: a top-level comment with parents %v thread %s", i, c.ParentsStack, c.Thread)
				}
			}
			comments[c.ID] = rc
		case KindTGMessage, KindTGEditedMessage:
			if p.Path != "/hooks/telegram/tg-demo" || p.Header[TelegramSecretHeader] != testTG.Secret {
				t.Errorf("payload %d: addressed to %s with %v", i, p.Path, p.Header)
			}
			u, err := telegram.ParseUpdate(p.Body)
			if err != nil {
				t.Fatalf("payload %d (%s): %v\n%s", i, p.Kind, err, p.Body)
			}
			if !p.Redelivery {
				if u.UpdateID <= lastUpdate {
					t.Errorf("payload %d: update_id %d after %d", i, u.UpdateID, lastUpdate)
				}
				lastUpdate = u.UpdateID
			}
			m := u.Message
			if u.Ignored || m == nil || "telegram."+u.Kind != p.Kind || u.Edit != p.Edit {
				t.Fatalf("payload %d: parsed %+v", i, u)
			}
			if m.ExternalID != p.ExternalID || m.AuthorID != p.AuthorID || m.Text != p.Text || m.Author == "" {
				t.Errorf("payload %d: parsed %q by %s (%s) %q, sent %q by %s %q", i,
					m.ExternalID, m.AuthorID, m.Author, m.Text, p.ExternalID, p.AuthorID, p.Text)
			}
			if p.Edit {
				counts["tg edit"]++
				continue
			}
			var raw struct {
				Message tgMessage `json:"message"`
			}
			if err := json.Unmarshal(p.Body, &raw); err != nil {
				t.Fatal(err)
			}
			rm := raw.Message
			if rm.Photo != nil {
				counts["tg photo"]++
				if len(m.Attachments) != 1 || m.Attachments[0] != "tg-file:"+rm.Photo[len(rm.Photo)-1].FileID {
					t.Errorf("payload %d: photo attachments %v", i, m.Attachments)
				}
			}
			if rm.Chat.Type == "private" {
				counts["tg private"]++
				if m.ThreadID != "chat:"+p.AuthorID || m.ReplyTo != "" || m.URL != "" {
					t.Errorf("payload %d: private chat thread %q reply %q url %q", i, m.ThreadID, m.ReplyTo, m.URL)
				}
				continue
			}
			wantThread := "chat:" + strconv.FormatInt(SupergroupID, 10) + ":topic:" + strconv.FormatInt(rm.MessageThreadID, 10)
			if m.ThreadID != wantThread || rm.ReplyToMessage == nil {
				t.Errorf("payload %d: group message thread %q, want %q", i, m.ThreadID, wantThread)
				continue
			}
			if rm.ReplyToMessage.MessageID == rm.MessageThreadID {
				counts["tg topic"]++
				if m.ReplyTo != "" {
					t.Errorf("payload %d: a plain topic message parsed as a reply to %s", i, m.ReplyTo)
				}
			} else {
				counts["tg reply"]++
				if m.ReplyTo != strconv.FormatInt(rm.ReplyToMessage.MessageID, 10) || rm.ReplyToMessage.ReplyToMessage != nil {
					t.Errorf("payload %d: reply to %s, sent %d", i, m.ReplyTo, rm.ReplyToMessage.MessageID)
				}
				if _, ok := sentIDs[strconv.FormatInt(SupergroupID, 10)+":"+strconv.FormatInt(rm.ReplyToMessage.MessageID, 10)]; !ok {
					t.Errorf("payload %d: a reply to message %d, which was never sent", i, rm.ReplyToMessage.MessageID)
				}
			}
		default:
			t.Fatalf("payload %d: unknown kind %q", i, p.Kind)
		}
	}
	for _, k := range []string{"vk comment", "vk reply", "vk comment edit", "vk private", "tg private", "tg topic",
		"tg reply", "tg photo", "tg edit", "redelivery"} {
		if counts[k] == 0 {
			t.Errorf("no %s among %d payloads: %v", k, len(payloads), counts)
		}
	}
	t.Logf("payloads: %v", counts)
}

func TestGeneratorIsDeterministic(t *testing.T) {
	a := generate(t, NewGenerator(testVK, testTG, 7, fixedNow), 300)
	b := generate(t, NewGenerator(testVK, testTG, 7, fixedNow), 300)
	c := generate(t, NewGenerator(testVK, testTG, 8, fixedNow), 300)
	same := 0
	for i := range a {
		if !bytes.Equal(a[i].Body, b[i].Body) {
			t.Fatalf("payload %d differs for the same seed", i)
		}
		if bytes.Equal(a[i].Body, c[i].Body) {
			same++
		}
	}
	if same == len(a) {
		t.Error("another seed gave the same sequence")
	}
}

// Without acknowledgements nothing is edited or re-delivered: a real edit or retry follows a delivered original.
func TestNoEditsOfUnacknowledged(t *testing.T) {
	g := NewGenerator(testVK, testTG, 3, fixedNow)
	for i := range 500 {
		p, err := g.Next()
		if err != nil {
			t.Fatal(err)
		}
		if p.Edit || p.Redelivery {
			t.Fatalf("payload %d: %s of an unacknowledged message", i, p.Kind)
		}
	}
}

func TestOneSourceOnly(t *testing.T) {
	for _, tc := range []struct {
		name   string
		vk, tg Source
		prefix string
	}{
		{"vk only", testVK, Source{}, "vk."},
		{"telegram only", Source{}, testTG, "telegram."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i, p := range generate(t, NewGenerator(tc.vk, tc.tg, 11, fixedNow), 400) {
				if !strings.HasPrefix(p.Kind, tc.prefix) {
					t.Fatalf("payload %d: %s", i, p.Kind)
				}
			}
		})
	}
}

func TestBurstsComeTogether(t *testing.T) {
	payloads := generate(t, NewGenerator(testVK, testTG, 5, fixedNow), 1000)
	runs := 0
	for i := 0; i < len(payloads); {
		grp := payloads[i].Group
		if grp == "" || payloads[i].Edit || payloads[i].Redelivery {
			i++
			continue
		}
		j, authors := i, map[string]bool{}
		for j < len(payloads) && payloads[j].Group == grp && !payloads[j].Edit && !payloads[j].Redelivery {
			authors[payloads[j].AuthorID] = true
			j++
		}
		if len(authors) != j-i {
			t.Errorf("burst %s at %d: %d messages from %d authors", grp, i, j-i, len(authors))
		}
		if j-i >= 3 {
			runs++
		}
		i = j
	}
	if runs == 0 {
		t.Error("no burst of three or more messages about one problem in a row")
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"3", 3 * time.Second},
		{" 12 ", 12 * time.Second},
		{"-4", 0},
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http1123), 90 * time.Second},
		{now.Add(-time.Minute).Format(http1123), 0},
	} {
		if got := retryAfter(tc.in, now); got != tc.want {
			t.Errorf("retryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

const http1123 = "Mon, 02 Jan 2006 15:04:05 GMT"

// FuzzRetryAfter feeds arbitrary Retry-After values: the delay is never negative nor beyond the limit, and a
// number of seconds up to a day is taken as it is.
func FuzzRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "5", "-1", "Wed, 21 Oct 2026 07:28:00 GMT", "99999999999999999999", " 7"} {
		f.Add(s)
	}
	now := time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, v string) {
		d := retryAfter(v, now)
		if d < 0 || d > retryAfterLimit {
			t.Fatalf("retryAfter(%q) = %v", v, d)
		}
		if n, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && n >= 0 && n <= 86400 && d != time.Duration(n)*time.Second {
			t.Fatalf("retryAfter(%q) = %v, want %ds", v, d, n)
		}
	})
}
