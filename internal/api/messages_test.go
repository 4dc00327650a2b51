package api

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/store"
)

func TestMessages(t *testing.T) {
	eachBackend(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		batch := []map[string]any{
			msg("m1", "На улице Баумана не горят фонари уже неделю", "", terIrkutsk),
			msg("m2", "В школе №7 холодно в классах", "zhkh.heating", terAngarsk),
			{"source": "telegram", "external_id": "m1", "text": "Тот же номер, но другой источник", "posted_at": "2026-11-09T10:00:00+08:00",
				"author": "Мария", "raw": map[string]any{"update_id": 7}, "attachments": []string{"photo-1.jpg"}},
		}
		res := e.ingest(t, batch...)
		if res.Created != 3 || res.Duplicates != 0 || len(res.Results) != 3 {
			t.Fatalf("first post: %+v", res)
		}
		for i, r := range res.Results {
			if r.Index != i || r.MessageID == 0 || r.IncidentID == 0 || !strings.HasPrefix(r.Number, "38-2026-") {
				t.Fatalf("result %d = %+v", i, r)
			}
		}
		var d IncidentDetail
		e.do(t, "GET", "/api/v1/incidents/"+res.Results[2].Number, "admin", nil).want(t, 200, &d)
		if len(d.Messages) != 1 || d.Messages[0].Author != "Мария" || string(d.Messages[0].Raw) != `{"update_id":7}` ||
			!d.Messages[0].PostedAt.Equal(time.Date(2026, 11, 9, 2, 0, 0, 0, time.UTC)) || d.Incident.Source != "telegram" {
			t.Fatalf("stored message = %+v", d.Messages)
		}
		if len(d.Events) != 1 || d.Events[0].Type != "created" {
			t.Fatalf("events = %+v", d.Events)
		}

		// The same batch again: every message a duplicate, nothing stored.
		before := e.snapshot(t)
		again := e.ingest(t, batch...)
		e.unchanged(t, before)
		if again.Created != 0 || again.Duplicates != 3 {
			t.Fatalf("second post: %+v", again)
		}
		for i, r := range again.Results {
			if !r.Duplicate || r.IncidentID != res.Results[i].IncidentID || r.Number != res.Results[i].Number {
				t.Fatalf("duplicate %d = %+v, first %+v", i, r, res.Results[i])
			}
		}
		// A duplicate within one batch.
		mixed := e.ingest(t, msg("m3", "Сломана скамейка в сквере", "", ""), msg("m3", "Сломана скамейка в сквере", "", ""), batch[0])
		if mixed.Created != 1 || mixed.Duplicates != 2 || mixed.Results[1].IncidentID != mixed.Results[0].IncidentID {
			t.Fatalf("mixed: %+v", mixed)
		}

		good := func(i int) map[string]any {
			return msg(fmt.Sprintf("batch-%d", i), "Не убирают снег во дворе", "", "")
		}
		many := make([]map[string]any, MaxBatch+1)
		for i := range many {
			many[i] = good(i)
		}
		huge := `{"messages":[{"source":"vk","external_id":"h","text":"` + strings.Repeat("ж", MaxMessagesBody/2) + `"}]}`
		cases := []struct {
			name   string
			login  string
			body   any
			status int
			code   string
			field  string
		}{
			{"bad message in the middle", "operator", map[string]any{"messages": []any{good(0), good(1), good(2), msg("x", "  ", "", "")}}, 422, "invalid", "messages[3].text"},
			{"missing source", "operator", map[string]any{"messages": []any{good(0), map[string]any{"external_id": "q", "text": "т"}}}, 422, "invalid", "messages[1].source"},
			{"missing external id", "operator", map[string]any{"messages": []any{map[string]any{"source": "vk", "text": "т"}}}, 422, "invalid", "messages[0].external_id"},
			{"unknown territory", "operator", map[string]any{"messages": []any{good(0), msg("t", "текст", "", "99999999")}}, 422, "invalid", "messages[1].territory"},
			{"unknown category", "operator", map[string]any{"messages": []any{msg("t", "текст", "zhkh.gas", "")}}, 422, "invalid", "messages[0].category"},
			{"unknown field", "operator", map[string]any{"messages": []any{good(0), map[string]any{"source": "vk", "external_id": "u", "text": "т", "txt": "т"}}}, 422, "invalid", "messages[1].txt"},
			{"wrong type", "operator", `{"messages":[{"source":"vk","external_id":"w","text":5}]}`, 422, "invalid", "messages[0].text"},
			{"not an object", "operator", `{"messages":[{"source":"vk","external_id":"w","text":"т"}, 7]}`, 422, "invalid", "messages[1]"},
			{"null message", "operator", `{"messages":[null]}`, 422, "invalid", "messages[0]"},
			{"bad posted_at", "operator", map[string]any{"messages": []any{map[string]any{"source": "vk", "external_id": "p", "text": "т", "posted_at": "вчера"}}}, 422, "invalid", "messages[0].posted_at"},
			{"too long text", "operator", map[string]any{"messages": []any{msg("l", strings.Repeat("a", 16001), "", "")}}, 422, "invalid", "messages[0].text"},
			{"too many", "operator", map[string]any{"messages": many}, 422, "invalid", "messages"},
			{"empty batch", "operator", `{"messages":[]}`, 422, "invalid", "messages"},
			{"empty body", "operator", ``, 422, "invalid", "messages"},
			{"a single message, not a batch", "operator", good(0), 422, "invalid", "external_id"},
			{"unknown top-level field", "operator", `{"messages":[],"dry_run":true}`, 422, "invalid", "dry_run"},
			{"malformed JSON", "operator", `{"messages":[{"source":"vk",`, 400, "invalid_json", ""},
			{"oversize", "operator", huge + strings.Repeat(" ", 1), 413, "too_large", ""},
			{"executor may not post", "exec-a", map[string]any{"messages": []any{good(0)}}, 403, "forbidden", ""},
			{"supervisor may not post", "supervisor", map[string]any{"messages": []any{good(0)}}, 403, "forbidden", ""},
			{"moderator may not post", "moderator", map[string]any{"messages": []any{good(0)}}, 403, "forbidden", ""},
			{"no token", "", map[string]any{"messages": []any{good(0)}}, 401, "unauthorized", ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				e.refused(t, "POST", "/api/v1/messages", c.login, c.body, c.status, c.code, c.field)
				if _, err := st.Message(t.Context(), "vk", "batch-0"); err == nil {
					t.Fatal("a message of the refused batch was stored")
				}
			})
		}
		// A full batch of the maximum size goes through (just under 8 MiB would too; the limit is on bytes).
		ok := e.ingest(t, many[:MaxBatch]...)
		if ok.Created != MaxBatch {
			t.Fatalf("max batch: %d created", ok.Created)
		}
		// The admin may post too.
		e.do(t, "POST", "/api/v1/messages", "admin", map[string]any{"messages": []any{msg("adm-1", "Просьба отремонтировать крыльцо поликлиники", "", "")}}).want(t, 200, nil)
	})
}
