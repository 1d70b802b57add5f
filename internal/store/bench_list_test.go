package store_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/palier/palier/internal/api"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// BenchmarkTicketListMatrix times every combination the ticket list
// accepts: each filter of api.TicketListFilters alone and every pair of
// them, with each value kind (status one or several, active or not; owner
// me, none or an id; a tier the viewer cannot see…), under each sort, on
// the first page and through a cursor in the middle of the table, as an
// admin and as an L1 agent whose visibility filter applies. It prints the
// slowest combinations first and reports the worst p95.
//
//	PALIER_BENCH_TICKETS=200000 go test ./internal/store -run '^$' -bench TicketListMatrix -benchtime 1x -timeout 0
//
// PALIER_BENCH_RUNS sets how many times each combination runs (default 10);
// PALIER_BENCH_MATCH, a regular expression, keeps the combinations whose
// name it matches.
func BenchmarkTicketListMatrix(b *testing.B) {
	for _, d := range storetest.Dialects {
		b.Run(string(d), func(b *testing.B) {
			db := loadedStore(b, d)
			combos := listMatrix(b, db)
			if m := os.Getenv("PALIER_BENCH_MATCH"); m != "" {
				re := regexp.MustCompile(m)
				combos = slices.DeleteFunc(combos, func(c listCombo) bool { return !re.MatchString(c.name) })
			}
			runs := 10
			if v, err := strconv.Atoi(os.Getenv("PALIER_BENCH_RUNS")); err == nil && v > 0 {
				runs = v
			}
			b.ResetTimer()
			var results []comboResult
			for range b.N {
				results = results[:0]
				for _, c := range combos {
					results = append(results, c.time(b, db, runs))
				}
			}
			b.StopTimer()
			slices.SortFunc(results, func(x, y comboResult) int { return int(y.p95 - x.p95) })
			var out strings.Builder
			fmt.Fprintf(&out, "%s: %d combinations × %d runs; slowest first (p95, p50):\n", d, len(results), runs)
			over := 0
			for i, r := range results {
				if r.p95 >= 20*time.Millisecond {
					over++
				}
				if i < 25 {
					fmt.Fprintf(&out, "  %7.2f ms %7.2f ms  %s\n", ms(r.p95), ms(r.p50), r.name)
				}
			}
			fmt.Fprintf(&out, "  %d combinations at or over 20 ms p95\n", over)
			fmt.Fprint(os.Stderr, out.String())
			b.ReportMetric(ms(results[0].p95), "worst-p95-ms")
			b.ReportMetric(float64(over), "over-20ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// listValue is one value of a list filter, applied to a store filter for a
// viewer.
type listValue struct {
	label string
	apply func(f *store.Filter, me int64)
}

// listValues gives each filter of the ticket list the values worth timing.
// A filter missing here fails the benchmark: add its values.
func listValues(db *benchDB, customerID int64) map[string][]listValue {
	fx := db.f
	statuses := func(ss ...ticket.Status) func(*store.Filter, int64) {
		return func(f *store.Filter, _ int64) { f.Statuses = ss }
	}
	return map[string][]listValue{
		"status": {
			{"status=open", statuses(ticket.Open)},
			{"status=open,pending", statuses(ticket.Open, ticket.Pending)},
			{"status=solved", statuses(ticket.Solved)},
			{"status=open,solved", statuses(ticket.Open, ticket.Solved)},
		},
		"tier": {
			{"tier=L1", func(f *store.Filter, _ int64) { f.TierIDs = []int64{fx.Tier["L1"].ID} }},
			{"tier=L2", func(f *store.Filter, _ int64) { f.TierIDs = []int64{fx.Tier["L2"].ID} }},
			{"tier=L1,L2", func(f *store.Filter, _ int64) { f.TierIDs = []int64{fx.Tier["L1"].ID, fx.Tier["L2"].ID} }},
		},
		"team": {{"team=L1", func(f *store.Filter, _ int64) { f.TeamID = fx.Team["L1"].ID }}},
		"type": {{"type=billing", func(f *store.Filter, _ int64) { f.RequestTypeID = fx.Type["billing"].ID }}},
		"owner": {
			{"owner=me", func(f *store.Filter, me int64) { f.OwnerID = me }},
			{"owner=none", func(f *store.Filter, _ int64) { f.Unassigned = true }},
			{"owner=id", func(f *store.Filter, _ int64) { f.OwnerID = fx.AgentL2.ID }},
		},
		"customer":      {{"customer=id", func(f *store.Filter, _ int64) { f.CustomerID = customerID }}},
		"handed_off_by": {{"handed_off_by=me", func(f *store.Filter, me int64) { f.HandedOffBy = me }}},
	}
}

type listCombo struct {
	name   string
	viewer auth.Actor
	filter store.Filter
	cursor string
}

type comboResult struct {
	name     string
	p50, p95 time.Duration
}

func (c listCombo) time(b *testing.B, db *benchDB, runs int) comboResult {
	ctx := context.Background()
	var l latencies
	for range runs {
		start := time.Now()
		if _, _, err := db.s.Tickets(ctx, db.f.WS.ID, c.filter, c.cursor, 50); err != nil && !isBadRequest(err) {
			b.Fatalf("%s: %v", c.name, err)
		}
		l = append(l, time.Since(start))
	}
	slices.Sort(l)
	return comboResult{name: c.name, p50: l[len(l)/2], p95: l[int(0.95*float64(len(l)-1))]}
}

// isBadRequest accepts a refusal (a combination the list declines to
// serve answers at once with a 400).
func isBadRequest(err error) bool {
	return strings.Contains(err.Error(), "bad_request") || strings.Contains(err.Error(), "narrow")
}

// listMatrix builds every combination: no filter, each filter value alone,
// each pair of values of two different filters; × sorts × pages × viewers.
func listMatrix(b *testing.B, db *benchDB) []listCombo {
	ctx := context.Background()
	admin := storetest.Actor(b, db.s, db.f.Admin)
	agent := storetest.Actor(b, db.s, db.f.AgentL1)
	newest, _, err := db.s.Tickets(ctx, db.f.WS.ID, store.Filter{}, "", 1)
	if err != nil || len(newest) == 0 {
		b.Fatalf("newest ticket: %v", err)
	}
	oldest, _, err := db.s.Tickets(ctx, db.f.WS.ID, store.Filter{Sort: "oldest"}, "", 1)
	if err != nil || len(oldest) == 0 {
		b.Fatalf("oldest ticket: %v", err)
	}
	values := listValues(db, newest[0].CustomerID)
	var filters [][]listValue
	for _, name := range api.TicketListFilters() {
		v, ok := values[name]
		if !ok {
			b.Fatalf("ticket list filter %q has no benchmark values: add them to listValues", name)
		}
		filters = append(filters, v)
	}
	// Sets of values: none, one, or two of different filters.
	sets := [][]listValue{nil}
	for i, fi := range filters {
		for _, v := range fi {
			sets = append(sets, []listValue{v})
			for _, fj := range filters[i+1:] {
				for _, w := range fj {
					sets = append(sets, []listValue{v, w})
				}
			}
		}
	}
	// A cursor halfway through the table: as deep as a reader gets.
	midID := (newest[0].ID + oldest[0].ID) / 2
	midAt := (newest[0].UpdatedAt.UnixMilli() + oldest[0].UpdatedAt.UnixMilli()) / 2
	deep := map[string]string{
		"newest":   cursorOf("newest", 0, midID),
		"oldest":   cursorOf("oldest", 0, midID),
		"updated":  cursorOf("updated", midAt, midID),
		"priority": cursorOf("priority", int64(ticket.Normal), midID),
	}
	var out []listCombo
	for _, who := range []struct {
		name string
		a    auth.Actor
	}{{"admin", admin}, {"agentL1", agent}} {
		for _, set := range sets {
			for _, sort := range store.Sorts {
				f := store.Filter{Sort: sort}
				if who.name != "admin" {
					a := who.a
					f.Viewer = &a
				}
				labels := []string{}
				for _, v := range set {
					v.apply(&f, who.a.AgentID)
					labels = append(labels, v.label)
				}
				if len(labels) == 0 {
					labels = append(labels, "all")
				}
				name := who.name + " " + strings.Join(labels, "&") + " sort=" + sort
				out = append(out, listCombo{name: name + " first", viewer: who.a, filter: f})
				out = append(out, listCombo{name: name + " deep", viewer: who.a, filter: f, cursor: deep[sort]})
			}
		}
	}
	return out
}

// cursorOf builds a page cursor as store.Tickets writes them.
func cursorOf(sort string, key, id int64) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%s:%d:%d", sort, key, id))
}
