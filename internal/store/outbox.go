package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/otklik/otklik/internal/model"
)

// JobState is the state of an outbox job.
type JobState string

// Outbox job states: pending (waiting for next_at), running (claimed by a worker until locked_until), done, dead
// (given up; shown to the centre).
const (
	JobPending JobState = "pending"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobDead    JobState = "dead"
)

// Job is one piece of durable outbound work: publish an answer, send a notification, call a webhook.
type Job struct {
	ID          int64           `json:"id"`
	Kind        string          `json:"kind"`
	Key         string          `json:"key"` // idempotency key: enqueueing the same key twice is a no-op
	Payload     json.RawMessage `json:"payload"`
	State       JobState        `json:"state"`
	Attempts    int             `json:"attempts"` // claims so far; also the fencing token of the current claim
	NextAt      time.Time       `json:"next_at"`
	LockedUntil *time.Time      `json:"locked_until,omitempty"`
	LastError   string          `json:"last_error,omitempty"`
	Checkpoint  string          `json:"checkpoint,omitempty"` // the handler's durable progress note
	Result      string          `json:"result,omitempty"`
	CreatedAt   time.Time       `json:"created_at"`
	UpdatedAt   time.Time       `json:"updated_at"`
	DoneAt      *time.Time      `json:"done_at,omitempty"`
}

// ErrLeaseLost is returned when a worker reports on a job it no longer holds: its lease expired and another
// worker claimed the job (the attempt number moved on), or the job was finished elsewhere.
var ErrLeaseLost = errors.New("store: outbox job lease lost")

const jobCols = `id, kind, job_key, payload, state, attempts, next_at, locked_until, last_error, checkpoint, result,
	created_at, updated_at, done_at`

func scanJob(sc interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var payload, state string
	var next, created, updated int64
	var locked, done sql.NullInt64
	err := sc.Scan(&j.ID, &j.Kind, &j.Key, &payload, &state, &j.Attempts, &next, &locked, &j.LastError, &j.Checkpoint,
		&j.Result, &created, &updated, &done)
	j.Payload, j.State = json.RawMessage(payload), JobState(state)
	j.NextAt, j.CreatedAt, j.UpdatedAt = fromMS(next), fromMS(created), fromMS(updated)
	j.LockedUntil, j.DoneAt = fromNullMS(locked), fromNullMS(done)
	return j, err
}

// EnqueueJob adds a job in the caller's transaction, so the job exists exactly when the state change that asks
// for it commits. A job with the same key already present (in any state) is left alone: created is false and id
// is the existing job's. A zero NextAt means "now" (CreatedAt, or the wall clock).
func (t *Tx) EnqueueJob(ctx context.Context, j Job) (id int64, created bool, err error) {
	return enqueueJob(ctx, t.s, t.tx, j)
}

// EnqueueJob adds a job on its own (see Tx.EnqueueJob).
func (s *Store) EnqueueJob(ctx context.Context, j Job) (id int64, created bool, err error) {
	return enqueueJob(ctx, s, s.db, j)
}

func enqueueJob(ctx context.Context, s *Store, q queryer, j Job) (int64, bool, error) {
	if j.Kind == "" || j.Key == "" {
		return 0, false, model.Invalid("job", "kind and key are required")
	}
	if j.CreatedAt.IsZero() {
		j.CreatedAt = time.Now()
	}
	if j.NextAt.IsZero() {
		j.NextAt = j.CreatedAt
	}
	payload := "{}"
	if len(j.Payload) > 0 {
		payload = string(j.Payload)
	}
	var id int64
	err := q.QueryRowContext(ctx, s.d.rebind(`INSERT INTO outbox_jobs(kind, job_key, payload, state, attempts, next_at,
		created_at, updated_at) VALUES (?, ?, ?, ?, 0, ?, ?, ?) ON CONFLICT (job_key) DO NOTHING RETURNING id`),
		j.Kind, j.Key, payload, string(JobPending), ms(j.NextAt), ms(j.CreatedAt), ms(j.CreatedAt)).Scan(&id)
	if err == nil {
		return id, true, nil
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return 0, false, fmt.Errorf("store: enqueue job %s: %w", j.Key, err)
	}
	if err := q.QueryRowContext(ctx, s.d.rebind(`SELECT id FROM outbox_jobs WHERE job_key = ?`), j.Key).Scan(&id); err != nil {
		return 0, false, fmt.Errorf("store: enqueue job %s: find existing: %w", j.Key, err)
	}
	return id, false, nil
}

// ClaimJobs atomically claims up to limit jobs that are due at now: pending jobs whose next_at has come and
// running jobs whose lease has expired (their worker crashed or hung). Each claimed job becomes running until
// now+lease and its attempt count grows by one; that count is the fencing token the worker passes back to
// CompleteJob, RetryJob, KillJob and CheckpointJob. Safe with any number of workers and processes: PostgreSQL
// skips rows another claimer holds (FOR UPDATE SKIP LOCKED); SQLite runs the statement in an immediate
// transaction, which holds the database's write lock.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]Job, error) {
	if limit <= 0 {
		return nil, nil
	}
	lock := ""
	if s.d.name == "postgres" {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	until := ms(now.Add(lease))
	q := fmt.Sprintf(`UPDATE outbox_jobs SET state = 'running', attempts = attempts + 1, locked_until = ?, next_at = ?,
		updated_at = ? WHERE id IN (SELECT id FROM outbox_jobs WHERE state IN ('pending', 'running') AND next_at <= ?
		ORDER BY next_at, id LIMIT %d%s) RETURNING `+jobCols, limit, lock)
	var out []Job
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.d.rebind(q), until, until, ms(now), ms(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("store: claim jobs: %w", err)
	}
	sort.Slice(out, func(a, b int) bool { return out[a].ID < out[b].ID })
	return out, nil
}

// fenced runs an update on a job the caller holds (state running, attempts = attempt) and reports ErrLeaseLost
// when it no longer does.
func (s *Store) fenced(ctx context.Context, what string, id int64, attempt int, set string, args ...any) error {
	args = append(args, id, attempt)
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE outbox_jobs SET `+set+` WHERE id = ? AND state = 'running' AND attempts = ?`), args...)
	if err != nil {
		return fmt.Errorf("store: %s job %d: %w", what, id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: %s job %d attempt %d", ErrLeaseLost, what, id, attempt)
	}
	return nil
}

// CompleteJob marks a claimed job done with its result.
func (s *Store) CompleteJob(ctx context.Context, id int64, attempt int, now time.Time, result string) error {
	return s.fenced(ctx, "complete", id, attempt, `state = 'done', result = ?, last_error = '', locked_until = NULL,
		done_at = ?, updated_at = ?`, result, ms(now), ms(now))
}

// RetryJob puts a claimed job back to wait until nextAt, keeping the error that made it fail.
func (s *Store) RetryJob(ctx context.Context, id int64, attempt int, now, nextAt time.Time, errMsg string) error {
	return s.fenced(ctx, "retry", id, attempt, `state = 'pending', next_at = ?, last_error = ?, locked_until = NULL,
		updated_at = ?`, ms(nextAt), truncate(errMsg, 2000), ms(now))
}

// KillJob gives up on a claimed job: it becomes dead and stays in the centre's list until requeued.
func (s *Store) KillJob(ctx context.Context, id int64, attempt int, now time.Time, errMsg string) error {
	return s.fenced(ctx, "kill", id, attempt, `state = 'dead', last_error = ?, locked_until = NULL, done_at = ?,
		updated_at = ?`, truncate(errMsg, 2000), ms(now), ms(now))
}

// CheckpointJob durably records a claimed job's progress (for example "about to call the API"), so that a later
// attempt after a crash knows how far the previous one got.
func (s *Store) CheckpointJob(ctx context.Context, id int64, attempt int, now time.Time, checkpoint string) error {
	return s.fenced(ctx, "checkpoint", id, attempt, `checkpoint = ?, updated_at = ?`, checkpoint, ms(now))
}

// RequeueJob gives a dead job another round of attempts from now. clearCheckpoint forgets its progress note:
// the centre does that after checking that a delivery whose outcome was unknown did not in fact happen.
func (s *Store) RequeueJob(ctx context.Context, id int64, now time.Time, clearCheckpoint bool) error {
	set := `state = 'pending', attempts = 0, next_at = ?, done_at = NULL, updated_at = ?`
	if clearCheckpoint {
		set += `, checkpoint = ''`
	}
	res, err := s.db.ExecContext(ctx, s.d.rebind(`UPDATE outbox_jobs SET `+set+` WHERE id = ? AND state = 'dead'`), ms(now), ms(now), id)
	if err != nil {
		return fmt.Errorf("store: requeue job %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%w: job %d is not dead", model.ErrConflict, id)
	}
	return nil
}

// Job returns one job by id.
func (s *Store) Job(ctx context.Context, id int64) (Job, error) {
	return s.oneJob(ctx, `id = ?`, id)
}

// JobByKey returns the job with an idempotency key.
func (s *Store) JobByKey(ctx context.Context, key string) (Job, error) {
	return s.oneJob(ctx, `job_key = ?`, key)
}

func (s *Store) oneJob(ctx context.Context, where string, arg any) (Job, error) {
	j, err := scanJob(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+jobCols+` FROM outbox_jobs WHERE `+where), arg))
	if errors.Is(err, sql.ErrNoRows) {
		return j, notFound("job", arg)
	}
	if err != nil {
		return j, fmt.Errorf("store: get job %v: %w", arg, err)
	}
	return j, nil
}

// JobFilter selects jobs for a list; zero fields do not filter.
type JobFilter struct {
	State     JobState
	Kind      string
	KeyPrefix string
	Limit     int // default 100, at most 1000
}

// Jobs lists jobs, the most recently updated first. The centre's dead-letter view is Jobs(JobFilter{State: JobDead}).
func (s *Store) Jobs(ctx context.Context, f JobFilter) ([]Job, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	var where []string
	var args []any
	if f.State != "" {
		where, args = append(where, "state = ?"), append(args, string(f.State))
	}
	if f.Kind != "" {
		where, args = append(where, "kind = ?"), append(args, f.Kind)
	}
	if f.KeyPrefix != "" {
		// A range instead of LIKE: keys may hold % and _.
		where, args = append(where, "job_key >= ? AND job_key < ?"), append(args, f.KeyPrefix, f.KeyPrefix+"\U0010FFFF")
	}
	q := `SELECT ` + jobCols + ` FROM outbox_jobs`
	if len(where) > 0 {
		q += ` WHERE ` + strings.Join(where, " AND ")
	}
	q += fmt.Sprintf(` ORDER BY updated_at DESC, id DESC LIMIT %d`, f.Limit)
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), args...)
	if err != nil {
		return nil, fmt.Errorf("store: list jobs: %w", err)
	}
	defer rows.Close()
	var out []Job
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("store: scan job: %w", err)
		}
		out = append(out, j)
	}
	return out, rows.Err()
}

// DeadJobs lists the jobs the outbox gave up on, newest first: what the centre must look at.
func (s *Store) DeadJobs(ctx context.Context, limit int) ([]Job, error) {
	return s.Jobs(ctx, JobFilter{State: JobDead, Limit: limit})
}

// JobCounts returns how many jobs are in each state.
func (s *Store) JobCounts(ctx context.Context) (map[JobState]int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT state, COUNT(*) FROM outbox_jobs GROUP BY state`)
	if err != nil {
		return nil, fmt.Errorf("store: count jobs: %w", err)
	}
	defer rows.Close()
	out := map[JobState]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("store: count jobs: %w", err)
		}
		out[JobState(st)] = n
	}
	return out, rows.Err()
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 { // do not cut a UTF-8 sequence
		n--
	}
	return s[:n]
}

// Channel kinds a user may be notified through.
const (
	ChannelEmail    = "email"
	ChannelTelegram = "telegram"
)

// UserChannel is one way to reach a user, with the user's quiet hours on it.
type UserChannel struct {
	UserID    int64  `json:"user_id"`
	Kind      string `json:"kind"`                 // ChannelEmail or ChannelTelegram
	Address   string `json:"address"`              // e-mail address, or Telegram chat id
	QuietFrom string `json:"quiet_from,omitempty"` // "HH:MM" local; empty: the deployment's default
	QuietTo   string `json:"quiet_to,omitempty"`   // "HH:MM" local; equal to QuietFrom: never quiet
	TimeZone  string `json:"time_zone,omitempty"`  // IANA name; empty: the region's
	Enabled   bool   `json:"enabled"`
}

// PutUserChannel adds or replaces a user's channel of one kind.
func (s *Store) PutUserChannel(ctx context.Context, c UserChannel) error {
	if c.Kind != ChannelEmail && c.Kind != ChannelTelegram {
		return model.Invalid("kind", "must be email or telegram")
	}
	if strings.TrimSpace(c.Address) == "" {
		return model.Invalid("address", "required")
	}
	_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO user_channels(user_id, kind, address, quiet_from, quiet_to,
		time_zone, enabled) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, kind) DO UPDATE SET address = excluded.address,
		quiet_from = excluded.quiet_from, quiet_to = excluded.quiet_to, time_zone = excluded.time_zone,
		enabled = excluded.enabled`), c.UserID, c.Kind, c.Address, c.QuietFrom, c.QuietTo, c.TimeZone, c.Enabled)
	if err != nil {
		return fmt.Errorf("store: put channel %s of user %d: %w", c.Kind, c.UserID, err)
	}
	return nil
}

// DeleteUserChannel removes a user's channel of one kind.
func (s *Store) DeleteUserChannel(ctx context.Context, userID int64, kind string) error {
	if _, err := s.db.ExecContext(ctx, s.d.rebind(`DELETE FROM user_channels WHERE user_id = ? AND kind = ?`), userID, kind); err != nil {
		return fmt.Errorf("store: delete channel %s of user %d: %w", kind, userID, err)
	}
	return nil
}

// UserChannelsOf returns one user's channels, in kind order.
func (s *Store) UserChannelsOf(ctx context.Context, userID int64) ([]UserChannel, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT user_id, kind, address, quiet_from, quiet_to, time_zone, enabled
		FROM user_channels WHERE user_id = ? ORDER BY kind`), userID)
	if err != nil {
		return nil, fmt.Errorf("store: list channels of user %d: %w", userID, err)
	}
	defer rows.Close()
	var out []UserChannel
	for rows.Next() {
		var c UserChannel
		if err := rows.Scan(&c.UserID, &c.Kind, &c.Address, &c.QuietFrom, &c.QuietTo, &c.TimeZone, &c.Enabled); err != nil {
			return nil, fmt.Errorf("store: scan channel: %w", err)
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// UserChannels returns every channel of every user, keyed by user id, each user's in kind order.
func (s *Store) UserChannels(ctx context.Context) (map[int64][]UserChannel, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT user_id, kind, address, quiet_from, quiet_to, time_zone, enabled
		FROM user_channels ORDER BY user_id, kind`)
	if err != nil {
		return nil, fmt.Errorf("store: list channels: %w", err)
	}
	defer rows.Close()
	out := map[int64][]UserChannel{}
	for rows.Next() {
		var c UserChannel
		if err := rows.Scan(&c.UserID, &c.Kind, &c.Address, &c.QuietFrom, &c.QuietTo, &c.TimeZone, &c.Enabled); err != nil {
			return nil, fmt.Errorf("store: scan channel: %w", err)
		}
		out[c.UserID] = append(out[c.UserID], c)
	}
	return out, rows.Err()
}

// EventsToNotify lists events of the given types recorded at or after since that no dispatcher has handled yet
// (see Tx.MarkEventNotified), oldest first. Reading by "not yet handled" rather than by an id cursor means an
// event whose transaction commits late (PostgreSQL hands out ids before commit) is still seen.
func (s *Store) EventsToNotify(ctx context.Context, types []string, since time.Time, limit int) ([]model.Event, error) {
	if len(types) == 0 {
		return nil, nil
	}
	if limit <= 0 {
		limit = 100
	}
	ph := marks(len(types))
	args := append(toAny(types), ms(since))
	rows, err := s.db.QueryContext(ctx, s.d.rebind(fmt.Sprintf(`SELECT e.`+strings.ReplaceAll(eventCols, ", ", ", e.")+`
		FROM events e WHERE e.type IN (%s) AND e.at >= ?
		AND NOT EXISTS (SELECT 1 FROM notified_events n WHERE n.event_id = e.id) ORDER BY e.id LIMIT %d`, ph, limit)), args...)
	if err != nil {
		return nil, fmt.Errorf("store: events to notify: %w", err)
	}
	return collectEvents(rows)
}

// MarkEventNotified records that the notifications of an event were enqueued (jobs of them), in the same
// transaction as the jobs. It reports false when another dispatcher already did, and the caller must then roll
// back (return an error from WithTx) or simply enqueue nothing: job keys make a repeat harmless either way.
func (t *Tx) MarkEventNotified(ctx context.Context, eventID int64, jobs int, now time.Time) (bool, error) {
	var id int64
	err := t.tx.QueryRowContext(ctx, t.rebind(`INSERT INTO notified_events(event_id, jobs, at) VALUES (?, ?, ?)
		ON CONFLICT (event_id) DO NOTHING RETURNING event_id`), eventID, jobs, ms(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store: mark event %d notified: %w", eventID, err)
	}
	return true, nil
}
