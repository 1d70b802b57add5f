package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/palier/palier/internal/customer"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
)

// A file carole (alice's colleague at Globex) was sent, copied onto
// alice's ticket by a merge, is not alice's to download; her own still is.
func TestPortalFilesCopiedFromAnotherCustomersTicketStayHidden(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		e, logs := portalEnv(t, s)
		ctx := context.Background()
		enableFiles(t, e)
		lead := storetest.Actor(t, s, e.f.Lead)
		car, err := s.CreateCustomer(ctx, e.f.WS.ID, customer.Customer{OrganisationID: e.f.Org.ID, Name: "Carole Dubois",
			Email: "carole@globex.example", Language: "fr", Segment: "b2b"})
		if err != nil {
			t.Fatal(err)
		}
		hers, err := e.d.CreateTicket(ctx, lead, desk.NewTicket{Subject: "Contrat", Body: "Notre contrat.", CustomerID: car.ID,
			RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.d.ReplyWith(ctx, lead, hers.ID, "Voici votre contrat.", "", []desk.Upload{upload("contrat-carole.txt", "carole")}); err != nil {
			t.Fatal(err)
		}
		target := e.f.Ticket["L1"] // alice's
		own, _, err := e.d.ReplyWith(ctx, lead, target.ID, "Votre facture.", "", []desk.Upload{upload("facture-alice.txt", "alice")})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.d.MergeTickets(ctx, lead, target.ID, []int64{hers.ID}); err != nil {
			t.Fatal(err)
		}
		files, err := s.TicketAttachments(ctx, e.f.WS.ID, target.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		c := e.customerIn(t, logs, e.f.Customer["alice"].Email)
		seen := map[string]int{}
		for _, f := range files {
			res, body := c.get(fmt.Sprintf("/help/files/%d", f.ID))
			seen[f.Filename] = res.StatusCode
			if f.EventID == own.ID {
				expectStatus(t, res, body, http.StatusOK)
			} else {
				expectStatus(t, res, body, http.StatusNotFound)
			}
		}
		if seen["contrat-carole.txt"] != http.StatusNotFound || seen["facture-alice.txt"] != http.StatusOK {
			t.Errorf("downloads on alice's ticket after the merge: %v, want carole's copy 404 and alice's file 200", seen)
		}
	})
}
