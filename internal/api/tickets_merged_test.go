package api

import (
	"context"
	"maps"
	"testing"

	"github.com/palier/palier/internal/store/storetest"
)

// Over HTTP, a merged ticket refuses a change, an assignment, a reply and
// a macro with the documented 409 ticket_merged naming the kept ticket,
// for every role that works it, and writes nothing; a note and reading
// it still work.
func TestAMergedTicketAnswers409OverTheAPI(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		target := e.f.Ticket["L1"]
		dup, _ := e.freshAliceTicket("doublon fusionné")
		if _, err := e.d.MergeTickets(context.Background(), storetest.Actor(t, e.s, e.f.Lead), target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		path := ticketPath(dup.ID)
		before := e.rowCounts()
		for _, who := range []string{"admin", "lead", "agentL1"} {
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"PATCH", path, map[string]any{"status": "open"}},
				{"PATCH", path, map[string]any{"priority": "high"}},
				{"POST", path + "/assign", map[string]any{"owner_id": e.f.AgentL1.ID}},
				{"POST", path + "/replies", map[string]any{"body": "Bonjour, c'est réglé.", "status": "solved"}},
			} {
				a := e.send(who, c.method, c.path, c.body)
				if a.status != 409 || a.errorCode() != "ticket_merged" || a.errorBody().Params["merged_into"] != itoa(target.ID) {
					t.Errorf("%s %s %s %v: %s, want 409 ticket_merged naming %d", who, c.method, c.path, c.body, a, target.ID)
				}
			}
		}
		// Those who may not read it are still told it does not exist.
		if a := e.send("agentL3", "PATCH", path, map[string]any{"status": "open"}); a.status != 404 {
			t.Errorf("agentL3 changes the merged ticket: %s, want 404", a)
		}
		if after := e.rowCounts(); !maps.Equal(before, after) {
			t.Errorf("refusals wrote rows: %v → %v", before, after)
		}
		if a := e.send("agentL1", "POST", path+"/notes", map[string]any{"body": "Fusionné dans " + target.Reference}); a.status != 201 {
			t.Errorf("a note on the merged ticket: %s", a)
		}
		if a := e.get("agentL1", path); a.status != 200 {
			t.Errorf("reading the merged ticket: %s", a)
		}
	})
}
