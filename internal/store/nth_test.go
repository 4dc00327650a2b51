package store

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestNthSmallest(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	gen := map[string]func(n int) []int64{
		"random":     func(n int) []int64 { return randInts(rng, n, 1<<40) },
		"few values": func(n int) []int64 { return randInts(rng, n, 3) },
		"all equal":  func(n int) []int64 { return make([]int64, n) },
		"ascending": func(n int) []int64 {
			a := make([]int64, n)
			for i := range a {
				a[i] = int64(i)
			}
			return a
		},
		"descending": func(n int) []int64 {
			a := make([]int64, n)
			for i := range a {
				a[i] = int64(n - i)
			}
			return a
		},
		"organ pipe": func(n int) []int64 {
			a := make([]int64, n)
			for i := range a {
				a[i] = int64(min(i, n-i))
			}
			return a
		},
		"negative": func(n int) []int64 { return randInts(rng, n, 1000) },
	}
	for name, g := range gen {
		for _, n := range []int{1, 2, 3, 16, 17, 100, 1001, 20000} {
			a := g(n)
			if name == "negative" {
				for i := range a {
					a[i] -= 500
				}
			}
			sorted := slices.Sorted(slices.Values(a))
			for _, k := range []int{0, n / 2, (n - 1) / 2, n - 1, rng.IntN(n)} {
				b := slices.Clone(a)
				got := nthSmallest(b, k)
				if got != sorted[k] {
					t.Fatalf("%s n=%d k=%d: got %d, want %d", name, n, k, got, sorted[k])
				}
				if b[k] != got {
					t.Fatalf("%s n=%d k=%d: a[k] = %d, want %d", name, n, k, b[k], got)
				}
				for i, v := range b {
					if (i < k && v > got) || (i > k && v < got) {
						t.Fatalf("%s n=%d k=%d: a[%d] = %d on the wrong side of %d", name, n, k, i, v, got)
					}
				}
				if !slices.Equal(slices.Sorted(slices.Values(b)), sorted) {
					t.Fatalf("%s n=%d k=%d: values changed", name, n, k)
				}
			}
		}
	}
}

func randInts(rng *rand.Rand, n int, limit int64) []int64 {
	a := make([]int64, n)
	for i := range a {
		a[i] = rng.Int64N(limit)
	}
	return a
}

func BenchmarkNthSmallest(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	a := randInts(rng, 500_000, 3_600_000)
	buf := make([]int64, len(a))
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			copy(buf, a)
			nthSmallest(buf, len(buf)/2)
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			copy(buf, a)
			slices.Sort(buf)
		}
	})
}
