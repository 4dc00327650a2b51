package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

func TestTriageReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
		open := func(n int, status model.Status, data string) store.IngestItem {
			it := store.IngestItem{
				Message: model.Message{Source: "vk", ExternalID: fmt.Sprintf("tr-%d", n), Author: fmt.Sprintf("Житель %d", n),
					URL: fmt.Sprintf("https://vk.example/%d", n), Text: fmt.Sprintf("Сообщение номер %d про двор", n), PostedAt: at, ReceivedAt: at},
				Incident: &model.Incident{Number: "38-2026-", RegionID: region, Status: status, Priority: model.PriorityNormal,
					Summary: fmt.Sprintf("двор %d", n), Source: "vk", CreatedAt: at, UpdatedAt: at},
			}
			if data != "" {
				it.Events = []model.Event{{Actor: "system", Type: "created", Data: []byte(data), At: at}}
			}
			return it
		}
		res, err := st.Ingest(ctx, []store.IngestItem{
			open(1, model.StatusNew, `{"routing":{"executor":"uk-1"}}`),
			open(2, model.StatusAssigned, `{"analysis":{"appeal":true}}`),
			open(3, model.StatusNew, ""),
			open(4, model.StatusNew, `{"n":4}`),
		})
		if err != nil {
			t.Fatal(err)
		}
		// A second message joins the first incident: the queue still shows the first one.
		if _, err := st.Ingest(ctx, []store.IngestItem{{
			Message:      model.Message{Source: "vk", ExternalID: "tr-1b", Text: "И ещё одно сообщение", PostedAt: at.Add(time.Hour), ReceivedAt: at.Add(time.Hour)},
			JoinIncident: res[0].IncidentID,
		}}); err != nil {
			t.Fatal(err)
		}
		ids := []int64{res[0].IncidentID, res[1].IncidentID, res[2].IncidentID, res[3].IncidentID}

		msgs, err := st.FirstMessages(ctx, append(ids, 999999))
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 4 {
			t.Fatalf("first messages of %d incidents, want 4: %+v", len(msgs), msgs)
		}
		if m := msgs[ids[0]]; m.Source != "vk" || m.Author != "Житель 1" || m.URL != "https://vk.example/1" || m.Text != "Сообщение номер 1 про двор" {
			t.Errorf("first message of incident 1: %+v", m)
		}
		if m := msgs[ids[3]]; m.Text != "Сообщение номер 4 про двор" {
			t.Errorf("first message of incident 4: %+v", m)
		}
		if m, err := st.FirstMessages(ctx, nil); err != nil || len(m) != 0 {
			t.Errorf("no ids: %v %v", m, err)
		}

		data, err := st.CreatedEventData(ctx, ids)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) != 3 || data[ids[0]] != `{"routing":{"executor":"uk-1"}}` || data[ids[1]] != `{"analysis":{"appeal":true}}` || data[ids[3]] != `{"n":4}` {
			t.Errorf("created data %v", data)
		}
		if _, ok := data[ids[2]]; ok {
			t.Errorf("incident 3 has no created event, got %q", data[ids[2]])
		}

		got, err := st.NewIncidentIDs(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{ids[0], ids[2], ids[3]}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("new incidents %v, want %v (oldest first, assigned left out)", got, want)
		}
		if got, err := st.NewIncidentIDs(ctx, ids[0], 1); err != nil || len(got) != 1 || got[0] != ids[2] {
			t.Errorf("after the first, at most one: %v %v", got, err)
		}
		if got, err := st.NewIncidentIDs(ctx, ids[3], 10); err != nil || len(got) != 0 {
			t.Errorf("after the last: %v %v", got, err)
		}
	})
}

// TestTriageReadsManyIDs reads more ids than one IN list holds.
func TestTriageReadsManyIDs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		region, err := st.PutRegion(ctx, model.Region{Code: "38", Name: "Иркутская область", TimeZone: "Asia/Irkutsk"})
		if err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 11, 20, 3, 0, 0, 0, time.UTC)
		var items []store.IngestItem
		for i := range 1203 {
			items = append(items, store.IngestItem{
				Message: model.Message{Source: "tg", ExternalID: fmt.Sprint(i), Text: "текст", PostedAt: at, ReceivedAt: at},
				Incident: &model.Incident{Number: "38-2026-", RegionID: region, Status: model.StatusNew, Priority: model.PriorityNormal,
					Summary: "текст", Source: "tg", CreatedAt: at, UpdatedAt: at},
				Events: []model.Event{{Actor: "system", Type: "created", Data: []byte(fmt.Sprintf(`{"i":%d}`, i)), At: at}},
			})
		}
		res, err := st.Ingest(ctx, items)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]int64, len(res))
		for i, r := range res {
			ids[i] = r.IncidentID
		}
		msgs, err := st.FirstMessages(ctx, ids)
		if err != nil || len(msgs) != len(ids) {
			t.Fatalf("first messages: %d of %d, %v", len(msgs), len(ids), err)
		}
		data, err := st.CreatedEventData(ctx, ids)
		if err != nil || len(data) != len(ids) || data[ids[1202]] != `{"i":1202}` {
			t.Fatalf("created data: %d of %d, %v", len(data), len(ids), err)
		}
	})
}
