package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

func BenchmarkZZPlan(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, "/tmp/dash100k.db")
	if err != nil {
		b.Fatal(err)
	}
	if err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	loc, _ := time.LoadLocation("Asia/Irkutsk")
	w := benchWorld{now: time.Date(2026, 11, 20, 4, 0, 0, 0, time.UTC), loc: loc, territory: 1}
	if n, _ := st.CountRows(ctx, "incidents"); n == 0 {
		w = benchSeed(b, st, 100000)
	}
	_ = storetest.EnvPostgres
	from := time.Date(2026, 10, 1, 0, 0, 0, 0, w.loc).UnixMilli()
	to := time.Date(2026, 11, 1, 0, 0, 0, 0, w.loc).UnixMilli()
	for k := 0; k < 3; k++ {
		f := store.DashboardFilter{From: time.UnixMilli(from), To: time.UnixMilli(to), Now: w.now, Location: w.loc}
		t := time.Now()
		_, err := st.DashboardSummary(ctx, f)
		fmt.Println("summary", time.Since(t), err)
		t = time.Now()
		_, err = st.DashboardBreakdown(ctx, f, store.ByExecutor)
		fmt.Println("by executor", time.Since(t), err)
		t = time.Now()
		_, err = st.DashboardBreakdown(ctx, f, store.ByTopic)
		fmt.Println("by topic", time.Since(t), err)
		t = time.Now()
		_, err = st.DashboardDays(ctx, f)
		fmt.Println("days", time.Since(t), err)
		t = time.Now()
		_, err = st.GrowingProblems(ctx, w.now, 0, 10)
		fmt.Println("growing", time.Since(t), err)
	}
	for _, q := range []string{os.Getenv("Q1"), os.Getenv("Q2"), os.Getenv("Q3"), os.Getenv("Q4")} {
		if q == "" {
			continue
		}
		rows, err := st.DB().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, from, to)
		if err != nil {
			b.Fatal(err)
		}
		for rows.Next() {
			var id, parent, notused int
			var detail string
			rows.Scan(&id, &parent, &notused, &detail)
			fmt.Println(detail)
		}
		rows.Close()
		for k := 0; k < 2; k++ {
			t := time.Now()
			r2, err := st.DB().QueryContext(ctx, q, from, to)
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for r2.Next() {
				n++
			}
			r2.Close()
			fmt.Println("rows", n, time.Since(t))
		}
	}
}
