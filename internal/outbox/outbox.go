// Package outbox runs the durable outbound work of Otklik: publishing approved answers to VK and Telegram,
// notifying people by e-mail and Telegram, calling outgoing webhooks.
//
// Work is a row in the outbox_jobs table, enqueued in the same transaction as the state change that asks for it
// (store.Tx.EnqueueJob) under an idempotency key, so it exists exactly when that change commits and never twice.
// A Runner's workers claim due jobs with a lease (store.ClaimJobs), run the handler of the job's kind, and then
// complete it, retry it later (exponential backoff with full jitter) or, after Backoff.Limit attempts or a
// permanent error, mark it dead for the centre to see. A worker that crashes or hangs loses its lease and another
// worker takes the job over; the attempt number fences the late worker out of reporting.
//
// Delivery is at least once at the level of jobs; handlers turn that into "at most once" at the outside world:
// VK calls carry a key derived from the job (guid, random_id) that VK deduplicates; the others record a durable
// checkpoint before the point of no return and, when a later attempt finds it without a result, stop with an
// Uncertain error instead of sending again (see PublishHandler and NotifyHandler for the residual risks).
package outbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime/debug"
	"sync"
	"time"

	"github.com/otklik/otklik/internal/store"
)

// Job kinds.
const (
	KindPublish = "publish"
	KindNotify  = "notify"
	KindWebhook = "webhook"
	KindDigest  = "digest"
)

// Handler performs one kind of job. It returns the result to store on the job (an external id, a message id)
// or an error: plain errors are retried, Permanent and Uncertain ones are not, RetryAfter asks for a minimum
// delay. The handler must be safe to run again for the same job after a crash at any point.
type Handler interface {
	Handle(ctx context.Context, run *Run) (result string, err error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, run *Run) (string, error)

// Handle calls f.
func (f HandlerFunc) Handle(ctx context.Context, run *Run) (string, error) { return f(ctx, run) }

// DeadHandler is implemented by handlers that must react when their job is given up (the publish handler moves
// the answer to publish_failed). It is called after the job is marked dead.
type DeadHandler interface {
	Dead(ctx context.Context, job store.Job, cause error) error
}

// Run is one attempt at a job, handed to its handler.
type Run struct {
	Job   store.Job
	st    *store.Store
	clock func() time.Time
}

// Now is the runner's clock.
func (r *Run) Now() time.Time { return r.clock() }

// Store is the database the job lives in (handlers that fan out enqueue more jobs through it).
func (r *Run) Store() *store.Store { return r.st }

// Checkpoint durably records the attempt's progress on the job. It fails with store.ErrLeaseLost when the job
// was taken over by another worker, in which case the handler must stop without side effects.
func (r *Run) Checkpoint(ctx context.Context, note string) error {
	if err := r.st.CheckpointJob(ctx, r.Job.ID, r.Job.Attempts, r.clock(), note); err != nil {
		return err
	}
	r.Job.Checkpoint = note
	return nil
}

type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks an error that retrying cannot cure (a bad token, a deleted post, a malformed payload).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// ErrUncertain is matched (errors.Is) by the errors of Uncertain.
var ErrUncertain = errors.New("delivery uncertain: the remote side may have received it; check before requeueing")

type uncertainError struct{ err error }

func (e *uncertainError) Error() string { return ErrUncertain.Error() + ": " + e.err.Error() }
func (e *uncertainError) Unwrap() []error {
	return []error{ErrUncertain, e.err}
}

// Uncertain marks a failure after which nobody can tell whether the remote side acted (a timeout after the
// request was sent, a crash between the checkpoint and the result) on an API without an idempotency key. The job
// goes dead at once instead of risking a second post; the centre checks and requeues it (store.RequeueJob with
// clearCheckpoint) or records the publication by hand.
func Uncertain(err error) error {
	if err == nil {
		return nil
	}
	return &uncertainError{err}
}

type retryAfterError struct {
	err   error
	after time.Duration
}

func (e *retryAfterError) Error() string { return e.err.Error() }
func (e *retryAfterError) Unwrap() error { return e.err }

// RetryAfter marks an error after which the next attempt must wait at least d (Telegram's flood control).
func RetryAfter(err error, d time.Duration) error {
	if err == nil {
		return nil
	}
	return &retryAfterError{err, d}
}

func isFinal(err error) bool {
	var p *permanentError
	return errors.As(err, &p) || errors.Is(err, ErrUncertain)
}

// Backoff computes the delay before a retry: exponential in the attempt number, capped, with full jitter
// (a uniformly random delay between zero and the exponential value, so retries of many jobs spread out).
type Backoff struct {
	Base  time.Duration // delay ceiling after the first failure; default 5 s
	Max   time.Duration // cap of the ceiling; default 1 h
	Limit int           // attempts before the job is dead; default 12
}

func (b Backoff) withDefaults() Backoff {
	if b.Base <= 0 {
		b.Base = 5 * time.Second
	}
	if b.Max <= 0 {
		b.Max = time.Hour
	}
	if b.Limit <= 0 {
		b.Limit = 12
	}
	return b
}

// Ceiling is the largest delay after the given failed attempt (1-based): Base·2^(attempt-1), at most Max.
func (b Backoff) Ceiling(attempt int) time.Duration {
	b = b.withDefaults()
	d := b.Base
	for i := 1; i < attempt && d < b.Max; i++ {
		d *= 2
	}
	return min(d, b.Max)
}

// Delay draws the delay after the given failed attempt from [0, Ceiling(attempt)] with the random source.
func (b Backoff) Delay(attempt int, rnd *rand.Rand) time.Duration {
	c := b.Ceiling(attempt)
	return time.Duration(rnd.Int64N(int64(c) + 1))
}

// Runner claims due jobs and runs their handlers on a pool of workers.
type Runner struct {
	Store    *store.Store
	Handlers map[string]Handler
	Workers  int                    // concurrent jobs; default 4
	Poll     time.Duration          // idle wait between claims; default 1 s
	Lease    time.Duration          // how long a claim lasts before another worker may take the job; default 2 min
	Timeout  time.Duration          // a handler's time limit; default Lease/2, always below Lease
	Backoff  Backoff                // retry schedule and attempt limit
	Clock    func() time.Time       // default time.Now; tests pass a simulated clock
	Rand     *rand.Rand             // jitter source; default seeded from the runtime
	Logger   *slog.Logger           // default slog.Default()
	OnDone   func(store.Job, error) // optional observer of every finished attempt (metrics, tests)

	mu sync.Mutex // guards Rand
}

func (r *Runner) init() {
	if r.Workers <= 0 {
		r.Workers = 4
	}
	if r.Poll <= 0 {
		r.Poll = time.Second
	}
	if r.Lease <= 0 {
		r.Lease = 2 * time.Minute
	}
	if r.Timeout <= 0 || r.Timeout >= r.Lease {
		r.Timeout = r.Lease / 2
	}
	r.Backoff = r.Backoff.withDefaults()
	if r.Clock == nil {
		r.Clock = time.Now
	}
	if r.Rand == nil {
		r.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	if r.Logger == nil {
		r.Logger = slog.Default()
	}
}

// Run works until ctx ends: each worker claims one due job at a time and sleeps Poll when there is none. When ctx
// ends, jobs in flight are abandoned exactly as in a crash (their handlers see ctx cancelled, nothing is
// recorded) and are taken over by whoever runs next once their lease expires.
func (r *Runner) Run(ctx context.Context) error {
	r.init()
	var wg sync.WaitGroup
	for w := 0; w < r.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				jobs, err := r.Store.ClaimJobs(ctx, r.Clock(), 1, r.Lease)
				if err != nil && ctx.Err() == nil {
					r.Logger.Error("outbox: claim", "err", err)
				}
				if len(jobs) == 0 {
					select {
					case <-ctx.Done():
					case <-time.After(r.Poll):
					}
					continue
				}
				r.process(ctx, jobs[0])
			}
		}()
	}
	wg.Wait()
	return nil
}

// RunOnce claims up to Workers due jobs, runs them concurrently and returns how many it ran. Tests and the
// `otklik outbox run-once` style of operation use it.
func (r *Runner) RunOnce(ctx context.Context) (int, error) {
	r.init()
	jobs, err := r.Store.ClaimJobs(ctx, r.Clock(), r.Workers, r.Lease)
	if err != nil {
		return 0, fmt.Errorf("outbox: %w", err)
	}
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.process(ctx, j)
		}()
	}
	wg.Wait()
	return len(jobs), nil
}

// Drain calls RunOnce until no job is due at the runner's clock (or max rounds pass) and returns the number run.
func (r *Runner) Drain(ctx context.Context, maxRounds int) (int, error) {
	total := 0
	for i := 0; i < maxRounds; i++ {
		n, err := r.RunOnce(ctx)
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
	return total, nil
}

func (r *Runner) delay(attempt int) time.Duration {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.Backoff.Delay(attempt, r.Rand)
}

func (r *Runner) process(ctx context.Context, job store.Job) {
	log := r.Logger.With("job", job.ID, "kind", job.Kind, "key", job.Key, "attempt", job.Attempts)
	h, ok := r.Handlers[job.Kind]
	var result string
	var err error
	if !ok {
		err = Permanent(fmt.Errorf("outbox: no handler for job kind %q", job.Kind))
	} else {
		hctx, cancel := context.WithTimeout(ctx, r.Timeout)
		result, err = r.call(hctx, h, &Run{Job: job, st: r.Store, clock: r.Clock})
		cancel()
	}
	if ctx.Err() != nil {
		// Shutting down: behave like a crash, the lease hands the job to the next runner.
		return
	}
	if r.OnDone != nil {
		defer r.OnDone(job, err)
	}
	now := r.Clock()
	bg := context.WithoutCancel(ctx)
	switch {
	case errors.Is(err, store.ErrLeaseLost):
		log.Warn("outbox: lease lost, another worker has the job", "err", err)
	case err == nil:
		if err := r.Store.CompleteJob(bg, job.ID, job.Attempts, now, result); err != nil {
			log.Error("outbox: complete", "err", err)
		}
	case isFinal(err) || job.Attempts >= r.Backoff.Limit:
		log.Error("outbox: job is dead", "err", err)
		if kerr := r.Store.KillJob(bg, job.ID, job.Attempts, now, err.Error()); kerr != nil {
			log.Error("outbox: kill", "err", kerr)
			return
		}
		if dh, ok := h.(DeadHandler); ok {
			job.State, job.LastError = store.JobDead, err.Error()
			var derr error
			for i := 0; i < 3; i++ { // the job is already dead and listed for the centre; try the hook a few times
				if derr = dh.Dead(bg, job, err); derr == nil {
					break
				}
			}
			if derr != nil {
				log.Error("outbox: dead-letter hook", "err", derr)
			}
		}
	default:
		d := r.delay(job.Attempts)
		var ra *retryAfterError
		if errors.As(err, &ra) && ra.after > d {
			d = ra.after
		}
		log.Warn("outbox: retry", "in", d, "err", err)
		if rerr := r.Store.RetryJob(bg, job.ID, job.Attempts, now, now.Add(d), err.Error()); rerr != nil {
			log.Error("outbox: retry", "err", rerr)
		}
	}
}

func (r *Runner) call(ctx context.Context, h Handler, run *Run) (result string, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("outbox: handler panic: %v\n%s", p, debug.Stack())
		}
	}()
	return h.Handle(ctx, run)
}
