package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

// BenchmarkTicketListAlone measures the CPU of each combination of the
// list's table (listMatrix) asked by one client alone, warm: one untimed
// call, then PALIER_BENCH_CALLS calls (default 20) in a row, the process's
// CPU divided by them. BenchmarkTicketListMatrix's CPU per call is that of
// 8 clients each asking once: it also holds each connection's first
// preparation of the query and whatever the other clients' contention
// costs, and on a busy machine varies by ±50 % run to run. This figure is
// the combination's own work, what 20 ms p95 at 8 clients on two cores
// must keep under about 5 ms.
//
//	PALIER_BENCH_TICKETS=1000000 PALIER_BENCH_SQLITE_FILE=… PALIER_BENCH_MATCH='^agentL1 ' \
//	  go test ./internal/store -run '^$' -bench 'TicketListAlone/sqlite' -benchtime 1x -timeout 0
//
// PALIER_BENCH_MATCH and PALIER_BENCH_SHOW as for BenchmarkTicketListMatrix.
func BenchmarkTicketListAlone(b *testing.B) {
	eachLoaded(b, func(b *testing.B, db *benchDB) {
		combos := benchCombos(b, db)
		calls := envInt("PALIER_BENCH_CALLS", 20)
		show := envInt("PALIER_BENCH_SHOW", 30)
		ctx := context.Background()
		type alone struct {
			name string
			cpu  time.Duration
		}
		var results []alone
		b.ResetTimer()
		for range b.N {
			results = results[:0]
			for _, c := range combos {
				call := func() {
					if _, _, err := db.s.Tickets(ctx, db.f.WS.ID, c.filter, c.cursor, 50); err != nil && !isTooBroad(err) {
						b.Fatalf("%s: %v", c.name, err)
					}
				}
				call()
				cpu := processCPU() + serverCPU()
				for range calls {
					call()
				}
				results = append(results, alone{c.name, (processCPU() + serverCPU() - cpu) / time.Duration(calls)})
			}
		}
		b.StopTimer()
		slices.SortFunc(results, func(x, y alone) int { return int(y.cpu - x.cpu) })
		var out strings.Builder
		fmt.Fprintf(&out, "%s: %d combinations, one client, %d calls each after one; CPU per call, highest first:\n", db.s.Dialect(), len(results), calls)
		over := 0
		for i, r := range results {
			if r.cpu >= 5*time.Millisecond {
				over++
			}
			if i < show {
				fmt.Fprintf(&out, "  %7.2f ms  %s\n", ms(r.cpu), r.name)
			}
		}
		fmt.Fprintf(&out, "  %d combinations at or over 5 ms of CPU per call\n", over)
		fmt.Fprint(os.Stderr, out.String())
		if len(results) > 0 {
			b.ReportMetric(ms(results[0].cpu), "worst-cpu-ms")
			b.ReportMetric(ms(results[len(results)/2].cpu), "median-cpu-ms")
		}
		b.ReportMetric(float64(over), "over-5ms-cpu")
	})
}
