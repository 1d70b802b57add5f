package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Pipelined group commit on PostgreSQL. A job that is one statement,
// writes nothing unless it succeeds, and tells its outcome in its one row
// (pipedJob: intake without a hook) is sent with the others of its batch
// in one pipeline on the batcher's own connection (pipeConn), with no
// BEGIN: the statements before PostgreSQL's Sync message form one
// implicit transaction, committed at the Sync, and no caller is answered
// before the Sync's own answer has been read (with synchronous_commit on,
// the commit is flushed by then): one round trip and one flush per batch.
// A job whose statement refused it (an unknown reference) wrote nothing
// and does not disturb the others. If a statement fails, PostgreSQL rolls
// the whole implicit transaction back, up to its Sync: then each job of
// that batch runs alone, in a transaction of its own, as when a batch of
// closures fails (runWhole).
//
// The next batch does not wait for the current one's commit. Once the
// current batch's statements have answered, the jobs that arrived
// meanwhile are sent behind its Sync on the same connection: PostgreSQL
// runs them as soon as the commit is flushed, with no second backend and
// no wait on the workspace's numbering row, while Palier reads the commit
// and answers the current batch's callers. That turnaround was about a
// third of a batch's cycle on the serial path (bench/README.md,
// sixteenth and seventeenth sessions). A batch is sent behind another only
// when nothing else has to run first: the current batch's statements all
// answered and none of its jobs must run again alone, the new batch holds
// no closure job, and its statements are prepared. Anything run on another
// connection (a job alone, closures) runs with nothing in flight on the
// pipeline, so the batcher never waits on a lock that its own uncommitted
// pipeline holds.
//
// A connection lost (or the batch timeout) while a batch is on its way
// leaves that batch's outcome unknown, and that of a batch sent behind
// it: their callers get ErrOutcomeUnknown, and the next batch opens a new
// connection.

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
	return s.batch.submit(batchJob{ctx: ctx, fn: job.alone, piped: &job, done: make(chan error, 1)})
}

// sentBatch is a pipelined batch whose statements and Sync have been sent.
type sentBatch struct {
	on       *pipeConn
	jobs     []batchJob
	outcomes []error
	// failed is the statement error PostgreSQL answered: it rolled the
	// batch back.
	failed error
}

// clean says a batch may be sent behind sb's commit: its statements all
// answered and none of its jobs runs again.
func (sb *sentBatch) clean() bool {
	return sb.on.lost == nil && sb.failed == nil && !slices.ContainsFunc(sb.outcomes, runsAlone)
}

// runsAlone says a job's outcome asks for it to run again alone.
func runsAlone(outcome error) bool { return errors.Is(outcome, errCustomerRace) }

// loopPG is loop on PostgreSQL: it sends a batch behind the commit of the
// one before when it can (see above).
func (b *batcher) loopPG() {
	defer b.dropPipe()
	var sent *sentBatch // on its way: statements answered, commit not read yet
	for {
		var batch []batchJob
		if sent == nil {
			b.idlePipe()
			first, ok := b.wait()
			if !ok {
				return
			}
			batch = b.collect([]batchJob{first})
		} else {
			batch = b.collect(nil)
		}
		sent = b.cyclePG(batch, sent)
	}
}

// cyclePG answers sent's callers and runs batch; it returns the batch left
// on its way, if any.
func (b *batcher) cyclePG(batch []batchJob, sent *sentBatch) *sentBatch {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	defer cancel()
	var piped, closures []batchJob
	for _, j := range batch {
		switch {
		case j.ctx.Err() != nil: // cancelled before its turn: dropped
			j.done <- j.ctx.Err()
		case j.piped != nil:
			piped = append(piped, j)
		default:
			closures = append(closures, j)
		}
	}
	var next *sentBatch
	if sent != nil && sent.clean() && len(piped) > 0 && len(closures) == 0 && sent.on.prepared(piped) {
		if next = b.sendPiped(ctx, piped); next != nil {
			b.stacked.Add(1)
		}
		piped = nil // sent, or answered
	}
	if sent != nil {
		b.finish(ctx, sent)
	}
	if len(closures) > 0 {
		b.runWhole(ctx, closures)
	}
	if len(piped) > 0 {
		next = b.sendPiped(ctx, piped)
	}
	if next != nil {
		b.readStatements(ctx, next)
	}
	return next
}

// sendPiped sends jobs as one pipelined batch. When the batch cannot be
// sent (no connection), its jobs run alone, and nil is returned.
func (b *batcher) sendPiped(ctx context.Context, jobs []batchJob) *sentBatch {
	p, err := b.pipeFor(ctx, jobs)
	if err != nil {
		for _, j := range jobs { // nothing was sent
			j.done <- b.runAlone(ctx, j)
		}
		return nil
	}
	sb := &sentBatch{on: p}
	for _, j := range jobs {
		if err := p.send(j.piped); err != nil {
			j.done <- err // refused before anything of it was sent
			continue
		}
		sb.jobs = append(sb.jobs, j)
	}
	sb.outcomes = make([]error, len(sb.jobs))
	if err := p.sync(ctx); err != nil {
		b.lose(p, err)
	}
	return sb
}

// readStatements reads the answers of sb's statements, up to the first
// that failed.
func (b *batcher) readStatements(ctx context.Context, sb *sentBatch) {
	p := sb.on
	if p.lost != nil {
		return
	}
	defer p.watch(ctx)()
	for i, j := range sb.jobs {
		outcome, err := p.readRow(j.piped)
		if statementRefused(err) {
			sb.failed = err // nothing of the batch is committed; the rest has no answer
			return
		}
		if err != nil {
			b.lose(p, err)
			return
		}
		sb.outcomes[i] = outcome
	}
}

// finish reads sb's commit and answers its callers.
func (b *batcher) finish(ctx context.Context, sb *sentBatch) {
	p := sb.on
	var commitErr error
	if p.lost == nil {
		commitErr = p.readSync(ctx)
		if commitErr != nil && !statementRefused(commitErr) {
			b.lose(p, commitErr)
		}
	}
	for i, j := range sb.jobs {
		switch {
		case p.lost != nil:
			j.done <- fmt.Errorf("pipelined commit: %w: %w", ErrOutcomeUnknown, p.lost)
		case commitErr != nil:
			j.done <- Postgres.commitError(commitErr) // refused: nothing of the batch is stored
		case sb.failed != nil || runsAlone(sb.outcomes[i]):
			j.done <- b.runAlone(ctx, j) // nothing of this job is stored
		default:
			j.done <- sb.outcomes[i]
		}
	}
	if statementOutdated(sb.failed) {
		// It would fail every batch the same way: start over on a new
		// connection, which prepares again.
		b.dropPipe()
	}
}

// statementRefused says err is PostgreSQL refusing a statement or a commit
// on a connection that goes on (not a FATAL error, which ends it).
func statementRefused(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && pgErr.Severity != "FATAL" && pgErr.Severity != "PANIC"
}

// statementOutdated says err is PostgreSQL refusing a prepared statement
// itself, as a schema changed since it was prepared makes it (SQLSTATE
// 0A000 "cached plan must not change result type", 26000 no such
// statement, class 42 an undefined table or column), rather than one
// batch's data (class 22 or 23) or its moment (class 40, a deadlock with
// another instance's batch).
func statementOutdated(err error) bool {
	pgErr, ok := errors.AsType[*pgconn.PgError](err)
	return ok && (pgErr.Code == "0A000" || pgErr.Code == "26000" || strings.HasPrefix(pgErr.Code, "42"))
}

// pipeFor returns the batcher's connection in pipeline mode with the jobs'
// statements prepared, opening it if needed.
func (b *batcher) pipeFor(ctx context.Context, jobs []batchJob) (*pipeConn, error) {
	if b.pipe != nil && b.pipe.pipeline == nil && time.Since(b.pipe.idleSince) > time.Second {
		// Idle for a while: make sure it is still there before sending
		// anything whose outcome a lost connection would make unknown.
		if err := b.pipe.conn.Ping(ctx); err != nil {
			b.dropPipe()
		}
	}
	if b.pipe == nil {
		p, err := openPipe(ctx, b.s.pgURL)
		if err != nil {
			return nil, err
		}
		b.pipe = p
	}
	if err := b.pipe.begin(ctx, jobs); err != nil {
		b.dropPipe()
		return nil, err
	}
	return b.pipe, nil
}

// lose marks p's connection lost with err, closes it, and forgets it.
func (b *batcher) lose(p *pipeConn, err error) {
	if p.lost != nil {
		return // closed already
	}
	p.lost = err
	// Each caller's failure is logged where it is answered; this says why,
	// once.
	slog.Warn("store: ticket intake's connection lost; the batches on their way have an unknown outcome, the next opens a new connection", "err", err)
	p.close()
	if b.pipe == p {
		b.pipe = nil
	}
}

// dropPipe closes the batcher's connection, if any.
func (b *batcher) dropPipe() {
	if b.pipe != nil {
		b.pipe.close()
		b.pipe = nil
	}
}

// idlePipe takes the connection out of pipeline mode while no batch is on
// its way, so that it can be checked when the next one comes.
func (b *batcher) idlePipe() {
	if b.pipe == nil || b.pipe.pipeline == nil {
		return
	}
	if err := b.pipe.leavePipeline(); err != nil {
		b.dropPipe()
	}
}
