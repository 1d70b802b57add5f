package store_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// BenchmarkTicketWriteListKeys measures what keeping the tickets' sort
// keys on their swarm and hand-off rows (migration 0053's trigger) adds to
// a ticket write: an internal note, which moves the ticket's updated_at,
// on tickets half of which have a swarm row and a hand-off row. It
// reports the CPU per write, of this process (on SQLite the database's
// work too) and of PALIER_BENCH_SERVER_PID's tree (a PostgreSQL
// postmaster's). PALIER_BENCH_NO_LIST_KEYS=1 drops the trigger first: the
// same writes without the work it adds.
//
//	go test ./internal/store -run '^$' -bench TicketWriteListKeys -benchtime 2000x
//
// PALIER_BENCH_WRITE_URL names an empty PostgreSQL database to write in
// (on the server PALIER_BENCH_SERVER_PID runs) instead of the test
// harness's.
func BenchmarkTicketWriteListKeys(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			ctx := b.Context()
			w := writeBenchStore(b, d)
			s, f, list := w.s, w.f, w.list
			b.ResetTimer()
			cpu := processCPU() + serverCPU()
			for i := range b.N {
				if _, _, err := s.AddMessage(ctx, f.WS.ID, list[i%len(list)].ID, nil,
					ticket.Event{Kind: ticket.InternalNote, ActorAgentID: f.AgentL3.ID, Body: "checked"}, ""); err != nil {
					b.Fatal(err)
				}
			}
			cpu = processCPU() + serverCPU() - cpu
			b.StopTimer()
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/write")
		})
	}
}

// writeBench is BenchmarkTicketWriteListKeys' database, made once per
// dialect and process (a benchmark function runs once per b.N tried).
type writeBench struct {
	s    *store.Store
	f    storetest.Fixture
	list []ticket.Ticket
}

var writeBenches = map[store.Dialect]*writeBench{}

func writeBenchStore(b *testing.B, d store.Dialect) *writeBench {
	benchMu.Lock()
	defer benchMu.Unlock()
	if w := writeBenches[d]; w != nil {
		return w
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "palier-bench-write-")
	if err != nil {
		b.Fatal(err)
	}
	benchReleases = append(benchReleases, func() { os.RemoveAll(dir) })
	tb := keptTB{TB: b, dir: dir}
	var s *store.Store
	if u := os.Getenv("PALIER_BENCH_WRITE_URL"); u != "" && d == store.Postgres {
		s = storetest.OpenURL(tb, u)
	} else {
		s = storetest.Open(tb, d)
	}
	f := storetest.Seed(tb, s)
	var list []ticket.Ticket
	for i := range 100 {
		n := newTicket(f, fmt.Sprintf("write %d", i))
		n.Ticket.TierID, n.Ticket.TeamID = f.Tier["L3"].ID, f.Team["L3"].ID
		if i%2 == 0 {
			n.ActorAgentID, n.HandedOff = f.AgentL1.ID, true
		}
		tk := must(s.CreateTicket(ctx, f.WS.ID, n))(b)
		if i%2 == 0 {
			if err := s.AddCollaborator(ctx, f.WS.ID, tk.ID, f.AgentL2.ID, f.AgentL3.ID, nil); err != nil {
				b.Fatal(err)
			}
		}
		list = append(list, tk)
	}
	if os.Getenv("PALIER_BENCH_NO_LIST_KEYS") == "1" {
		drop := "DROP TRIGGER ticket_list_keys"
		if d == store.Postgres {
			drop += " ON tickets"
		}
		if _, err := s.DB().ExecContext(ctx, drop); err != nil {
			b.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { at = at.Add(time.Second); return at }) // every write moves updated_at
	w := &writeBench{s: s, f: f, list: list}
	writeBenches[d] = w
	return w
}
