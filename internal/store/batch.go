package store

import (
	"context"
	"fmt"
	"sync"
)

// Group commit. With synchronous=FULL every SQLite commit waits for the
// disk, and SQLite has one writer: ticket intake would be capped by the
// disk's flush rate. The batcher runs the write transactions that arrive
// while a flush is in progress together, each in its own savepoint (one
// failing does not undo the others), and commits them with one flush. Each
// caller is answered only after that commit: acknowledged still means
// durably stored.

// maxBatch bounds a batch so one commit never holds many callers for long.
const maxBatch = 64

type batchJob struct {
	ctx  context.Context
	fn   func(tx *Tx) error
	done chan error
}

type batcher struct {
	s    *Store
	jobs chan batchJob
	quit chan struct{}
	once sync.Once // Close may run twice (a test closes early, its cleanup again)
}

func newBatcher(s *Store) *batcher {
	b := &batcher{s: s, jobs: make(chan batchJob), quit: make(chan struct{})}
	go b.loop()
	return b
}

func (b *batcher) stop() { b.once.Do(func() { close(b.quit) }) }

// inBatch runs fn in a write transaction shared with concurrent callers
// (SQLite), or in a transaction of its own (PostgreSQL, whose commits
// already proceed in parallel).
func (s *Store) inBatch(ctx context.Context, fn func(tx *Tx) error) error {
	if s.batch == nil {
		return s.inTx(ctx, fn)
	}
	job := batchJob{ctx: ctx, fn: fn, done: make(chan error, 1)}
	select {
	case s.batch.jobs <- job:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.batch.quit:
		return fmt.Errorf("store is closed")
	}
	// The job is in a batch now: wait for its commit even if the caller
	// gives up, so that "acknowledged" and "stored" never disagree.
	return <-job.done
}

func (b *batcher) loop() {
	for {
		var first batchJob
		select {
		case first = <-b.jobs:
		case <-b.quit:
			return
		}
		batch := []batchJob{first}
	drain:
		for len(batch) < maxBatch {
			select {
			case j := <-b.jobs:
				batch = append(batch, j)
			default:
				break drain
			}
		}
		b.run(batch)
	}
}

// run executes one batch: every job in its savepoint, then one commit.
func (b *batcher) run(batch []batchJob) {
	results := make([]error, len(batch))
	err := b.s.inTx(context.Background(), func(tx *Tx) error {
		for i, j := range batch {
			results[i] = runInSavepoint(tx, j)
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

func runInSavepoint(tx *Tx, j batchJob) error {
	if err := j.ctx.Err(); err != nil {
		return err
	}
	if _, err := tx.Tx.ExecContext(j.ctx, `SAVEPOINT job`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	if err := j.fn(tx); err != nil {
		if _, rbErr := tx.Tx.ExecContext(context.Background(), `ROLLBACK TO job`); rbErr != nil {
			return fmt.Errorf("%w (and rolling back its savepoint failed: %v)", err, rbErr)
		}
		_, _ = tx.Tx.ExecContext(context.Background(), `RELEASE job`)
		return err
	}
	if _, err := tx.Tx.ExecContext(context.Background(), `RELEASE job`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}
