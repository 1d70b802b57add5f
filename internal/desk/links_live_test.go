package desk_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/live"
	"github.com/palier/palier/internal/ticket"
)

// liveSeen collects a subscription's events until each wanted topic has
// been heard, or fails at the deadline (never a sleep).
func liveSeen(t *testing.T, sub *live.Subscription, topics ...string) map[string]desk.TicketEvent {
	t.Helper()
	out := map[string]desk.TicketEvent{}
	deadline := time.After(10 * time.Second)
	for len(out) < len(topics) {
		select {
		case e, ok := <-sub.C:
			if !ok {
				t.Fatalf("the subscription ended (%s) before %v", sub.Reason(), topics)
			}
			if !slices.Contains(topics, e.Topic) {
				continue
			}
			var te desk.TicketEvent
			if e.Topic != live.Inbox {
				if err := json.Unmarshal(e.Data, &te); err != nil {
					t.Fatalf("event %s: %v", e.Data, err)
				}
			}
			out[e.Topic] = te
		case <-deadline:
			t.Fatalf("heard %v of %v within 10 s", out, topics)
		}
	}
	return out
}

// A link, an unlink and a split each tell the open pages of both tickets
// (with the events they wrote, so a page knows to fetch them) and the
// inbox, once committed; a refused link tells nobody.
func TestLinksAndSplitsArePushedToOpenPages(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		a, b := env.f.Ticket["L1"], env.f.Ticket["L2"]
		sub := env.d.Live().Subscribe(env.f.WS.ID, live.Ticket(a.ID), live.Ticket(b.ID), live.Inbox)
		defer sub.Close()

		// Refused: nadia (L1) cannot read b; nothing is published, which
		// the next link's events, arriving first, prove.
		if _, err := env.d.LinkTickets(env.ctx, env.l1, a.ID, b.ID, "related"); err == nil {
			t.Fatal("nadia linked a ticket she cannot read")
		}
		if _, err := env.d.LinkTickets(env.ctx, env.lead, a.ID, b.ID, "related"); err != nil {
			t.Fatal(err)
		}
		seen := liveSeen(t, sub, live.Ticket(a.ID), live.Ticket(b.ID), live.Inbox)
		for _, id := range []int64{a.ID, b.ID} {
			te := seen[live.Ticket(id)]
			if te.TicketID != id || te.LastEventID == 0 || !slices.Equal(te.Kinds, []string{string(ticket.Linked)}) || te.ActorID != env.f.Lead.ID {
				t.Errorf("link: ticket %d's page heard %+v", id, te)
			}
		}

		if _, err := env.d.UnlinkTickets(env.ctx, env.lead, b.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		seen = liveSeen(t, sub, live.Ticket(a.ID), live.Ticket(b.ID), live.Inbox)
		for _, id := range []int64{a.ID, b.ID} {
			if te := seen[live.Ticket(id)]; !slices.Equal(te.Kinds, []string{string(ticket.Unlinked)}) {
				t.Errorf("unlink: ticket %d's page heard %+v", id, te)
			}
		}

		events, err := env.d.Timeline(env.ctx, env.lead, a.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		msg := events[slices.IndexFunc(events, func(e ticket.Event) bool { return e.Kind == ticket.CustomerMessage })]
		split, err := env.d.SplitMessage(env.ctx, env.lead, a.ID, msg.ID, "Autre sujet")
		if err != nil {
			t.Fatal(err)
		}
		seen, inboxed := liveInbox(t, sub, []string{live.Ticket(a.ID)}, a.ID, split.ID)
		if te := seen[live.Ticket(a.ID)]; !slices.Equal(te.Kinds, []string{string(ticket.SplitTo)}) || te.LastEventID == 0 {
			t.Errorf("split: the original's page heard %+v", te)
		}
		if !inboxed[split.ID] {
			t.Errorf("split: the inbox did not hear of the new ticket %s", split.Reference)
		}
	})
}

// liveInbox is liveSeen that also waits for the inbox to hear of every
// ticket in ids.
func liveInbox(t *testing.T, sub *live.Subscription, topics []string, ids ...int64) (map[string]desk.TicketEvent, map[int64]bool) {
	t.Helper()
	seen, inboxed := map[string]desk.TicketEvent{}, map[int64]bool{}
	deadline := time.After(10 * time.Second)
	for len(seen) < len(topics) || len(inboxed) < len(ids) {
		select {
		case e, ok := <-sub.C:
			if !ok {
				t.Fatalf("the subscription ended (%s)", sub.Reason())
			}
			if e.Topic == live.Inbox {
				var x struct {
					TicketID int64 `json:"ticket_id"`
				}
				if err := json.Unmarshal(e.Data, &x); err != nil {
					t.Fatal(err)
				}
				if slices.Contains(ids, x.TicketID) {
					inboxed[x.TicketID] = true
				}
				continue
			}
			if slices.Contains(topics, e.Topic) {
				var te desk.TicketEvent
				if err := json.Unmarshal(e.Data, &te); err != nil {
					t.Fatal(err)
				}
				seen[e.Topic] = te
			}
		case <-deadline:
			t.Fatalf("heard %v and inbox %v within 10 s; want %v and %v", seen, inboxed, topics, ids)
		}
	}
	return seen, inboxed
}
