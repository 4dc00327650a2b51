package outbox

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

func TestBackoffCeiling(t *testing.T) {
	b := Backoff{Base: time.Second, Max: 30 * time.Second, Limit: 5}
	for _, c := range []struct {
		attempt int
		want    time.Duration
	}{{1, time.Second}, {2, 2 * time.Second}, {3, 4 * time.Second}, {5, 16 * time.Second}, {6, 30 * time.Second}, {60, 30 * time.Second}} {
		if got := b.Ceiling(c.attempt); got != c.want {
			t.Errorf("Ceiling(%d) = %v, want %v", c.attempt, got, c.want)
		}
	}
	if got := (Backoff{}).Ceiling(1); got != 5*time.Second {
		t.Errorf("default first ceiling %v, want 5s", got)
	}
}

// TestBackoffJitter: with a fixed source the delays are reproducible, always within [0, ceiling], and spread
// over the whole range (full jitter, not a fixed exponential).
func TestBackoffJitter(t *testing.T) {
	b := Backoff{Base: time.Second, Max: time.Minute}
	draw := func() []time.Duration {
		rnd := rand.New(rand.NewPCG(1, 2))
		var out []time.Duration
		for a := 1; a <= 8; a++ {
			out = append(out, b.Delay(a, rnd))
		}
		return out
	}
	first, second := draw(), draw()
	for i := range first {
		if first[i] != second[i] {
			t.Fatalf("same seed, different delays: %v vs %v", first, second)
		}
		if c := b.Ceiling(i + 1); first[i] < 0 || first[i] > c {
			t.Errorf("attempt %d: delay %v outside [0, %v]", i+1, first[i], c)
		}
	}
	rnd := rand.New(rand.NewPCG(3, 4))
	var low, high int
	for i := 0; i < 2000; i++ {
		d := b.Delay(6, rnd) // ceiling 32 s
		if d < 8*time.Second {
			low++
		}
		if d > 24*time.Second {
			high++
		}
	}
	// Uniform over [0, 32 s]: about a quarter below 8 s and a quarter above 24 s.
	if low < 400 || low > 600 || high < 400 || high > 600 {
		t.Errorf("2000 draws: %d below a quarter, %d above three quarters of the ceiling; want about 500 each", low, high)
	}
}

// TestDeadLetterAfterLimit: a job that always fails is retried with growing delays and dead after the limit;
// a permanent error kills at once; the delays honour the backoff and the RetryAfter hint.
func TestDeadLetterAfterLimit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
		for _, key := range []string{"always-fails", "permanent", "flood"} {
			if _, _, err := st.EnqueueJob(ctx, store.Job{Kind: "test", Key: key, CreatedAt: now}); err != nil {
				t.Fatal(err)
			}
		}
		calls := map[string]int{}
		var mu sync.Mutex
		b := Backoff{Base: time.Second, Max: 8 * time.Second, Limit: 4}
		r := &Runner{Store: st, Workers: 3, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Backoff: b, Clock: func() time.Time { return now }, Rand: rand.New(rand.NewPCG(7, 7)),
			Handlers: map[string]Handler{"test": HandlerFunc(func(ctx context.Context, run *Run) (string, error) {
				mu.Lock()
				calls[run.Job.Key]++
				n := calls[run.Job.Key]
				mu.Unlock()
				switch run.Job.Key {
				case "permanent":
					return "", Permanent(errors.New("access denied"))
				case "flood":
					if n == 1 {
						return "", RetryAfter(errors.New("too many requests"), 10*time.Minute)
					}
					return "sent", nil
				}
				return "", errors.New("server unavailable")
			})}}
		for round := 1; round <= 10; round++ {
			if _, err := r.RunOnce(ctx); err != nil {
				t.Fatal(err)
			}
			j, err := st.JobByKey(ctx, "always-fails")
			if err != nil {
				t.Fatal(err)
			}
			if j.State == store.JobPending {
				if d := j.NextAt.Sub(now); d < 0 || d > b.Ceiling(j.Attempts) {
					t.Fatalf("attempt %d: next in %v, outside [0, %v]", j.Attempts, d, b.Ceiling(j.Attempts))
				}
			}
			if round == 1 {
				f, _ := st.JobByKey(ctx, "flood")
				if d := f.NextAt.Sub(now); d != 10*time.Minute {
					t.Fatalf("flood retry in %v, want the 10 min the server asked for", d)
				}
			}
			now = now.Add(11 * time.Minute)
		}
		for key, want := range map[string]struct {
			state store.JobState
			calls int
			err   string
		}{
			"always-fails": {store.JobDead, 4, "server unavailable"},
			"permanent":    {store.JobDead, 1, "access denied"},
			"flood":        {store.JobDone, 2, ""},
		} {
			j, err := st.JobByKey(ctx, key)
			if err != nil {
				t.Fatal(err)
			}
			if j.State != want.state || calls[key] != want.calls || !strings.Contains(j.LastError, want.err) {
				t.Errorf("%s: state %s after %d calls, error %q; want %s after %d, %q", key, j.State, calls[key], j.LastError, want.state, want.calls, want.err)
			}
		}
		dead, err := st.DeadJobs(ctx, 10)
		if err != nil || len(dead) != 2 {
			t.Fatalf("dead letters: %d, %v", len(dead), err)
		}
	})
}

func TestSplitText(t *testing.T) {
	for _, c := range []struct {
		text  string
		limit int
		want  []string
	}{
		{"короткий ответ", 100, []string{"короткий ответ"}},
		{"", 10, []string{""}},
		{"раз два три четыре", 9, []string{"раз два", "три", "четыре"}},
		{"абвгдеёжзий", 4, []string{"абвг", "деёж", "зий"}},
	} {
		got := splitText(c.text, c.limit)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("splitText(%q, %d) = %q, want %q", c.text, c.limit, got, c.want)
		}
	}
}
