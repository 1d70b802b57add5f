package desk_test

import (
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
)

// Carole's ticket merged into alice's (one organisation): the agents read
// carole's messages on the ticket kept, but alice's help centre shows
// none of them, and the merge notice does not name carole's ticket (alice
// is told nothing: nothing of hers changed). Alice's own duplicate merged
// in afterwards is shown, and named in its notice.
func TestAMergeShowsEachCustomerOnlyTheirOwnMessages(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		car := carole(t, env.ctx, env.s, env.f)
		alice := env.alice
		target := env.f.Ticket["L1"] // alice's #1000
		hers, err := env.d.CreateTicket(env.ctx, env.lead, desk.NewTicket{Subject: "Facture de mars aussi", Body: "Carole : notre contrat 4471 est résilié.",
			CustomerID: car.ID, RequestType: "billing", TierID: env.f.Tier["L1"].ID, TeamID: env.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{hers.ID}); err != nil {
			t.Fatal(err)
		}
		if !timelineHas(t, env.ctx, env.d, env.lead, target.ID, "contrat 4471") {
			t.Fatalf("the agents do not read carole's message on %s", target.Reference)
		}
		shown := func(text string) bool {
			t.Helper()
			req, err := env.d.CustomerRequest(env.ctx, alice, target.Number, "fr")
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range req.Entries {
				if strings.Contains(e.Body, text) {
					return true
				}
			}
			return false
		}
		if shown("contrat 4471") {
			t.Errorf("alice reads carole's message on %s", target.Reference)
		}
		if shown(hers.Reference) {
			t.Errorf("alice is told about carole's %s", hers.Reference)
		}

		dup := aliceDuplicate(t, env.ctx, env.d, env.lead, env.f, "Alice : toujours facturée deux fois.")
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		if !shown("toujours facturée deux fois") || !shown(dup.Reference) {
			t.Errorf("alice does not read her own merged message, or its notice naming %s", dup.Reference)
		}
		if shown("contrat 4471") || shown(hers.Reference) {
			t.Errorf("after alice's own merge, she reads carole's message or ticket number")
		}
	})
}
