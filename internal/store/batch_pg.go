package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Pipelined group commit on PostgreSQL. The batcher runs a batch's jobs one
// after another on one connection: each statement waited for its answer
// before the next was sent, and the transaction's begin and commit were
// round trips of their own. On a busy machine every round trip also waits
// for the batcher and the backend to be scheduled again, and the batch is
// what every ticket of the workspace queues behind.
//
// A job that is one statement, writes nothing unless it succeeds, and
// tells its outcome in its one row (pipedJob: intake without a hook) is
// sent with the others of its batch in one pipeline, with no BEGIN: the
// statements before PostgreSQL's Sync message form one implicit
// transaction, committed at the Sync, and no caller is answered before the
// Sync's own answer has been read (with synchronous_commit on, the commit
// is flushed by then): one round trip and one flush per batch. A job whose statement refused it
// (an unknown reference) wrote nothing and does not disturb the others. If
// a statement fails, PostgreSQL rolls the whole implicit transaction back:
// then each job runs alone, in a transaction of its own, as when a batch of
// closures fails (runWhole).

// pipedJob is a job as one statement.
type pipedJob struct {
	sql  string
	args []any
	// row reads the statement's row: err when the statement failed (the
	// pipeline is rolled back), else the job's outcome; errCustomerRace
	// asks for the job to run alone.
	row func(row interface{ Scan(...any) error }) (outcome, err error)
	// alone is the job as a transaction's closure, for when it runs alone.
	alone func(ctx context.Context, tx *Tx) error
}

// inPipeline runs job in the batch (pipelined on PostgreSQL); without a
// batcher, alone in a transaction.
func (s *Store) inPipeline(ctx context.Context, job pipedJob) error {
	if s.batch == nil || s.dialect != Postgres {
		return s.inTx(ctx, func(tx *Tx) error { return job.alone(ctx, tx) })
	}
	j := batchJob{ctx: ctx, fn: job.alone, piped: &job, done: make(chan error, 1)}
	select {
	case s.batch.jobs <- j:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.batch.quit:
		return fmt.Errorf("store is closed")
	}
	return <-j.done // see inBatch: acknowledged and stored never disagree
}

// errPipelineFailed says a statement of the pipeline failed: nothing of it
// was committed.
var errPipelineFailed = errors.New("a statement of the pipeline failed")

// runPiped runs jobs (all with piped set, none cancelled) as one pipeline
// and answers each.
func (b *batcher) runPiped(ctx context.Context, jobs []batchJob) {
	outcomes := make([]error, len(jobs))
	err := b.s.pipeline(ctx, jobs, outcomes)
	for i, j := range jobs {
		switch {
		case errors.Is(err, errPipelineFailed) || err == nil && errors.Is(outcomes[i], errCustomerRace):
			// Nothing of this job is stored: it runs alone.
			j.done <- b.s.inTx(ctx, func(tx *Tx) error { return j.fn(mergeValues(ctx, j.ctx), tx) })
		case err != nil:
			j.done <- err // the commit failed, or may have: reported as is
		default:
			j.done <- outcomes[i]
		}
	}
}

// pipeline sends the jobs' statements in one pipeline (one implicit
// transaction) and reads each job's outcome into outcomes.
func (s *Store) pipeline(ctx context.Context, jobs []batchJob, outcomes []error) error {
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return fmt.Errorf("%w: connect: %v", errPipelineFailed, err)
	}
	defer conn.Close()
	return conn.Raw(func(dc any) error {
		pc, ok := dc.(*stdlib.Conn)
		if !ok {
			return fmt.Errorf("%w: unexpected driver connection %T", errPipelineFailed, dc)
		}
		batch := &pgx.Batch{}
		for _, j := range jobs {
			batch.Queue(j.piped.sql, j.piped.args...)
		}
		results := pc.Conn().SendBatch(ctx, batch)
		var failed error
		for i, j := range jobs {
			outcome, err := j.piped.row(results.QueryRow())
			if err != nil && failed == nil {
				failed = err
			}
			outcomes[i] = outcome
		}
		// Close reads up to the Sync's answer: the implicit transaction
		// is committed (and flushed) or rolled back by then.
		closeErr := results.Close()
		if pgErr := (*pgconn.PgError)(nil); errors.As(failed, &pgErr) {
			// PostgreSQL refused a statement: it rolled the rest back.
			return fmt.Errorf("%w: %v", errPipelineFailed, failed)
		}
		if failed != nil {
			// Anything else (a connection lost) leaves the commit unknown.
			return fmt.Errorf("%w: %w", ErrOutcomeUnknown, failed)
		}
		return Postgres.commitError(closeErr)
	})
}
