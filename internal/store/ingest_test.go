package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// TestIngestBatchDecisions checks that a batch decided in memory and written with multi-row statements ends the
// same way as the items stored one by one: re-deliveries, repeats, edits and joins inside one batch and against
// stored messages.
func TestIngestBatchDecisions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		f := seed(t, st)
		msg := func(ext, author, text string, at time.Duration) model.Message {
			return model.Message{Source: "vk", ExternalID: ext, AuthorID: author, Text: text, PostedAt: f.base.Add(at), ReceivedAt: f.base.Add(at)}
		}
		open := func(m model.Message) store.IngestItem {
			it := f.item(0, "vk", f.terA, f.catHeat, 0, model.StatusNew, m.Text)
			it.Message, it.DedupeAuthor, it.DedupeWindow = m, true, 6*time.Hour
			return it
		}
		// The first batch stores two incidents; the second exercises every case against them and inside itself.
		first, err := st.Ingest(ctx, []store.IngestItem{open(msg("1", "a", "Нет отопления в доме 5", 0)), open(msg("2", "b", "Яма у школы", time.Hour))})
		if err != nil {
			t.Fatal(err)
		}
		edit := msg("2", "b", "Яма у школы номер 3", 2*time.Hour)
		edit.Edited = true
		editPending := msg("10", "c", "Не горит фонарь на улице Ленина", 3*time.Hour)
		editPending.Edited = true
		items := []store.IngestItem{
			/* 0 */ open(msg("1", "a", "Нет отопления в доме 5", 0)), // re-delivery of a stored message
			/* 1 */ open(msg("3", "a", "нет  отопления в доме 5", 2*time.Hour)), // the same author's text again: a repeat
			/* 2 */ open(msg("4", "a", "Нет отопления в доме 5", 30*time.Hour)), // outside the window: a new incident
			/* 3 */ {Message: msg("5", "d", "И у нас в доме холодно", 3*time.Hour), JoinIncident: first[0].IncidentID},
			/* 4 */ {Message: msg("6", "e", "Тоже нет отопления", 3*time.Hour), JoinItem: 3}, // joins the incident opened by item 2
			/* 5 */ {Message: msg("7", "f", "Присоединяюсь", 3*time.Hour), JoinItem: 1}, // item 0 belongs to a stored incident
			/* 6 */ {Message: edit},
			/* 7 */ open(msg("10", "c", "Не горит фонарь", 3*time.Hour)),
			/* 8 */ {Message: editPending},
			/* 9 */ open(msg("10", "c", "Не горит фонарь", 3*time.Hour)), // re-delivery inside the batch
			/* 10 */ {Message: msg("11", "g", "Просто сообщение", 3*time.Hour)},
			/* 11 */ open(msg("12", "h", "Сломана скамейка", 4*time.Hour)),
			/* 12 */ open(msg("13", "h", "Сломана скамейка", 4*time.Hour)), // a repeat inside the batch
		}
		res, err := st.Ingest(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		check := func(i int, dup, rep, edited bool, inc int64) {
			t.Helper()
			r := res[i]
			if r.Duplicate != dup || r.Repeat != rep || r.Edited != edited || (inc >= 0 && r.IncidentID != inc) || r.MessageID == 0 {
				t.Errorf("item %d = %+v; want duplicate %v, repeat %v, edited %v, incident %d", i, r, dup, rep, edited, inc)
			}
		}
		check(0, true, false, false, first[0].IncidentID)
		check(1, false, true, false, first[0].IncidentID)
		check(2, false, false, false, -1)
		check(3, false, false, false, first[0].IncidentID)
		check(4, false, false, false, res[2].IncidentID)
		check(5, false, false, false, first[0].IncidentID)
		check(6, false, false, true, first[1].IncidentID)
		check(7, false, false, false, -1)
		check(8, false, false, true, res[7].IncidentID)
		check(9, true, false, false, res[7].IncidentID)
		check(10, false, false, false, 0)
		check(12, false, true, false, res[11].IncidentID)
		if res[1].MessageID != first[0].MessageID || res[9].MessageID != res[7].MessageID || res[12].MessageID != res[11].MessageID {
			t.Errorf("repeats and re-deliveries must point at the first message: %+v", res)
		}
		if res[2].IncidentID == first[0].IncidentID || res[2].Number == "" || res[4].Number != res[2].Number || res[5].Number != first[0].Number {
			t.Errorf("numbers: %+v", res)
		}
		counts := map[int64]int{first[0].IncidentID: 3, res[2].IncidentID: 2, first[1].IncidentID: 1, res[7].IncidentID: 1}
		for id, want := range counts {
			inc, err := st.Incident(ctx, id)
			if err != nil || inc.MessageCount != want {
				t.Errorf("incident %d: %d messages, %v; want %d", id, inc.MessageCount, err, want)
			}
		}
		m, err := st.Message(ctx, "vk", "2")
		if err != nil || m.Text != "Яма у школы номер 3" {
			t.Errorf("edited stored message = %q, %v", m.Text, err)
		}
		m, err = st.Message(ctx, "vk", "10")
		if err != nil || m.Text != "Не горит фонарь на улице Ленина" {
			t.Errorf("message edited in its own batch = %q, %v", m.Text, err)
		}
		n, _ := st.CountRows(ctx, "messages")
		if n != 2+7 { // the stored 1 and 2, then 4, 5, 6, 7, 10, 11 and 12; re-deliveries, repeats and edits add none
			t.Errorf("%d messages stored", n)
		}
		page, err := st.ListIncidents(ctx, store.IncidentFilter{Query: "ленина"})
		if err != nil || len(page.Items) != 1 || page.Items[0].ID != res[7].IncidentID {
			t.Errorf("an edit's words find its incident: %+v, %v", page.Items, err)
		}
		// The whole batch again changes nothing.
		again, err := st.Ingest(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		if n2, _ := st.CountRows(ctx, "messages"); n2 != n {
			t.Errorf("a batch delivered twice stored %d more messages", n2-n)
		}
		for i, r := range again {
			if r.MessageID != res[i].MessageID && !items[i].Message.Edited {
				t.Errorf("item %d delivered again = %+v, first %+v", i, r, res[i])
			}
		}
	})
}
