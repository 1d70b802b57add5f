package store

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/workspace"
)

// TestDriverSeeksTestTheirLeadingCopies checks what a seek of an agent's
// swarms or hand-offs tests on the driver's rows (driverSeek.tests): on
// PostgreSQL only the copies of the ticket's columns leading the index
// serving it, the others through the ticket's names projected from the
// row's copies, no ticket read (idDriver.copies), and every such seek
// planned once without its values; on SQLite every copy fixed. Which
// plans PostgreSQL then makes at 1M tickets is PALIER_BENCH_EXPLAIN=
// generic's (a table of test size is read by its primary key whatever
// the conditions).
func TestDriverSeeksTestTheirLeadingCopies(t *testing.T) {
	agent := &auth.Actor{AgentID: 3, Role: workspace.Agent, TierIDs: []int64{1}, TeamIDs: []int64{1}}
	const owner, billing, l2, team = 5, 9, 2, 1
	for _, c := range []struct {
		name           string
		f              Filter
		tested, absent []string // copies on the driver's rows
		onTicket       []string // the ticket's own columns
	}{
		{"tier and type: the tier leads", Filter{TierIDs: []int64{l2}, RequestTypeID: billing},
			[]string{"ticket_tier_id = "}, []string{"ticket_request_type_id"}, []string{"request_type_id = ", "tier_id = "}},
		{"team and tier: the team leads", Filter{TeamID: team, TierIDs: []int64{l2}},
			[]string{"ticket_team_id = "}, []string{"ticket_tier_id"}, []string{"team_id = ", "tier_id = "}},
		{"team and unassigned: the team leads, and orders nothing by the owner", Filter{TeamID: team, Unassigned: true, Sort: "updated"},
			[]string{"ticket_team_id = "}, []string{"ticket_owner_id"}, []string{"owner_id IS NULL"}},
		{"owner and type: the owner leads", Filter{OwnerID: owner, RequestTypeID: billing, Sort: "priority"},
			[]string{"ticket_owner_id = "}, []string{"ticket_request_type_id"}, []string{"request_type_id = "}},
		{"tier and owner: both lead", Filter{TierIDs: []int64{l2}, OwnerID: owner},
			[]string{"ticket_tier_id = ", "ticket_owner_id = "}, nil, []string{"owner_id = "}},
		{"type alone leads", Filter{RequestTypeID: billing, Sort: "oldest"},
			[]string{"ticket_request_type_id = "}, nil, nil},
	} {
		for _, d := range []Dialect{Postgres, SQLite} {
			f := c.f
			f.Viewer = agent
			p, err := f.pageSeeks(d, 1, "", 50, d == Postgres)
			if err != nil {
				t.Fatalf("%s on %s: %v", c.name, d, err)
			}
			drivers := 0
			for i, k := range p.keys {
				alias := ""
				for _, a := range []string{"vc", "vh"} {
					if strings.Contains(k, " "+a+" ") {
						alias = a + "."
					}
				}
				if alias == "" {
					continue
				}
				drivers++
				absent := c.absent
				if d == SQLite {
					absent = nil
				}
				for _, col := range c.tested {
					if !strings.Contains(k, alias+col) {
						t.Errorf("%s on %s: seek %d does not test %s%s:\n%s", c.name, d, i, alias, col, k)
					}
				}
				// The conditions, past PostgreSQL's projection of the copies.
				where := k
				if d == Postgres {
					if strings.Contains(k, "FROM tickets") {
						t.Errorf("%s: seek %d reads tickets:\n%s", c.name, i, k)
					}
					at := strings.Index(k, ") AS tickets WHERE ")
					if at < 0 {
						t.Fatalf("%s: seek %d projects no copies:\n%s", c.name, i, k)
					}
					where = k[at:]
				}
				for _, col := range absent {
					if strings.Contains(where, alias+col) {
						t.Errorf("%s on %s: seek %d tests %s%s, which its index does not lead with:\n%s", c.name, d, i, alias, col, k)
					}
				}
				for _, col := range c.onTicket {
					if !strings.Contains(k, " "+col) {
						t.Errorf("%s on %s: seek %d does not test the ticket's %s:\n%s", c.name, d, i, col, k)
					}
				}
				if d == Postgres && p.valued[i] {
					t.Errorf("%s: seek %d is planned for its values at every call:\n%s", c.name, i, k)
				}
			}
			if drivers == 0 {
				t.Errorf("%s on %s: no seek of the agent's swarms or hand-offs among %d", c.name, d, len(p.keys))
			}
		}
	}
}
