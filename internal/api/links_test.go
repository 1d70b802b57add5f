package api

import (
	"context"
	"maps"
	"strings"
	"testing"

	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

// freshAliceTicket opens a ticket for alice in tier L1 (as the admin),
// with her first message; it returns the ticket and that message's id.
func (e *env) freshAliceTicket(body string) (ticket.Ticket, int64) {
	e.t.Helper()
	ctx := context.Background()
	admin := storetest.Actor(e.t, e.s, e.f.Admin)
	tk, err := e.d.CreateTicket(ctx, admin, desk.NewTicket{Subject: "Facture " + body, Body: body, CustomerID: e.f.Customer["alice"].ID,
		RequestType: "billing", TierID: e.f.Tier["L1"].ID, TeamID: e.f.Team["L1"].ID})
	if err != nil {
		e.t.Fatal(err)
	}
	events, err := e.d.Timeline(ctx, admin, tk.ID, 0, 50)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Kind == ticket.CustomerMessage {
			return tk, ev.ID
		}
	}
	e.t.Fatal("no customer message")
	return tk, 0
}

// Every role on every merge, split and link route: those who work the
// tickets may; others are told the ticket does not exist, and nothing is
// written.
func TestMergeSplitLinkForEveryRole(t *testing.T) {
	roles := []struct {
		who string
		may bool // works tier L1
	}{
		{"admin", true}, {"lead", true}, {"agentL1", true}, {"agentL2", false}, {"agentL3", false}, {"other", false},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		target := e.f.Ticket["L1"]
		for _, r := range roles {
			t.Run(r.who, func(t *testing.T) {
				e := e.on(t)
				dup, msg := e.freshAliceTicket("doublon de " + r.who)
				splitFrom, splitMsg := e.freshAliceTicket("deux sujets de " + r.who)
				checks := []struct {
					name, method, path string
					body               any
					ok                 int
				}{
					{"merge", "POST", e.ticketPath("L1") + "/merge", map[string]any{"sources": []int64{dup.ID}}, 200},
					{"split", "POST", ticketPath(splitFrom.ID) + "/split", map[string]any{"message_id": splitMsg, "subject": "Autre sujet"}, 201},
					{"link", "POST", ticketPath(splitFrom.ID) + "/links", map[string]any{"ticket_id": target.ID, "relation": "parent"}, 201},
					{"links", "GET", ticketPath(splitFrom.ID) + "/links", nil, 200},
					{"unlink", "DELETE", ticketPath(splitFrom.ID) + "/links/" + itoa(target.ID), nil, 200},
				}
				for _, c := range checks {
					before := e.rowCounts()
					a := e.send(r.who, c.method, c.path, c.body)
					if r.may {
						if a.status != c.ok {
							t.Fatalf("%s: %s, want %d", c.name, a, c.ok)
						}
						continue
					}
					if a.status != 404 || a.errorCode() != "ticket_not_found" {
						t.Fatalf("%s by %s: %s, want 404 ticket_not_found", c.name, r.who, a)
					}
					if after := e.rowCounts(); !maps.Equal(before, after) {
						t.Fatalf("%s refused to %s wrote: %v → %v", c.name, r.who, before, after)
					}
				}
				if !r.may {
					return
				}
				var got ticketJSON
				e.must(e.get(r.who, ticketPath(dup.ID)), 200, &got)
				if got.MergedInto != target.ID || got.Status != ticket.Closed {
					t.Errorf("merged ticket = merged_into %d, status %s; want %d, closed", got.MergedInto, got.Status, target.ID)
				}
				_ = msg
			})
		}
	})
}

func TestMergeIntoAndLinksShowOnlyWhatTheReaderMayRead(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		dup, _ := e.freshAliceTicket("doublon")
		e.must(e.send("agentL1", "POST", ticketPath(dup.ID)+"/merge", map[string]any{"into": e.f.Ticket["L1"].ID}), 200, nil)
		a := e.send("agentL1", "POST", ticketPath(dup.ID)+"/merge", map[string]any{"into": e.f.Ticket["L1"].ID})
		if a.status != 409 || a.errorCode() != "already_merged" {
			t.Errorf("merging twice: %s, want 409 already_merged", a)
		}
		if a := e.send("agentL1", "POST", e.ticketPath("L1")+"/merge", map[string]any{"sources": []int64{e.f.Ticket["L1owned"].ID}}); a.status != 422 || a.errorCode() != "merge_other_customer" {
			t.Errorf("merging bob's ticket into alice's: %s, want 422 merge_other_customer", a)
		}
		if a := e.send("agentL1", "POST", e.ticketPath("L1")+"/merge", map[string]any{"sources": []int64{dup.ID}, "into": dup.ID}); a.status != 422 {
			t.Errorf("sources and into: %s, want 422", a)
		}

		// The lead links alice's L1 ticket to the L2 one; an L1 agent sees
		// the link, not the L2 ticket's subject.
		e.must(e.send("lead", "POST", e.ticketPath("L1")+"/links", map[string]any{"ticket_id": e.f.Ticket["L2"].ID}), 201, nil)
		var links struct{ Data []linkJSON }
		e.must(e.get("agentL1", e.ticketPath("L1")+"/links"), 200, &links)
		if len(links.Data) != 1 || links.Data[0].Readable || links.Data[0].Subject != "" || links.Data[0].Number != e.f.Ticket["L2"].Number {
			t.Errorf("an L1 agent reads the link as %+v, want the number only", links.Data)
		}
		a = e.get("agentL1", e.ticketPath("L1"))
		if strings.Contains(string(a.body), e.f.Ticket["L2"].Subject) {
			t.Errorf("the ticket shows the subject of a ticket the reader may not read: %s", a)
		}
		e.must(e.get("lead", e.ticketPath("L1")+"/links"), 200, &links)
		if len(links.Data) != 1 || !links.Data[0].Readable || links.Data[0].Subject != e.f.Ticket["L2"].Subject || links.Data[0].Relation != ticket.Related {
			t.Errorf("the lead reads the link as %+v", links.Data)
		}
		if a := e.send("lead", "POST", e.ticketPath("L2")+"/links", map[string]any{"ticket_id": e.f.Ticket["L1"].ID, "relation": "parent"}); a.status != 409 || a.errorCode() != "already_linked" {
			t.Errorf("linking twice: %s, want 409 already_linked", a)
		}
		if a := e.send("lead", "DELETE", e.ticketPath("L2")+"/links/"+itoa(e.f.Ticket["L1owned"].ID), nil); a.status != 404 || a.errorCode() != "link_not_found" {
			t.Errorf("unlinking what is not linked: %s, want 404 link_not_found", a)
		}
	})
}
