package store

import (
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

// TestSeekedPageRounds checks which seeks a page reads first and which
// only when the page is not full (inRound: PostgreSQL's seekedPage and
// SQLite's mergedPage): a priority page split at its cursor reads the
// rest of the cursor's level first; a page with a seek reading both
// parts, or not split, reads all at once.
func TestSeekedPageRounds(t *testing.T) {
	for _, c := range []struct {
		name         string
		phase        []int
		first, later []bool
	}{
		{"split at the cursor", []int{0, 1, 0, 1, 1}, []bool{true, false, true, false, false}, []bool{false, true, false, true, true}},
		{"not split", []int{0, 0, 0}, []bool{true, true, true}, []bool{false, false, false}},
		{"a seek of both parts", []int{0, -1, 1}, []bool{true, true, true}, []bool{false, false, false}},
	} {
		if got := inRound(c.phase, 0); !slices.Equal(got, c.first) {
			t.Errorf("%s: first round %v, want %v", c.name, got, c.first)
		}
		if got := inRound(c.phase, 1); !slices.Equal(got, c.later) {
			t.Errorf("%s: second round %v, want %v", c.name, got, c.later)
		}
	}
}

// TestPriorityPagePhasesEverySeek checks that an agent's priority page
// past a cursor on PostgreSQL tells the part of every seek, those read
// laterally from the agent's swarms and hand-offs included, so that
// seekedPage can leave the levels below for a second round.
func TestPriorityPagePhasesEverySeek(t *testing.T) {
	agent := &auth.Actor{AgentID: 3, Role: workspace.Agent, TierIDs: []int64{1}, TeamIDs: []int64{1}}
	f := Filter{Viewer: agent, Sort: "priority"}
	cursor := f.cursorAfter(ticket.Ticket{ID: 500004, Priority: ticket.Normal})
	p, err := f.pageSeeks(Postgres, 1, cursor, 50, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.phase) != len(p.keys) || !phased(p.phase) {
		t.Fatalf("%d seeks, phases %v: want one phase per seek, split at the cursor", len(p.keys), p.phase)
	}
	drivers := map[int]int{}
	for i, k := range p.keys {
		if strings.Contains(k, " vh ") || strings.Contains(k, " vc ") {
			drivers[p.phase[i]]++
		}
	}
	if drivers[0] == 0 || drivers[1] == 0 {
		t.Errorf("seeks of the agent's swarms and hand-offs by part: %v; want some of each", drivers)
	}
}
