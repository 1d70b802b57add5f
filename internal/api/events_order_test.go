package api

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
)

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

		dup, err := e.d.CreateTicket(ctx, lead, desk.NewTicket{Subject: "Facture encore", Body: "Doublon.", CustomerID: e.f.Customer["alice"].ID,
			RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
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
