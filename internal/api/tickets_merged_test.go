package api

import (
	"context"
	"maps"
	"sync"
	"testing"
	"time"

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

// GET /tickets/{id}/events answers in the time each event was written: a
// message copied by a merge comes where it was written, not last, on one
// page or page by page; after=<id> still keeps only events stored since.
func TestTicketEventsComeInTimeOrderAfterAMerge(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var mu sync.Mutex
		base := time.Now().Add(24 * time.Hour).Truncate(time.Millisecond)
		now := base
		e.s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		at := func(d time.Duration) { mu.Lock(); now = base.Add(d); mu.Unlock() }
		lead := storetest.Actor(t, e.s, e.f.Lead)
		target := e.f.Ticket["L1"]
		dup, _ := e.freshAliceTicket("Doublon.")
		at(time.Hour)
		if _, _, err := e.d.Note(ctx, lead, dup.ID, "Note écrite à +1 h."); err != nil {
			t.Fatal(err)
		}
		at(2 * time.Hour)
		if _, _, err := e.d.Reply(ctx, lead, target.ID, "Réponse écrite à +2 h.", ""); err != nil {
			t.Fatal(err)
		}
		at(3 * time.Hour)
		if _, err := e.d.MergeTickets(ctx, lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}

		var all eventPage
		e.must(e.get("lead", ticketPath(target.ID)+"/events?limit=500"), 200, &all)
		seen := map[string]int{}
		for i, ev := range all.Data {
			if i > 0 && ev.CreatedAt.Before(all.Data[i-1].CreatedAt) {
				t.Errorf("event %d (%s, %s) comes after one written later (%s)", ev.ID, ev.Kind, ev.CreatedAt, all.Data[i-1].CreatedAt)
			}
			seen[ev.Body] = i
		}
		note, reply := seen["Note écrite à +1 h."], seen["Réponse écrite à +2 h."]
		if note == 0 || reply == 0 || note > reply {
			t.Errorf("the copied note is at %d, the later reply at %d: want the note first", note, reply)
		}

		// Page by page, the same sequence.
		var paged []int64
		path := ticketPath(target.ID) + "/events?limit=2"
		for range 100 {
			var p eventPage
			e.must(e.get("lead", path), 200, &p)
			for _, ev := range p.Data {
				paged = append(paged, ev.ID)
			}
			if p.NextCursor == nil {
				break
			}
			path = ticketPath(target.ID) + "/events?limit=2&cursor=" + *p.NextCursor
		}
		if len(paged) != len(all.Data) {
			t.Fatalf("paged %d events, one page %d", len(paged), len(all.Data))
		}
		for i := range paged {
			if paged[i] != all.Data[i].ID {
				t.Fatalf("page by page, event %d is %d; on one page %d", i, paged[i], all.Data[i].ID)
			}
		}

		// Polling: only what was stored after an id.
		var maxID int64
		for _, ev := range all.Data {
			maxID = max(maxID, ev.ID)
		}
		at(4 * time.Hour)
		if _, _, err := e.d.Note(ctx, lead, target.ID, "Note à +4 h."); err != nil {
			t.Fatal(err)
		}
		var poll eventPage
		e.must(e.get("lead", ticketPath(target.ID)+"/events?after="+itoa(maxID)), 200, &poll)
		if len(poll.Data) != 1 || poll.Data[0].Body != "Note à +4 h." {
			t.Errorf("polling after %d: %+v, want the one new note", maxID, poll.Data)
		}
	})
}

// eventPage is a page of GET /tickets/{id}/events as this test reads it.
type eventPage struct {
	Data []struct {
		ID        int64     `json:"id"`
		Kind      string    `json:"kind"`
		Body      string    `json:"body"`
		CreatedAt time.Time `json:"created_at"`
	} `json:"data"`
	NextCursor *string `json:"next_cursor"`
}
