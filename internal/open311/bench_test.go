package open311_test

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// BenchmarkRequests lists Open311 requests at 100,000 incidents of which one in a hundred came through Open311
// (about 1,000 in the 90-day window): the public list, filtered by service and status, and, as the baseline in
// the same run, the store's newest page of 500 incidents of every source.
func BenchmarkRequests(b *testing.B) {
	const n = 100_000
	for _, backend := range []string{"sqlite", "postgres"} {
		b.Run(backend, func(b *testing.B) {
			var st *store.Store
			if backend == "sqlite" {
				st = storetest.OpenSQLiteFile(b)
			} else {
				if os.Getenv(storetest.EnvPostgres) == "" {
					b.Skipf("set %s=postgres://… to run against PostgreSQL", storetest.EnvPostgres)
				}
				st = storetest.OpenPostgres(b)
			}
			e := newEnv(b, st)
			fill(b, e, n)
			ctx := context.Background()
			b.Run("baseline store page of 500", func(b *testing.B) {
				for b.Loop() {
					if _, err := st.ListIncidents(ctx, store.IncidentFilter{Limit: 500, Now: e.now}); err != nil {
						b.Fatal(err)
					}
				}
			})
			for _, c := range []struct{ name, query string }{
				{"public list", ""},
				{"service", "?service_code=roads.potholes"},
				{"service+status", "?service_code=roads.potholes,zhkh.heating&status=open"},
			} {
				b.Run(c.name, func(b *testing.B) {
					items := 0
					for b.Loop() {
						res, err := http.Get(e.ts.URL + "/open311/v2/requests.json" + c.query)
						if err != nil {
							b.Fatal(err)
						}
						body, err := io.ReadAll(res.Body)
						res.Body.Close()
						if err != nil || res.StatusCode != 200 {
							b.Fatalf("%d %s %v", res.StatusCode, body, err)
						}
						items = strings.Count(string(body), `"service_request_id"`)
					}
					b.ReportMetric(float64(items), "items")
				})
			}
		})
	}
}

// fill stores n generated incidents over the 60 days before now, one in a hundred from Open311.
func fill(b *testing.B, e *env, n int) {
	b.Helper()
	ctx := context.Background()
	refs, err := e.st.LoadRefs(ctx)
	if err != nil {
		b.Fatal(err)
	}
	var cats []int64
	for _, c := range refs.Categories {
		if c.ParentCode != "" {
			cats = append(cats, c.ID)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for done := 0; done < n; done += 1000 {
		items := make([]store.IngestItem, 0, 1000)
		for i := done; i < done+1000 && i < n; i++ {
			created := e.now.Add(-time.Duration(r.Int64N(int64(60 * 24 * time.Hour))))
			src := "vk"
			if i%100 == 0 {
				src = model.Open311Source
			}
			st := model.Statuses[r.IntN(len(model.Statuses))]
			inc := &model.Incident{Number: "38-2026-", RegionID: refs.Regions[0].ID, Status: st, Priority: model.PriorityNormal,
				CategoryID: cats[r.IntN(len(cats))], Summary: "Яма во дворе", Source: src, CreatedAt: created, UpdatedAt: created}
			items = append(items, store.IngestItem{
				Message:  model.Message{Source: src, ExternalID: fmt.Sprintf("b-%d", i), Text: "Яма во дворе", PostedAt: created, ReceivedAt: created},
				Incident: inc, Events: []model.Event{{Actor: "system", Type: "created", To: string(st), At: created}},
			})
		}
		if _, err := e.st.Ingest(ctx, items); err != nil {
			b.Fatal(err)
		}
	}
}
