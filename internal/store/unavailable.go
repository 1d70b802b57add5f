package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// Unavailable reports whether err means the database cannot be reached or
// is not serving right now (PostgreSQL down, restarting or unreachable, a
// connection cut; SQLite locked by another process beyond its busy
// timeout), as opposed to a fault in the request or in Palier. The edges
// answer such errors 503 with Retry-After: trying again later can succeed.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE) {
		return true
	}
	if _, ok := errors.AsType[*pgconn.ConnectError](err); ok {
		return true
	}
	if pe, ok := errors.AsType[*pgconn.PgError](err); ok {
		// Class 08: connection exception; 57P01–57P03: the server is
		// shutting down or not accepting connections yet.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	if ne, ok := errors.AsType[*net.OpError](err); ok && ne != nil {
		return true
	}
	msg := err.Error()
	// Neither driver exports these as types.
	return strings.Contains(msg, "database is locked") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "failed to connect")
}

// Outages are reported, not every request they fail: one log line when the
// database becomes unavailable, then at most one per outageLogEvery with the
// number of requests refused meanwhile. The count lives in the Store, so
// each database (and each test's) has its own.
const outageLogEvery = 30 * time.Second

type outageLog struct {
	mu      sync.Mutex
	last    time.Time
	refused int
}

// ReportUnavailable logs an unavailability error of this store's database,
// rate-limited: a PostgreSQL restart under load gives a line or two, not two
// per request.
func (s *Store) ReportUnavailable(ctx context.Context, log *slog.Logger, err error) {
	o := &s.outage
	o.mu.Lock()
	now := time.Now()
	o.refused++
	if !o.last.IsZero() && now.Sub(o.last) < outageLogEvery {
		o.mu.Unlock()
		return
	}
	refused := o.refused
	o.last, o.refused = now, 0
	o.mu.Unlock()
	log.ErrorContext(ctx, "database unavailable: answering 503", "err", err, "requests_refused", refused,
		"next_report_in", outageLogEvery)
}
