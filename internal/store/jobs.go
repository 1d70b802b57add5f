package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// The durable job queue's storage (package jobs runs the workers). A job
// row moves queued → running (claimed, with a lease) → done or failed, or
// back to queued with a later run_at to retry. Every transition after the
// claim names the lease token it was claimed with, so a worker whose lease
// lapsed (and whose job another worker took over) cannot overwrite the
// newer attempt's outcome.

// Job states.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// DefaultMaxAttempts is how many times a job runs before it is failed.
const DefaultMaxAttempts = 10

// NewJob is a job to enqueue.
type NewJob struct {
	Kind    string
	Payload []byte // JSON; empty means {}
	// RunAt is when the job becomes due; zero means now.
	RunAt       time.Time
	MaxAttempts int // 0 means DefaultMaxAttempts
	// UniqueKey, when set, makes enqueueing idempotent: a second job with
	// the same key is not added while the first one is kept (whatever its
	// state; finished jobs are pruned after a retention period).
	UniqueKey string
}

// Job is a claimed job, or a job's stored state.
type Job struct {
	ID          int64
	Kind        string
	Payload     []byte
	State       string
	RunAt       time.Time
	Attempts    int // including the current one, once claimed
	MaxAttempts int
	LeaseUntil  *time.Time
	LeaseToken  string
	LastError   string
	UniqueKey   string
}

// Enqueue adds a job in a transaction of its own. It reports the job's id
// and whether it was added (false: a job with its unique key exists).
func (s *Store) Enqueue(ctx context.Context, j NewJob) (id int64, added bool, err error) {
	err = s.inTx(ctx, func(tx *Tx) error {
		id, added, err = s.EnqueueTx(ctx, tx, j)
		return err
	})
	return id, added, err
}

// EnqueueTx adds a job inside the caller's transaction, so the job exists
// exactly when the change that caused it commits.
func (s *Store) EnqueueTx(ctx context.Context, tx *Tx, j NewJob) (id int64, added bool, err error) {
	if j.Kind == "" {
		return 0, false, errors.New("enqueue: a job needs a kind")
	}
	now := s.now()
	runAt := j.RunAt
	if runAt.IsZero() {
		runAt = now
	}
	if j.MaxAttempts <= 0 {
		j.MaxAttempts = DefaultMaxAttempts
	}
	payload := string(j.Payload)
	if payload == "" {
		payload = "{}"
	}
	var key any
	if j.UniqueKey != "" {
		key = j.UniqueKey
	}
	err = tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, run_at, max_attempts, unique_key, created_at)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (unique_key) DO NOTHING RETURNING id`,
		j.Kind, payload, ms(runAt), j.MaxAttempts, key, ms(now)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) { // the unique key exists already
		err = tx.QueryRowContext(ctx, `SELECT id FROM jobs WHERE unique_key = $1`, j.UniqueKey).Scan(&id)
		if err != nil {
			return 0, false, fmt.Errorf("enqueue %s: find existing job: %w", j.Kind, err)
		}
		return id, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("enqueue %s: %w", j.Kind, err)
	}
	return id, true, nil
}

const jobColumns = `id, kind, payload, state, run_at, attempts, max_attempts, lease_until, lease_token, last_error, COALESCE(unique_key, '')`

func scanJob(r interface{ Scan(...any) error }) (Job, error) {
	var j Job
	var payload string
	var runAt int64
	var lease sql.NullInt64
	err := r.Scan(&j.ID, &j.Kind, &payload, &j.State, &runAt, &j.Attempts, &j.MaxAttempts, &lease, &j.LeaseToken, &j.LastError, &j.UniqueKey)
	j.Payload = []byte(payload)
	j.RunAt = fromMS(runAt)
	j.LeaseUntil = optMS(lease)
	return j, err
}

// ClaimJobs claims up to limit due jobs of the given kinds for lease: queued
// jobs whose run_at has come, and running jobs whose lease lapsed (their
// worker died). Each claim counts as an attempt. On PostgreSQL the rows are
// picked with FOR UPDATE SKIP LOCKED, so concurrent instances never claim
// the same job and never wait on each other; on SQLite the single writer
// serialises claims.
func (s *Store) ClaimJobs(ctx context.Context, now time.Time, lease time.Duration, limit int, kinds []string) ([]Job, error) {
	if limit <= 0 || len(kinds) == 0 {
		return nil, nil
	}
	token := rand.Text()
	var out []Job
	err := s.inTx(ctx, func(tx *Tx) error {
		// A job whose last allowed attempt died with its worker is failed
		// rather than left running forever.
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = $1, finished_at = $2,
			last_error = CASE WHEN last_error = '' THEN 'the worker stopped during the last attempt' ELSE last_error END
			WHERE state = $3 AND lease_until <= $2 AND attempts >= max_attempts`, JobFailed, ms(now), JobRunning); err != nil {
			return fmt.Errorf("fail lapsed jobs: %w", err)
		}
		args := []any{ms(now), JobQueued, JobRunning, limit}
		marks := make([]string, len(kinds))
		for i, k := range kinds {
			args = append(args, k)
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		lock := ""
		if s.dialect == Postgres {
			lock = " FOR UPDATE SKIP LOCKED"
		}
		args = append(args, ms(now.Add(lease)), token)
		n := len(args)
		q := `WITH next AS (SELECT id FROM jobs
				WHERE ((state = $2 AND run_at <= $1) OR (state = $3 AND lease_until <= $1 AND attempts < max_attempts))
				AND kind IN (` + strings.Join(marks, ", ") + `)
				ORDER BY run_at, id LIMIT $4` + lock + `)
			UPDATE jobs SET state = $3, attempts = attempts + 1, lease_until = $` + fmt.Sprint(n-1) + `, lease_token = $` + fmt.Sprint(n) + `
			FROM next WHERE jobs.id = next.id
			RETURNING jobs.id, jobs.kind, jobs.payload, jobs.state, jobs.run_at, jobs.attempts, jobs.max_attempts, jobs.lease_until,
				jobs.lease_token, jobs.last_error, COALESCE(jobs.unique_key, '')`
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("claim jobs: %w", err)
		}
		list, err := collect(rows, func(r *sql.Rows) (Job, error) { return scanJob(r) })
		out = list
		return err
	})
	return out, err
}

// CompleteJob records that a claimed job succeeded. It reports false when
// the claim was lost (the lease lapsed and another worker took the job).
func (s *Store) CompleteJob(ctx context.Context, j Job, now time.Time) (bool, error) {
	return s.finishJob(ctx, `UPDATE jobs SET state = $1, finished_at = $2, lease_until = NULL, last_error = ''
		WHERE id = $3 AND lease_token = $4 AND state = $5`, JobDone, ms(now), j.ID, j.LeaseToken, JobRunning)
}

// RetryJob records a failed attempt and makes the job due again at runAt.
func (s *Store) RetryJob(ctx context.Context, j Job, runAt time.Time, errMsg string) (bool, error) {
	return s.finishJob(ctx, `UPDATE jobs SET state = $1, run_at = $2, lease_until = NULL, last_error = $3
		WHERE id = $4 AND lease_token = $5 AND state = $6`, JobQueued, ms(runAt), clip(errMsg, 2000), j.ID, j.LeaseToken, JobRunning)
}

// FailJob records that a claimed job failed for good.
func (s *Store) FailJob(ctx context.Context, j Job, now time.Time, errMsg string) (bool, error) {
	return s.finishJob(ctx, `UPDATE jobs SET state = $1, finished_at = $2, lease_until = NULL, last_error = $3
		WHERE id = $4 AND lease_token = $5 AND state = $6`, JobFailed, ms(now), clip(errMsg, 2000), j.ID, j.LeaseToken, JobRunning)
}

func (s *Store) finishJob(ctx context.Context, q string, args ...any) (bool, error) {
	return s.updateOne(ctx, "finish job", q, args...)
}

// updateOne runs a conditional update of one row (a job or a mailbox held
// under a lease) and reports whether it applied: false when the condition
// no longer holds (the lease was taken over meanwhile).
func (s *Store) updateOne(ctx context.Context, what, q string, args ...any) (bool, error) {
	var n int64
	err := s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// JobByID returns a job's stored state.
func (s *Store) JobByID(ctx context.Context, id int64) (Job, error) {
	j, err := scanJob(s.write.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return j, fmt.Errorf("job %d: %w", id, sql.ErrNoRows)
	}
	return j, err
}

// CountJobs counts jobs of a kind in a state ("" for every state).
func (s *Store) CountJobs(ctx context.Context, kind, state string) (int, error) {
	var n int
	err := s.write.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE kind = $1 AND ($2 = '' OR state = $2)`, kind, state).Scan(&n)
	return n, err
}

// NextJobDue returns when the earliest queued job becomes due, or the zero
// time when none is queued: workers sleep until then instead of polling.
func (s *Store) NextJobDue(ctx context.Context) (time.Time, error) {
	var at sql.NullInt64
	err := s.write.QueryRowContext(ctx, `SELECT min(run_at) FROM jobs WHERE state = $1`, JobQueued).Scan(&at)
	if err != nil || !at.Valid {
		return time.Time{}, err
	}
	return fromMS(at.Int64), nil
}

// PruneJobs deletes finished jobs older than before, a bounded number at a
// time, so the queue's table stays small.
func (s *Store) PruneJobs(ctx context.Context, before time.Time, limit int) (int64, error) {
	var n int64
	err := s.inTx(ctx, func(tx *Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state IN ($1, $2) AND finished_at < $3 ORDER BY id LIMIT $4)`,
			JobDone, JobFailed, ms(before), limit)
		if err != nil {
			return fmt.Errorf("prune jobs: %w", err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// clip bounds a stored message, cutting on a rune boundary.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for len(s) > 0 && !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// requeueJob makes the job named key due at now with fresh attempts and
// no lease (a retry asked for by hand), when its state is one of from; it
// reports false when there is no such job (pruned, or in another state).
func requeueJob(ctx context.Context, tx *Tx, key string, now int64, from ...string) (bool, error) {
	a := &sqlArgs{}
	query := `UPDATE jobs SET state = ` + a.arg(JobQueued) + `, run_at = ` + a.arg(now) + `, attempts = 0, last_error = '', finished_at = NULL,
		lease_until = NULL, lease_token = '' WHERE unique_key = ` + a.arg(key) + ` AND state IN (`
	for i, state := range from {
		if i > 0 {
			query += ", "
		}
		query += a.arg(state)
	}
	res, err := tx.ExecContext(ctx, query+`)`, a.args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}
