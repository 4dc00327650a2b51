package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/otklik/otklik/internal/model"
	"github.com/otklik/otklik/internal/store"
	"github.com/otklik/otklik/internal/store/storetest"
)

var t0 = time.Date(2026, 11, 2, 2, 0, 0, 0, time.UTC)

func TestOutboxJobs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		t.Run("enqueue is idempotent by key", func(t *testing.T) {
			var first int64
			err := st.WithTx(ctx, func(tx *store.Tx) error {
				id, created, err := tx.EnqueueJob(ctx, store.Job{Kind: "publish", Key: "publish:answer:1", Payload: []byte(`{"answer_id":1}`), CreatedAt: t0})
				if err != nil || !created || id == 0 {
					return fmt.Errorf("first enqueue: %d %v %v", id, created, err)
				}
				first = id
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 2; i++ {
				id, created, err := st.EnqueueJob(ctx, store.Job{Kind: "publish", Key: "publish:answer:1", Payload: []byte(`{"answer_id":2}`), CreatedAt: t0})
				if err != nil || created || id != first {
					t.Fatalf("repeat enqueue: id %d created %v err %v; want %d false nil", id, created, err, first)
				}
			}
			j, err := st.JobByKey(ctx, "publish:answer:1")
			if err != nil {
				t.Fatal(err)
			}
			if string(j.Payload) != `{"answer_id":1}` || j.State != store.JobPending || !j.NextAt.Equal(t0) {
				t.Fatalf("job after repeats: %+v", j)
			}
		})
		t.Run("rollback drops the job", func(t *testing.T) {
			boom := errors.New("boom")
			err := st.WithTx(ctx, func(tx *store.Tx) error {
				if _, _, err := tx.EnqueueJob(ctx, store.Job{Kind: "notify", Key: "rolled-back", CreatedAt: t0}); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatal(err)
			}
			if _, err := st.JobByKey(ctx, "rolled-back"); !errors.Is(err, model.ErrNotFound) {
				t.Fatalf("job of a rolled-back transaction: %v", err)
			}
		})
		t.Run("claim, lease, fencing, retry, dead, requeue", func(t *testing.T) {
			if _, _, err := st.EnqueueJob(ctx, store.Job{Kind: "notify", Key: "later", CreatedAt: t0, NextAt: t0.Add(time.Hour)}); err != nil {
				t.Fatal(err)
			}
			jobs, err := st.ClaimJobs(ctx, t0, 10, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if len(jobs) != 1 || jobs[0].Key != "publish:answer:1" || jobs[0].Attempts != 1 || jobs[0].State != store.JobRunning {
				t.Fatalf("claimed %+v; want only the due publish job, attempt 1", jobs)
			}
			j := jobs[0]
			if again, _ := st.ClaimJobs(ctx, t0.Add(59*time.Second), 10, time.Minute); len(again) != 0 {
				t.Fatalf("claimed a leased job again: %+v", again)
			}
			if err := st.CheckpointJob(ctx, j.ID, 1, t0, "started"); err != nil {
				t.Fatal(err)
			}
			// The worker hangs; the lease runs out and another worker takes the job over.
			jobs, err = st.ClaimJobs(ctx, t0.Add(time.Minute), 10, time.Minute)
			if err != nil || len(jobs) != 1 || jobs[0].ID != j.ID || jobs[0].Attempts != 2 || jobs[0].Checkpoint != "started" {
				t.Fatalf("reclaim after lease: %+v %v", jobs, err)
			}
			// The first worker wakes up: everything it reports is refused.
			for name, err := range map[string]error{
				"complete":   st.CompleteJob(ctx, j.ID, 1, t0, "x"),
				"retry":      st.RetryJob(ctx, j.ID, 1, t0, t0, "x"),
				"kill":       st.KillJob(ctx, j.ID, 1, t0, "x"),
				"checkpoint": st.CheckpointJob(ctx, j.ID, 1, t0, "x"),
			} {
				if !errors.Is(err, store.ErrLeaseLost) {
					t.Errorf("%s by a worker whose lease expired: %v, want ErrLeaseLost", name, err)
				}
			}
			now := t0.Add(2 * time.Minute)
			if err := st.RetryJob(ctx, j.ID, 2, now, now.Add(30*time.Second), "vk: timeout"); err != nil {
				t.Fatal(err)
			}
			if jobs, _ := st.ClaimJobs(ctx, now.Add(29*time.Second), 10, time.Minute); len(jobs) != 0 {
				t.Fatalf("claimed before next_at: %+v", jobs)
			}
			jobs, err = st.ClaimJobs(ctx, now.Add(30*time.Second), 10, time.Minute)
			if err != nil || len(jobs) != 1 || jobs[0].Attempts != 3 || jobs[0].LastError != "vk: timeout" {
				t.Fatalf("claim after retry: %+v %v", jobs, err)
			}
			if err := st.KillJob(ctx, j.ID, 3, now, "vk: access denied"); err != nil {
				t.Fatal(err)
			}
			dead, err := st.DeadJobs(ctx, 10)
			if err != nil || len(dead) != 1 || dead[0].ID != j.ID || dead[0].LastError != "vk: access denied" || dead[0].DoneAt == nil {
				t.Fatalf("dead jobs: %+v %v", dead, err)
			}
			if err := st.RequeueJob(ctx, j.ID, now, true); err != nil {
				t.Fatal(err)
			}
			if err := st.RequeueJob(ctx, j.ID, now, true); !errors.Is(err, model.ErrConflict) {
				t.Fatalf("requeue of a pending job: %v", err)
			}
			jobs, err = st.ClaimJobs(ctx, now, 10, time.Minute)
			if err != nil || len(jobs) != 1 || jobs[0].Attempts != 1 || jobs[0].Checkpoint != "" {
				t.Fatalf("claim after requeue: %+v %v", jobs, err)
			}
			if err := st.CompleteJob(ctx, j.ID, 1, now, "comment:-1_2_3"); err != nil {
				t.Fatal(err)
			}
			done, err := st.Job(ctx, j.ID)
			if err != nil || done.State != store.JobDone || done.Result != "comment:-1_2_3" || done.LockedUntil != nil {
				t.Fatalf("done job: %+v %v", done, err)
			}
			counts, err := st.JobCounts(ctx)
			if err != nil || counts[store.JobDone] != 1 || counts[store.JobPending] != 1 {
				t.Fatalf("counts %v %v", counts, err)
			}
		})
	})
}

// TestClaimConcurrent lets several workers claim from one queue at once: every job is claimed exactly once.
func TestClaimConcurrent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		const n = 120
		for i := 0; i < n; i++ {
			if _, _, err := st.EnqueueJob(ctx, store.Job{Kind: "notify", Key: fmt.Sprintf("k%03d", i), CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int64]int{}
		var wg sync.WaitGroup
		errs := make(chan error, 6)
		for w := 0; w < 6; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					jobs, err := st.ClaimJobs(ctx, t0, 7, time.Hour)
					if err != nil {
						errs <- err
						return
					}
					if len(jobs) == 0 {
						return
					}
					mu.Lock()
					for _, j := range jobs {
						seen[j.ID]++
					}
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		if len(seen) != n {
			t.Fatalf("%d distinct jobs claimed, want %d", len(seen), n)
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("job %d claimed %d times", id, c)
			}
		}
	})
}

func TestUserChannelsAndEventMarks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		uid, err := st.CreateUser(ctx, model.User{Login: "op1", Role: model.RoleOperator}, "")
		if err != nil {
			t.Fatal(err)
		}
		bad := []store.UserChannel{{UserID: uid, Kind: "sms", Address: "1"}, {UserID: uid, Kind: store.ChannelEmail}}
		for _, c := range bad {
			if err := st.PutUserChannel(ctx, c); !errors.Is(err, model.ErrInvalid) {
				t.Errorf("PutUserChannel(%+v) = %v, want ErrInvalid", c, err)
			}
		}
		for _, c := range []store.UserChannel{
			{UserID: uid, Kind: store.ChannelEmail, Address: "old@example.org", Enabled: true},
			{UserID: uid, Kind: store.ChannelEmail, Address: "op1@example.org", QuietFrom: "22:00", QuietTo: "07:30", Enabled: true},
			{UserID: uid, Kind: store.ChannelTelegram, Address: "5550001", Enabled: false},
		} {
			if err := st.PutUserChannel(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		chs, err := st.UserChannels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want := []store.UserChannel{
			{UserID: uid, Kind: store.ChannelEmail, Address: "op1@example.org", QuietFrom: "22:00", QuietTo: "07:30", Enabled: true},
			{UserID: uid, Kind: store.ChannelTelegram, Address: "5550001"},
		}
		if got := chs[uid]; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("channels %+v, want %+v", got, want)
		}
		if err := st.DeleteUserChannel(ctx, uid, store.ChannelTelegram); err != nil {
			t.Fatal(err)
		}
		if chs, _ := st.UserChannels(ctx); len(chs[uid]) != 1 {
			t.Fatalf("after delete: %+v", chs[uid])
		}

		// Events: two SLA events and one other; marking one leaves the other to notify.
		for _, typ := range []string{"sla.warning", "assign", "sla.breach"} {
			if err := st.WithTx(ctx, func(tx *store.Tx) error {
				return tx.AddEvent(ctx, model.Event{Actor: "system", Type: typ, At: t0})
			}); err != nil {
				t.Fatal(err)
			}
		}
		types := []string{"sla.warning", "sla.breach"}
		evs, err := st.EventsToNotify(ctx, types, t0.Add(-time.Hour), 10)
		if err != nil || len(evs) != 2 || evs[0].Type != "sla.warning" || evs[1].Type != "sla.breach" {
			t.Fatalf("events to notify: %+v %v", evs, err)
		}
		if evs, _ := st.EventsToNotify(ctx, types, t0.Add(time.Millisecond), 10); len(evs) != 0 {
			t.Fatalf("events older than the horizon: %+v", evs)
		}
		for i, want := range []bool{true, false} {
			var first bool
			if err := st.WithTx(ctx, func(tx *store.Tx) error {
				first, err = tx.MarkEventNotified(ctx, evs[0].ID, 3, t0)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			if first != want {
				t.Fatalf("mark %d: first = %v, want %v", i, first, want)
			}
		}
		left, err := st.EventsToNotify(ctx, types, t0.Add(-time.Hour), 10)
		if err != nil || len(left) != 1 || left[0].ID != evs[1].ID {
			t.Fatalf("after marking: %+v %v", left, err)
		}
	})
}
