package desk_test

import (
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

// A bulk reply-and-solve over tickets of every kind: those the agent may
// work are answered and solved; the others report why and are untouched.
func TestBulkUpdateDoesEachTicketOrSaysWhyNot(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		solved := string(ticket.Solved)
		ids := []int64{env.f.Ticket["L1"].ID, env.f.Ticket["L1owned"].ID, env.f.Ticket["L2"].ID, env.f.Ticket["sensitive"].ID, env.f.Ticket["L1"].ID}
		before := map[int64]int{}
		for _, id := range ids {
			before[id] = env.timelineLen(t, env.lead, id)
		}
		res, err := env.d.BulkUpdate(env.ctx, env.l1, ids, desk.Bulk{Update: desk.Update{Status: &solved}, AddTags: []string{"panne"},
			Reply: "La panne est réparée, merci de votre patience."})
		if err != nil {
			t.Fatal(err)
		}
		if len(res) != 4 {
			t.Fatalf("%d results, want 4 (a repeated id counts once)", len(res))
		}
		want := map[int64]problem.Kind{env.f.Ticket["L2"].ID: problem.NotFound, env.f.Ticket["sensitive"].ID: problem.NotFound}
		for _, r := range res {
			tk, _ := env.d.Ticket(env.ctx, env.lead, r.TicketID)
			if kind, refused := want[r.TicketID]; refused {
				if !problem.Is(r.Err, kind) {
					t.Errorf("ticket %d: %v, want kind %v", r.TicketID, r.Err, kind)
				}
				if n := env.timelineLen(t, env.lead, r.TicketID); n != before[r.TicketID] {
					t.Errorf("refused ticket %d got %d events", r.TicketID, n-before[r.TicketID])
				}
				continue
			}
			if r.Err != nil {
				t.Errorf("ticket %d: %v", r.TicketID, r.Err)
			}
			events, _ := env.d.Timeline(env.ctx, env.lead, r.TicketID, 0, 100)
			if tk.Status != ticket.Solved || find(events, ticket.AgentReply) == nil {
				t.Errorf("ticket %d: status %s, reply %v", r.TicketID, tk.Status, find(events, ticket.AgentReply) != nil)
			}
		}
	})
}

func TestBulkUpdateRefusesBeforeTouchingAnything(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		bad := "closed-ish"
		ids := []int64{env.f.Ticket["L1"].ID}
		before := env.timelineLen(t, env.l1, ids[0])
		many := make([]int64, desk.MaxBulk+1)
		cases := []struct {
			name string
			ids  []int64
			b    desk.Bulk
			code string
		}{
			{"unknown status", ids, desk.Bulk{Update: desk.Update{Status: &bad}}, "validation_failed"},
			{"nothing to do", ids, desk.Bulk{}, "bulk_empty"},
			{"no tickets", nil, desk.Bulk{Reply: "x"}, "validation_failed"},
			{"too many", many, desk.Bulk{Reply: "x"}, "bulk_too_many"},
		}
		for _, c := range cases {
			_, err := env.d.BulkUpdate(env.ctx, env.l1, c.ids, c.b)
			if p, ok := problem.As(err); !ok || p.Code != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		if n := env.timelineLen(t, env.l1, ids[0]); n != before {
			t.Errorf("a refused bulk action wrote %d events", n-before)
		}
	})
}
