package store_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/palier/palier/internal/api"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// The ticket list's combination table: every filter the list accepts
// (api.TicketListFilters, i.e. the API's own parameter table), with the
// values worth trying, crossed with each sort, the first page and a deep
// cursor, and two viewers. BenchmarkTicketListMatrix times it and
// TestTicketListPlans checks each combination's query plan, so a filter
// added to the API is covered by both the day it is added.

// listValue is one value of a list filter, applied to a store filter for a
// viewer.
type listValue struct {
	label string
	apply func(f *store.Filter, me int64)
}

// listValues gives each filter of the ticket list the values worth trying.
// A filter missing here fails the benchmark and the plan test: add its
// values.
func listValues(fx storetest.Fixture, customerID int64) map[string][]listValue {
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

// listMatrix builds the combinations: no filter, each filter value alone,
// and for every pair of filters enough pairs of their values that each
// value of both appears (full: every pair of values); × the four sorts ×
// first page and a cursor halfway through the table × an admin and an L1
// agent (whose visibility filter applies).
func listMatrix(tb testing.TB, s *store.Store, fx storetest.Fixture, full bool) []listCombo {
	ctx := context.Background()
	admin := storetest.Actor(tb, s, fx.Admin)
	agent := storetest.Actor(tb, s, fx.AgentL1)
	newest, _, err := s.Tickets(ctx, fx.WS.ID, store.Filter{}, "", 1)
	if err != nil || len(newest) == 0 {
		tb.Fatalf("newest ticket: %v", err)
	}
	oldest, _, err := s.Tickets(ctx, fx.WS.ID, store.Filter{Sort: "oldest"}, "", 1)
	if err != nil || len(oldest) == 0 {
		tb.Fatalf("oldest ticket: %v", err)
	}
	values := listValues(fx, newest[0].CustomerID)
	var filters [][]listValue
	for _, name := range api.TicketListFilters() {
		v, ok := values[name]
		if !ok {
			tb.Fatalf("ticket list filter %q has no values in the combination table: add them to listValues", name)
		}
		filters = append(filters, v)
	}
	sets := [][]listValue{nil}
	for i, fi := range filters {
		for _, v := range fi {
			sets = append(sets, []listValue{v})
		}
		for _, fj := range filters[i+1:] {
			if full {
				for _, v := range fi {
					for _, w := range fj {
						sets = append(sets, []listValue{v, w})
					}
				}
				continue
			}
			for k := range max(len(fi), len(fj)) {
				sets = append(sets, []listValue{fi[k%len(fi)], fj[k%len(fj)]})
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
				a := who.a
				f := store.Filter{Sort: sort, Viewer: &a}
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
