package store_test

import (
	"context"
	"math"
	"reflect"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

// TestFineBin: the fine bins split each histogram bucket but the last into 16 parts that follow one another
// without gaps, and every reaction time falls in its own bin.
func TestFineBin(t *testing.T) {
	const minute = int64(60_000)
	for _, tc := range []struct {
		name    string
		d       int64
		bin     int
		lo, hi  int64
		noBinOK bool
	}{
		{"zero", 0, 0, 0, 112_500, false},
		{"negative (a clock skew)", -5 * minute, 0, 0, 112_500, false},
		{"just under 30 min", 30*minute - 1, 15, 30*minute - 112_500, 30 * minute, false},
		{"30 min opens the second bucket", 30 * minute, 16, 30 * minute, 30*minute + 112_500, false},
		{"25 h: 24-30 h bucket, part 2", 25 * 60 * minute, 13*16 + 2, 1440*minute + 2*22*minute + 2*30_000, 1440*minute + 3*22*minute + 3*30_000, false},
		{"just under 240 h", 14400*minute - 1, 18*16 + 15, 14400*minute - 450*minute, 14400 * minute, false},
		{"240 h and more: no bins", 14400 * minute, 0, 0, 0, true},
	} {
		bin, lo, hi, ok := store.FineBin(tc.d)
		if ok == tc.noBinOK || ok && (bin != tc.bin || lo != tc.lo || hi != tc.hi) {
			t.Errorf("%s: bin %d [%d, %d) %v, want %d [%d, %d) %v", tc.name, bin, lo, hi, ok, tc.bin, tc.lo, tc.hi, !tc.noBinOK)
		}
	}
	// Contiguous and covering, and each value in its bin.
	prevBin, prevHi := -1, int64(0)
	for d := int64(0); d < 14400*minute; d += 7 * minute / 3 {
		bin, lo, hi, ok := store.FineBin(d)
		if !ok || d < lo || d >= hi {
			t.Fatalf("%d ms: bin %d [%d, %d) %v", d, bin, lo, hi, ok)
		}
		if bin != prevBin {
			if bin < prevBin || bin == prevBin+1 && lo != prevHi {
				t.Fatalf("%d ms: bin %d starts at %d after bin %d ended at %d", d, bin, lo, prevBin, prevHi)
			}
			prevBin, prevHi = bin, hi
		}
	}
}

// TestFineMedians: placed from the fine counts, every median of the region's pages is within the width of a
// fine bin of the exact one (and marked approximate), and every other figure is exact; a territory's pages stay
// exact. Before that, keptEqualsRebuilt checks that the writes kept the fine counts as a fold makes them.
func TestFineMedians(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := rollSeed(t, st)
		w.ingest(t, st, 800, 150)
		if _, err := st.FoldDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		w.churn(t, st, 400) // some go back to pending (an executor's connection changed)
		if _, err := st.FoldDashboard(ctx); err != nil {
			t.Fatal(err)
		}
		keptEqualsRebuilt(t, st)
		w.ingest(t, st, 60, 40) // pending: counted from their own rows
		st.SetFineMedians(store.FineAlways)
		st.SetFineRead(-1) // placed, never read
		approx := 0
		for _, p := range w.periods() {
			for _, terr := range []int64{0, w.ters[2]} {
				f := store.DashboardFilter{From: p.from, To: p.to, TerritoryID: terr, Now: w.now, Location: w.loc}
				got, err := st.Dashboard(ctx, f, 10)
				if err != nil {
					t.Fatalf("%s: %v", p.name, err)
				}
				want, err := st.DashboardFromIncidents(ctx, f, 10)
				if err != nil {
					t.Fatal(err)
				}
				figs := func(d *store.Dashboard) []*store.Figures {
					out := []*store.Figures{&d.Summary}
					for _, rows := range [][]store.BreakdownRow{d.ByTopic, d.ByTerritory, d.ByExecutor} {
						for i := range rows {
							out = append(out, &rows[i].Figures)
						}
					}
					return out
				}
				gf, wf := figs(&got), figs(&want)
				if len(gf) != len(wf) {
					t.Fatalf("%s, territory %d: %d groups, want %d", p.name, terr, len(gf), len(wf))
				}
				for i := range gf {
					g, w := gf[i], wf[i]
					if g.MedianReactionApprox {
						if terr != 0 {
							t.Errorf("%s, territory %d: a territory's median is approximate", p.name, terr)
						}
						approx++
						exact := time.Duration(*w.MedianReactionSecs * float64(time.Second))
						// Each middle value is placed within its bin; the upper one is at most twice the median.
						tol := store.FineBinWidth(2 * exact)
						if tol == 0 {
							tol = 450 * time.Minute
						}
						if diff := math.Abs(*g.MedianReactionSecs - *w.MedianReactionSecs); diff > tol.Seconds() {
							t.Errorf("%s, group %d: median %.0f s, exact %.0f s: off by more than %s", p.name, i, *g.MedianReactionSecs, *w.MedianReactionSecs, tol)
						}
						g.MedianReactionSecs, g.MedianReactionApprox = w.MedianReactionSecs, false
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s, territory %d: apart from the medians, the dashboard differs from the direct count\n%s", p.name, terr, dashDiff(got, want))
				}
			}
		}
		if approx < 20 {
			t.Errorf("%d medians placed from the fine counts, want them all on the region's pages", approx)
		}
		// With the median bins' reaction times read (few here), every median is exact again.
		st.SetFineRead(0)
		for _, p := range w.periods() {
			f := store.DashboardFilter{From: p.from, To: p.to, Now: w.now, Location: w.loc}
			checkDashboard(t, st, f, p.name+", bins read", true)
		}
	})
}
