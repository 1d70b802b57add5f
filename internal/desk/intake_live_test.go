package desk_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/live"
)

// A new ticket given to an agent tells that agent's pages (the
// notification) and the inboxes, in that order, once it is stored: the
// events are published together, none is left out.
func TestNewTicketTellsItsOwnerThenTheInboxes(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		owner := env.f.AgentL1.ID
		sub := env.d.Live().Subscribe(env.f.WS.ID, live.Agent(owner), live.Inbox)
		defer sub.Close()
		tk, err := env.d.CreateTicket(env.ctx, env.admin, desk.NewTicket{Subject: "Colis jamais reçu", Body: "Toujours rien.",
			CustomerID: env.alice.Customer.ID, TierID: env.f.Tier["L1"].ID, OwnerID: owner})
		if err != nil {
			t.Fatal(err)
		}
		var topics []string
		deadline := time.After(10 * time.Second)
		for len(topics) < 2 {
			select {
			case e, ok := <-sub.C:
				if !ok {
					t.Fatalf("the subscription ended (%s) after %v", sub.Reason(), topics)
				}
				var data struct {
					TicketID int64 `json:"ticket_id"`
				}
				if err := json.Unmarshal(e.Data, &data); err != nil || data.TicketID != tk.ID {
					t.Errorf("%s event %s, want ticket %d", e.Topic, e.Data, tk.ID)
				}
				if e.Topic == live.Agent(owner) && e.Kind != desk.NotificationKind {
					t.Errorf("the owner's page heard %q, want a notification", e.Kind)
				}
				topics = append(topics, e.Topic)
			case <-deadline:
				t.Fatalf("heard %v within 10 s", topics)
			}
		}
		if topics[0] != live.Agent(owner) || topics[1] != live.Inbox {
			t.Errorf("heard %v, want the owner's notification, then the inbox", topics)
		}
	})
}
