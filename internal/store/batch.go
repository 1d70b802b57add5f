package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Group commit. With synchronous=FULL every SQLite commit waits for the
// disk, and SQLite has one writer: ticket intake would be capped by the
// disk's flush rate. The batcher runs the write transactions that arrive
// while a flush is in progress together, each in its own savepoint (one
// failing does not undo the others), and commits them with one flush. Each
// caller is answered only after that commit: acknowledged still means
// durably stored.

// Cancellation. A caller's context must never reach a statement of the
// shared transaction: SQLite answers an interrupted write inside a
// transaction by rolling the whole transaction back, which would fail every
// other caller of the batch (and report "cannot commit - no transaction is
// active" on tickets it had stored). So a job cancelled before its turn is
// dropped, and once its savepoint has begun it runs to the end on a context
// without cancellation: its outcome, stored or not, is reported truthfully.
// The batch itself runs on a context of its own, bounded by batchTimeout.

// PostgreSQL. Commits there proceed in parallel, but a new ticket holds its
// workspace's numbering row locked until its commit has flushed: tickets of
// one workspace were written one flush at a time. Batched, they share the
// lock and the flush. Savepoints would cost two round trips per ticket, so
// a PostgreSQL batch runs its jobs without them, and only jobs that write
// nothing when they fail are sent to it (createTicketOneStatement); a job
// that fails anyway (a refused ticket, a broken connection) makes the whole
// batch roll back and each of its jobs run again in a transaction of its
// own, so a job's outcome never depends on its neighbours. Jobs that are
// one statement are not even run one after another: batch_pg.go pipelines
// them, and sends the next batch behind the current one's commit.

// batchTimeout bounds one batch (a wedged disk); when it fires the whole
// batch fails and is reported failed, which is the truth; on PostgreSQL's
// pipeline its outcome is reported unknown (ErrOutcomeUnknown), since
// statements already sent may still commit.
const batchTimeout = 30 * time.Second

// maxBatch bounds a batch so one commit never holds many callers for long.
const maxBatch = 64

type batchJob struct {
	ctx context.Context
	fn  func(ctx context.Context, tx *Tx) error
	// piped, when set (PostgreSQL), is fn as one statement: such jobs of a
	// batch are pipelined together (batch_pg.go).
	piped *pipedJob
	done  chan error
}

type batcher struct {
	s      *Store
	jobs   chan batchJob
	quit   chan struct{}
	exited chan struct{} // closed when the loop has returned
	once   sync.Once     // Close may run twice (a test closes early, its cleanup again)
	// timeout bounds one batch: batchTimeout (tests shorten it).
	timeout time.Duration
	// pipe is PostgreSQL's pipelined connection, opened at first use
	// (batch_pg.go); stacked counts the batches sent on it behind another
	// one's commit.
	pipe    *pipeConn
	stacked atomic.Int64
}

func newBatcher(s *Store) *batcher {
	b := &batcher{s: s, jobs: make(chan batchJob), quit: make(chan struct{}), exited: make(chan struct{}),
		timeout: batchTimeout}
	go func() {
		defer close(b.exited)
		if s.dialect == Postgres {
			b.loopPG()
			return
		}
		b.loop()
	}()
	return b
}

// stop ends the loop once the batch it runs is answered, and waits for it
// (on PostgreSQL the loop closes its own connection).
func (b *batcher) stop() {
	b.once.Do(func() { close(b.quit) })
	<-b.exited
}

// inBatch runs fn in a write transaction shared with concurrent callers.
// fn must use the context it is given, never the caller's: see
// "Cancellation" above. On PostgreSQL fn must write nothing when it fails
// (see "PostgreSQL" above) and may run twice.
func (s *Store) inBatch(ctx context.Context, fn func(ctx context.Context, tx *Tx) error) error {
	if s.batch == nil {
		return s.inTx(ctx, func(tx *Tx) error { return fn(ctx, tx) })
	}
	return s.batch.submit(batchJob{ctx: ctx, fn: fn, done: make(chan error, 1)})
}

// submit hands j to the loop and waits for its outcome.
func (b *batcher) submit(j batchJob) error {
	select {
	case b.jobs <- j:
	case <-j.ctx.Done():
		return j.ctx.Err()
	case <-b.quit:
		return fmt.Errorf("store is closed")
	}
	// The job is in a batch now: wait for its commit even if the caller
	// gives up, so that "acknowledged" and "stored" never disagree.
	return <-j.done
}

func (b *batcher) loop() {
	for {
		first, ok := b.wait()
		if !ok {
			return
		}
		b.run(b.collect([]batchJob{first}))
	}
}

// wait returns the next job, or false once the batcher is stopped.
func (b *batcher) wait() (batchJob, bool) {
	select {
	case j := <-b.jobs:
		return j, true
	case <-b.quit:
		return batchJob{}, false
	}
}

// collect adds to batch the jobs already waiting, up to maxBatch.
func (b *batcher) collect(batch []batchJob) []batchJob {
	for len(batch) < maxBatch {
		select {
		case j := <-b.jobs:
			batch = append(batch, j)
		default:
			return batch
		}
	}
	return batch
}

// run executes one SQLite batch: every job in its savepoint, then one
// commit.
func (b *batcher) run(batch []batchJob) {
	results := make([]error, len(batch))
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	err := b.s.inTx(ctx, func(tx *Tx) error {
		for i, j := range batch {
			results[i] = runInSavepoint(ctx, tx, j)
		}
		return nil
	})
	for i, j := range batch {
		if err != nil && results[i] == nil {
			results[i] = err // the shared commit failed: nothing of the batch is stored
		}
		j.done <- results[i]
	}
}

// runInSavepoint runs one job on the batch's context: a job cancelled before
// its turn is dropped; after that its caller's cancellation no longer
// reaches it (the job keeps the caller's values, for logging and tracing).
func runInSavepoint(batchCtx context.Context, tx *Tx, j batchJob) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	ctx := mergeValues(batchCtx, j.ctx)
	if _, err := tx.Tx.ExecContext(ctx, `SAVEPOINT job`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := j.fn(ctx, tx); err != nil {
		if _, rbErr := tx.Tx.ExecContext(ctx, `ROLLBACK TO job`); rbErr != nil {
			return fmt.Errorf("%w (and rolling back its savepoint failed: %v)", err, rbErr)
		}
		_, _ = tx.Tx.ExecContext(ctx, `RELEASE job`)
		return err
	}
	if _, err := tx.Tx.ExecContext(ctx, `RELEASE job`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// valuesOf is a context with the deadline and cancellation of one context
// and the values of another.
type valuesOf struct {
	context.Context // deadline, cancellation
	values          context.Context
}

func (v valuesOf) Value(key any) any { return v.values.Value(key) }

func mergeValues(batchCtx, caller context.Context) context.Context {
	return valuesOf{Context: batchCtx, values: caller}
}

// errJobFailed stops a PostgreSQL batch at its first failing job.
var errJobFailed = errors.New("a job of the batch failed")

// runWhole executes jobs (none cancelled) as one PostgreSQL transaction
// without savepoints; if one fails, every job again in its own transaction.
func (b *batcher) runWhole(ctx context.Context, jobs []batchJob) {
	err := b.s.inTx(ctx, func(tx *Tx) error {
		for _, j := range jobs {
			if err := j.fn(mergeValues(ctx, j.ctx), tx); err != nil {
				return errJobFailed
			}
		}
		return nil
	})
	if errors.Is(err, errJobFailed) { // a failed commit is reported as is: it may have happened
		for _, j := range jobs {
			j.done <- b.runAlone(ctx, j)
		}
		return
	}
	for _, j := range jobs {
		j.done <- err
	}
}

// runAlone runs job j in a transaction of its own.
func (b *batcher) runAlone(ctx context.Context, j batchJob) error {
	return b.s.inTx(ctx, func(tx *Tx) error { return j.fn(mergeValues(ctx, j.ctx), tx) })
}
