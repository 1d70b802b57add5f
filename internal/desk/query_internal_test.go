package desk

import (
	"context"
	"reflect"
	"testing"

	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// TestTicketQueryResolves holds the words a client uses (tier codes and
// ids, request type keys, me/none) to the filter the store runs, and
// refuses what names nothing as a bad parameter named after it.
func TestTicketQueryResolves(t *testing.T) {
	s := storetest.Open(t, store.SQLite)
	f := storetest.Seed(t, s)
	d := New(s, nil)
	a := storetest.Actor(t, s, f.AgentL2)
	me := f.AgentL2.ID
	tests := []struct {
		name string
		q    TicketQuery
		want store.Filter
		bad  string // the parameter refused
	}{
		{name: "nothing", want: store.Filter{}},
		{name: "codes and ids", q: TicketQuery{Tiers: []string{"L2", "1"}, RequestType: "bug", Owner: "me", HandedOffByMe: true},
			want: store.Filter{TierIDs: []int64{f.Tier["L2"].ID, 1}, RequestTypeID: f.Type["bug"].ID, OwnerID: me, HandedOffBy: me}},
		{name: "unassigned", q: TicketQuery{Owner: "none", Statuses: []ticket.Status{ticket.Open}, TeamID: 7, CustomerID: 8, Sort: "oldest"},
			want: store.Filter{Unassigned: true, Statuses: []ticket.Status{ticket.Open}, TeamID: 7, CustomerID: 8, Sort: "oldest"}},
		{name: "an agent by id", q: TicketQuery{Owner: "42"}, want: store.Filter{OwnerID: 42}},
		{name: "unknown tier", q: TicketQuery{Tiers: []string{"L9"}}, bad: "tier"},
		{name: "unknown type", q: TicketQuery{RequestType: "nope"}, bad: "type"},
		{name: "bad owner", q: TicketQuery{Owner: "-3"}, bad: "owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := d.ticketFilter(context.Background(), a, tt.q)
			if tt.bad != "" {
				p, ok := problem.As(err)
				if !ok || p.Code != "bad_parameter" || p.Params["name"] != tt.bad {
					t.Fatalf("err = %v, want bad_parameter %s", err, tt.bad)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("filter = %+v, want %+v", got, tt.want)
			}
		})
	}
}
