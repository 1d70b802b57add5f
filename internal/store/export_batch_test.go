package store

import (
	"context"
	"database/sql"
	"time"
)

// SetBatchTimeout shortens the bound on one batch, for the tests of a
// wedged batch. It must be called before the store takes any write.
func SetBatchTimeout(s *Store, d time.Duration) { s.batch.timeout = d }

// BatchesSentBehind counts the pipelined batches sent behind another
// batch's commit on PostgreSQL.
func BatchesSentBehind(s *Store) int64 { return s.batch.stacked.Load() }

// WriteConn is a connection of the store's write pool, for tests that hold
// a lock or end a backend from outside the code under test.
func WriteConn(ctx context.Context, s *Store) (*sql.Conn, error) { return s.write.Conn(ctx) }
