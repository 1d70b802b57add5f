package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
)

// pipeConn is the PostgreSQL batcher's own connection (batch_pg.go),
// outside the pools: it stays in pipeline mode while batches follow one
// another, which database/sql's connections cannot. Only the batcher's
// goroutine uses it.
type pipeConn struct {
	conn *pgconn.PgConn
	// pipeline is the connection in pipeline mode, nil while idle; its
	// context is cancelled (cancel) to break a wedged connection.
	pipeline *pgconn.Pipeline
	cancel   context.CancelFunc
	types    *pgtype.Map
	stmts    map[string]*pipedStatement // by SQL text
	// idleSince is when the connection last left pipeline mode.
	idleSince time.Time
	// lost, once set, says the connection broke: batches sent on it have
	// an unknown outcome.
	lost error
}

// pipedStatement is a statement prepared on the connection, with the
// formats its parameters and columns travel in.
type pipedStatement struct {
	desc          *pgconn.StatementDescription
	paramFormats  []int16
	resultFormats []int16
}

// pipeApplicationName names the connection in pg_stat_activity, unless the
// database URL names its connections.
const pipeApplicationName = "palier batcher"

// pipeConnectTimeout bounds opening the connection.
const pipeConnectTimeout = 15 * time.Second

func openPipe(ctx context.Context, url string) (*pipeConn, error) {
	// pgx's parser, as the pools use: it knows the parameters that are
	// pgx's own and must not reach the server.
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("pipelined connection: %w", err)
	}
	if cfg.RuntimeParams["application_name"] == "" {
		// Named, so that an operator (and a test) tells it apart.
		cfg.RuntimeParams["application_name"] = pipeApplicationName
	}
	ctx, cancel := context.WithTimeout(ctx, pipeConnectTimeout)
	defer cancel()
	conn, err := pgconn.ConnectConfig(ctx, &cfg.Config)
	if err != nil {
		return nil, fmt.Errorf("pipelined connection: %w", err)
	}
	return &pipeConn{conn: conn, cancel: func() {}, types: pgtype.NewMap(),
		stmts: map[string]*pipedStatement{}, idleSince: time.Now()}, nil
}

// prepared says every job's statement is prepared, and the connection in
// pipeline mode.
func (p *pipeConn) prepared(jobs []batchJob) bool {
	if p.lost != nil || p.pipeline == nil {
		return false
	}
	for _, j := range jobs {
		if p.stmts[j.piped.sql] == nil {
			return false
		}
	}
	return true
}

// begin prepares the jobs' statements not prepared yet and puts the
// connection in pipeline mode; it does nothing when already there (a
// batch sent behind another has its statements prepared: prepared).
func (p *pipeConn) begin(ctx context.Context, jobs []batchJob) error {
	if p.pipeline != nil {
		return nil
	}
	for _, j := range jobs {
		if err := p.prepare(ctx, j.piped.sql); err != nil {
			return err
		}
	}
	pctx, cancel := context.WithCancel(context.Background())
	p.pipeline, p.cancel = p.conn.StartPipeline(pctx), cancel
	return nil
}

func (p *pipeConn) prepare(ctx context.Context, sql string) error {
	if p.stmts[sql] != nil {
		return nil
	}
	desc, err := p.conn.Prepare(ctx, fmt.Sprintf("palier_piped_%d", len(p.stmts)+1), sql, nil)
	if err != nil {
		return fmt.Errorf("prepare pipelined statement: %w", err)
	}
	st := &pipedStatement{desc: desc, paramFormats: make([]int16, len(desc.ParamOIDs)),
		resultFormats: make([]int16, len(desc.Fields))}
	for i, oid := range desc.ParamOIDs {
		st.paramFormats[i] = p.types.FormatCodeForOID(oid)
	}
	for i, f := range desc.Fields {
		st.resultFormats[i] = p.types.FormatCodeForOID(f.DataTypeOID)
	}
	p.stmts[sql] = st
	return nil
}

// send queues job's statement; nothing reaches the server before sync. An
// error (an argument that cannot be encoded) leaves nothing queued.
func (p *pipeConn) send(job *pipedJob) error {
	st := p.stmts[job.sql]
	values, err := p.encode(st, job.args)
	if err != nil {
		return err
	}
	p.pipeline.SendQueryStatement(st.desc, values, st.paramFormats, st.resultFormats)
	return nil
}

// encode turns args into st's parameters, in the formats st expects.
func (p *pipeConn) encode(st *pipedStatement, args []any) ([][]byte, error) {
	oids := st.desc.ParamOIDs
	if len(args) != len(oids) {
		return nil, fmt.Errorf("pipelined statement: %d arguments for %d parameters", len(args), len(oids))
	}
	values := make([][]byte, len(args))
	// One buffer for all: Encode appends. It must not be nil: Encode
	// answers an empty value appended to a nil buffer with nil, which is
	// NULL.
	buf := make([]byte, 0, 512)
	for i, arg := range args {
		start := len(buf)
		out, err := p.types.Encode(oids[i], st.paramFormats[i], arg, buf)
		if err != nil {
			return nil, fmt.Errorf("pipelined statement: argument %d: %w", i+1, err)
		}
		if out == nil { // NULL
			continue
		}
		buf = out
		values[i] = out[start:len(out):len(out)]
	}
	return values, nil
}

// sync sends the queued statements and a Sync, which ends their implicit
// transaction.
func (p *pipeConn) sync(ctx context.Context) error {
	defer p.watch(ctx)()
	if err := p.pipeline.Sync(); err != nil {
		return fmt.Errorf("send pipelined batch: %w", err)
	}
	return nil
}

// watch breaks the connection if ctx (a batch's time) ends before the
// returned stop is called: a wedged batch must not hold the batcher.
func (p *pipeConn) watch(ctx context.Context) (stop func() bool) {
	return context.AfterFunc(ctx, p.cancel)
}

// readRow reads the next statement's answer with job's row function.
func (p *pipeConn) readRow(job *pipedJob) (outcome, err error) {
	res, err := p.pipeline.GetResults()
	if err != nil {
		return nil, fmt.Errorf("pipelined statement: %w", err)
	}
	rr, ok := res.(*pgconn.ResultReader)
	if !ok {
		return nil, fmt.Errorf("pipelined statement: answered with %T", res)
	}
	return job.row(pipedRow{rr: rr, types: p.types})
}

// readSync reads the answer to a batch's Sync: its commit.
func (p *pipeConn) readSync(ctx context.Context) error {
	defer p.watch(ctx)()
	res, err := p.pipeline.GetResults()
	if err != nil {
		return err
	}
	if _, ok := res.(*pgconn.PipelineSync); !ok {
		return fmt.Errorf("pipelined commit: answered with %T", res)
	}
	return nil
}

// leavePipeline takes the connection out of pipeline mode (nothing is on
// its way).
func (p *pipeConn) leavePipeline() error {
	err := p.pipeline.Close()
	p.cancel()
	p.pipeline, p.idleSince = nil, time.Now()
	return err
}

// close closes the connection; it is not used again.
func (p *pipeConn) close() {
	p.cancel() // what the pipeline still waits for is not read
	if p.pipeline != nil {
		_ = p.pipeline.Close()
		p.pipeline = nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_ = p.conn.Close(ctx)
	if p.lost == nil {
		p.lost = errors.New("pipelined connection closed")
	}
}

// pipedRow is one row of a pipelined statement, read as database/sql reads
// a row.
type pipedRow struct {
	rr    *pgconn.ResultReader
	types *pgtype.Map
}

func (r pipedRow) Scan(dest ...any) error {
	if !r.rr.NextRow() {
		_, err := r.rr.Close()
		if err == nil {
			err = errors.New("no row")
		}
		return err
	}
	fields, values := r.rr.FieldDescriptions(), r.rr.Values()
	if len(dest) != len(values) {
		_, _ = r.rr.Close()
		return fmt.Errorf("%d columns for %d destinations", len(values), len(dest))
	}
	for i, d := range dest {
		if err := r.types.Scan(fields[i].DataTypeOID, fields[i].Format, values[i], d); err != nil {
			_, _ = r.rr.Close()
			return fmt.Errorf("column %s: %w", fields[i].Name, err)
		}
	}
	_, err := r.rr.Close()
	return err
}
