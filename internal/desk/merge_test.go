package desk_test

import (
	"context"
	"encoding/json"
	"maps"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/palier/palier/internal/attachment"
	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/event"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// linkCounts counts the rows a merge, a split or a link may write: a
// refusal must leave every one as it was.
func linkCounts(t *testing.T, s *store.Store) map[string]int {
	t.Helper()
	return rowCounts(t, s, "tickets", "events", "attachments", "ticket_links", "audit_log", "jobs", "notifications",
		"tickets WHERE merged_into_id IS NOT NULL")
}

// aliceDuplicate opens (as the lead) another ticket for alice in tier L1,
// as she would by writing again about the same invoice.
func (env deskTest) aliceDuplicate(t *testing.T, body string) ticket.Ticket {
	t.Helper()
	tk, err := env.d.CreateTicket(env.ctx, env.lead, desk.NewTicket{Subject: "Re: facture", Body: body, CustomerID: env.f.Customer["alice"].ID,
		RequestType: "billing", TierID: env.f.Tier["L1"].ID, TeamID: env.f.Team["L1"].ID})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

func kindsOf(events []ticket.Event) []ticket.EventKind {
	out := make([]ticket.EventKind, len(events))
	for i, e := range events {
		out[i] = e.Kind
	}
	return out
}

func TestMergeCombinesTheConversationAndTellsTheCustomerOnce(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		env.d.EnableEmailReplies(desk.Outbound{Domain: "acme.test"})
		target := env.f.Ticket["L1"] // alice, #1000
		dup1 := env.aliceDuplicate(t, "Je vous réécris : toujours facturée deux fois.")
		if _, _, err := env.d.Note(env.ctx, env.lead, dup1.ID, "Note interne : même client que #1000."); err != nil {
			t.Fatal(err)
		}
		dup2 := env.f.Ticket["L2"] // alice too, tier L2: the lead works both tiers
		jobsBefore, _ := env.s.CountJobs(env.ctx, desk.EmailSendJob, "")

		kept, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup1.ID, dup2.ID, dup1.ID})
		if err != nil {
			t.Fatal(err)
		}
		if kept.ID != target.ID || !kept.Status.Active() {
			t.Fatalf("merge answered %+v, want the kept ticket, still active", kept)
		}
		for _, src := range []ticket.Ticket{dup1, dup2} {
			cur, err := env.d.Ticket(env.ctx, env.lead, src.ID)
			if err != nil {
				t.Fatal(err)
			}
			if cur.Status != ticket.Closed || cur.MergedIntoID != target.ID {
				t.Errorf("%s after the merge: status %s, merged into %d; want closed, pointing at %d", src.Reference, cur.Status, cur.MergedIntoID, target.ID)
			}
			events, _ := env.d.Timeline(env.ctx, env.lead, src.ID, 0, 100)
			into := find(events, ticket.MergedInto)
			if ref, _ := event.As[event.TicketRef](derefEvent(into)); into == nil || ref.TicketID != target.ID || ref.Number != target.Number {
				t.Errorf("%s timeline %v: want merged_into #%d", src.Reference, kindsOf(events), target.Number)
			}
		}

		events, err := env.d.Timeline(env.ctx, env.lead, target.ID, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		var customerBodies []string
		var merged, replies, notes int
		for _, e := range events {
			switch e.Kind {
			case ticket.CustomerMessage:
				customerBodies = append(customerBodies, e.Body)
			case ticket.Merged:
				merged++
			case ticket.AgentReply:
				replies++
				if !strings.Contains(e.Body, dup1.Reference) || !strings.Contains(e.Body, dup2.Reference) || !strings.Contains(e.Body, "Bonjour") {
					t.Errorf("the notice should name both tickets in alice's French: %q", e.Body)
				}
			case ticket.InternalNote:
				notes++
			}
		}
		if len(customerBodies) != 3 || merged != 2 || replies != 1 || notes != 1 {
			t.Fatalf("target timeline %v: %d customer messages, %d merged, %d replies, %d notes; want 3, 2, 1, 1", kindsOf(events), len(customerBodies), merged, replies, notes)
		}
		// Read in time order, the conversation is as it was written: the
		// copies keep when they were written, and say where.
		var copied int
		for _, e := range events {
			if m, ok := event.As[event.Message](e); ok && m.MergedFrom != 0 {
				copied++
				if m.MergedFrom != dup1.Number && m.MergedFrom != dup2.Number {
					t.Errorf("copied message says it came from #%d", m.MergedFrom)
				}
				if e.CreatedAt.After(kept.UpdatedAt) {
					t.Errorf("a copied message is dated %v, after the merge", e.CreatedAt)
				}
			}
		}
		if copied != 3 { // two customer messages and the note
			t.Errorf("%d copied messages, want 3", copied)
		}
		if n, _ := env.s.CountJobs(env.ctx, desk.EmailSendJob, ""); n != jobsBefore+1 {
			t.Errorf("emails queued by the merge: %d, want exactly 1 (the customer is told once)", n-jobsBefore)
		}
		audit, err := env.s.AuditEntries(env.ctx, env.f.WS.ID, store.AuditFilter{TargetType: "ticket"}, 10)
		if err != nil || len(audit) == 0 || audit[0].Action != "ticket.merge" {
			t.Fatalf("audit log: %+v (%v), want a ticket.merge entry", audit, err)
		}
		var details struct{ Sources []int64 }
		if json.Unmarshal(audit[0].Details, &details); len(details.Sources) != 2 {
			t.Errorf("audit details %s: want both sources", audit[0].Details)
		}

		// Alice answers the merged ticket's email: it lands on the kept one.
		in, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "late-1@globex.example", FromEmail: env.f.Customer["alice"].Email,
			Subject: "Re: [" + dup1.Reference + "] Re: facture", TicketNumber: dup1.Number, Text: "Et maintenant ?"})
		if err != nil || in.TicketID != target.ID || in.NewTicket {
			t.Fatalf("a reply to the merged ticket went to %+v (%v), want the kept ticket %d", in, err, target.ID)
		}
	})
}

func derefEvent(e *ticket.Event) ticket.Event {
	if e == nil {
		return ticket.Event{}
	}
	return *e
}

func TestRefusedMergesWriteNothing(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		dup := env.aliceDuplicate(t, "Encore moi.")
		merged := env.aliceDuplicate(t, "Déjà fusionné.")
		if _, err := env.d.MergeTickets(env.ctx, env.lead, dup.ID, []int64{merged.ID}); err != nil {
			t.Fatal(err)
		}
		other := env.f.Other.Ticket
		// env.l1 is invited on "swarm" (L3): reads it, does not work it.
		cases := []struct {
			name    string
			actor   auth.Actor
			target  int64
			sources []int64
			kind    problem.Kind
			code    string
		}{
			{"a source the agent cannot see", env.l1, env.f.Ticket["L1"].ID, []int64{env.f.Ticket["L2"].ID}, problem.NotFound, "ticket_not_found"},
			{"a ticket of another workspace", env.lead, env.f.Ticket["L1"].ID, []int64{other.ID}, problem.NotFound, "ticket_not_found"},
			{"a ticket the reader does not work", env.l1, env.f.Ticket["L1"].ID, []int64{env.f.Ticket["swarm"].ID}, problem.Forbidden, "forbidden"},
			{"into itself", env.lead, env.f.Ticket["L1"].ID, []int64{env.f.Ticket["L1"].ID}, problem.Invalid, "merge_into_itself"},
			{"another customer", env.lead, env.f.Ticket["L1"].ID, []int64{env.f.Ticket["L1owned"].ID}, problem.Invalid, "merge_other_customer"},
			{"a source already merged", env.lead, env.f.Ticket["L1"].ID, []int64{merged.ID}, problem.Conflict, "already_merged"},
			{"into a merged ticket", env.lead, merged.ID, []int64{env.f.Ticket["L1"].ID}, problem.Conflict, "already_merged"},
			{"nothing", env.lead, env.f.Ticket["L1"].ID, nil, problem.Invalid, "nothing_to_merge"},
			{"one good source and one bad", env.lead, env.f.Ticket["L1"].ID, []int64{dup.ID, env.f.Ticket["L1owned"].ID}, problem.Invalid, "merge_other_customer"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				before := linkCounts(t, env.s)
				_, err := env.d.MergeTickets(env.ctx, c.actor, c.target, c.sources)
				if p, ok := problem.As(err); !ok || p.Kind != c.kind || p.Code != c.code {
					t.Fatalf("merge = %v, want %s", err, c.code)
				}
				if after := linkCounts(t, env.s); !maps.Equal(before, after) {
					t.Errorf("a refused merge wrote: %v → %v", before, after)
				}
			})
		}
	})
}

func TestTwoMergesOfTheSameDuplicateOneWins(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		a := env.aliceDuplicate(t, "Premier.")
		b := env.aliceDuplicate(t, "Deuxième.")
		src := env.aliceDuplicate(t, "Le doublon.")
		for round := 0; round < 3; round++ {
			// Each round, a fresh source merged into a and b at once.
			if round > 0 {
				src = env.aliceDuplicate(t, "Encore un doublon.")
			}
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, into := range []int64{a.ID, b.ID} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = env.d.MergeTickets(env.ctx, env.lead, into, []int64{src.ID})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else if p, ok := problem.As(err); !ok || p.Code != "already_merged" {
					t.Fatalf("the losing merge failed with %v, want already_merged", err)
				}
			}
			if won != 1 {
				t.Fatalf("round %d: %d merges won (%v), want exactly one", round, won, errs)
			}
			var n int
			if err := env.s.DB().QueryRow(`SELECT count(*) FROM events WHERE ticket_id = $1 AND kind = 'merged_into'`, src.ID).Scan(&n); err != nil || n != 1 {
				t.Fatalf("the duplicate records %d merges (%v), want 1", n, err)
			}
		}
	})
}

func TestSplitOpensATicketFromACustomerMessage(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		orig := env.f.Ticket["L1"]
		in, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "other-topic@globex.example", FromEmail: env.f.Customer["alice"].Email,
			Subject: "Re: [#1000]", TicketNumber: orig.Number, Text: "Autre chose : je n'arrive plus à exporter mes factures."})
		if err != nil || in.TicketID != orig.ID {
			t.Fatalf("email: %+v, %v", in, err)
		}
		events, _ := env.d.Timeline(env.ctx, env.l1, orig.ID, 0, 100)
		var msg ticket.Event
		for _, e := range events {
			if e.Kind == ticket.CustomerMessage {
				msg = e
			}
		}
		reply, _, err := env.d.Reply(env.ctx, env.l1, orig.ID, "Bien reçu.", "")
		if err != nil {
			t.Fatal(err)
		}

		before := linkCounts(t, env.s)
		for _, c := range []struct {
			name    string
			a       auth.Actor
			ticket  int64
			message int64
			kind    problem.Kind
			code    string
		}{
			{"an agent reply", env.l1, orig.ID, reply.ID, problem.Invalid, "split_not_customer_message"},
			{"a message of another ticket", env.l1, orig.ID, eventOf(t, env.d, env.l1, env.f.Ticket["L1owned"].ID, ticket.CustomerMessage).ID, problem.NotFound, "message_not_found"},
			{"a ticket the agent cannot see", env.l1, env.f.Ticket["L2"].ID, msg.ID, problem.NotFound, "ticket_not_found"},
			{"a ticket the agent only reads", env.l1, env.f.Ticket["swarm"].ID,
				eventOf(t, env.d, env.admin, env.f.Ticket["swarm"].ID, ticket.CustomerMessage).ID, problem.Forbidden, "forbidden"},
		} {
			_, err := env.d.SplitMessage(env.ctx, c.a, c.ticket, c.message, "")
			if p, ok := problem.As(err); !ok || p.Kind != c.kind || p.Code != c.code {
				t.Errorf("%s: split = %v, want %s", c.name, err, c.code)
			}
		}
		if after := linkCounts(t, env.s); !maps.Equal(before, after) {
			t.Fatalf("refused splits wrote: %v → %v", before, after)
		}

		nt, err := env.d.SplitMessage(env.ctx, env.l1, orig.ID, msg.ID, "Export des factures")
		if err != nil {
			t.Fatal(err)
		}
		if nt.CustomerID != orig.CustomerID || nt.TierID != orig.TierID || nt.TeamID != orig.TeamID || nt.Subject != "Export des factures" {
			t.Errorf("new ticket %+v: want alice's, in the original's tier and team", nt)
		}
		first := eventOf(t, env.d, env.l1, nt.ID, ticket.CustomerMessage)
		if first.Body != msg.Body || first.ActorCustomerID != orig.CustomerID {
			t.Errorf("the new ticket's first message = %+v, want alice's words", first)
		}
		from, _ := event.As[event.TicketRef](eventOf(t, env.d, env.l1, nt.ID, ticket.SplitFrom))
		to, _ := event.As[event.TicketRef](eventOf(t, env.d, env.l1, orig.ID, ticket.SplitTo))
		if from.TicketID != orig.ID || from.MessageID != msg.ID || to.TicketID != nt.ID || to.Number != nt.Number || to.MessageID != msg.ID {
			t.Errorf("split events: from %+v, to %+v", from, to)
		}
		// The original keeps its history.
		if got := eventOf(t, env.d, env.l1, orig.ID, ticket.CustomerMessage); got.ID == 0 {
			t.Error("the original lost its messages")
		}
		if _, err := env.d.SplitMessage(env.ctx, env.l1, orig.ID, msg.ID, ""); err == nil || !strings.Contains(err.Error(), "already") {
			t.Errorf("splitting the same message again = %v, want already_split", err)
		}
	})
}

// eventOf returns the last event of a kind on a ticket's timeline.
func eventOf(t *testing.T, d *desk.Service, a auth.Actor, ticketID int64, kind ticket.EventKind) ticket.Event {
	t.Helper()
	events, err := d.Timeline(context.Background(), a, ticketID, 0, 500)
	if err != nil {
		t.Fatal(err)
	}
	var out ticket.Event
	for _, e := range events {
		if e.Kind == kind {
			out = e
		}
	}
	return out
}

func TestLinksRelatedAndParentChild(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		parent := env.aliceDuplicate(t, "Panne générale de la facturation.")
		c1, c2 := env.f.Ticket["L1"], env.f.Ticket["L1owned"]

		for _, c := range []ticket.Ticket{c1, c2} {
			if _, err := env.d.LinkTickets(env.ctx, env.l1, c.ID, parent.ID, "parent"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := env.d.LinkTickets(env.ctx, env.l1, c1.ID, env.f.Ticket["L3"].ID, "related"); err == nil {
			t.Error("linking to a ticket the agent cannot see should be refused")
		}
		if _, err := env.d.LinkTickets(env.ctx, env.lead, c1.ID, env.f.Ticket["L2"].ID, "related"); err != nil {
			t.Fatal(err)
		}
		grandchild := env.aliceDuplicate(t, "Suite.")
		if _, err := env.d.LinkTickets(env.ctx, env.l1, c1.ID, grandchild.ID, "child"); err != nil {
			t.Fatal(err)
		}

		before := linkCounts(t, env.s)
		for _, c := range []struct {
			name      string
			id, other int64
			rel, code string
		}{
			{"a second parent", c1.ID, env.f.Ticket["sensitive"].ID, "parent", "already_has_parent"},
			{"a cycle", parent.ID, grandchild.ID, "parent", "link_cycle"},
			{"a cycle, seen from the child", c1.ID, parent.ID, "child", "already_linked"},
			{"itself", c1.ID, c1.ID, "related", "link_to_itself"},
			{"twice", c2.ID, parent.ID, "related", "already_linked"},
			{"an unknown relation", c2.ID, parent.ID, "sibling", "validation_failed"},
		} {
			_, err := env.d.LinkTickets(env.ctx, env.lead, c.id, c.other, c.rel)
			if p, ok := problem.As(err); !ok || p.Code != c.code {
				t.Errorf("%s: link = %v, want %s", c.name, err, c.code)
			}
		}
		if after := linkCounts(t, env.s); !maps.Equal(before, after) {
			t.Fatalf("refused links wrote: %v → %v", before, after)
		}

		links, err := env.d.TicketLinks(env.ctx, env.lead, parent.ID)
		if err != nil || len(links) != 2 || links[0].Link.Relation != ticket.Child || links[0].Ticket == nil {
			t.Fatalf("the parent's links = %+v (%v), want its two children", links, err)
		}
		// Nadia (L1) reads c1's link to the L2 ticket as its number only.
		links, err = env.d.TicketLinks(env.ctx, env.l1, c1.ID)
		if err != nil || len(links) != 3 {
			t.Fatalf("c1's links = %+v (%v), want its parent, its child and the L2 ticket", links, err)
		}
		for _, l := range links {
			if l.Number == env.f.Ticket["L2"].Number && l.Ticket != nil {
				t.Errorf("an L1 agent is shown the L2 ticket %+v", l.Ticket)
			}
			if l.Link.OtherID == parent.ID && (l.Ticket == nil || l.Link.Relation != ticket.Parent) {
				t.Errorf("c1 should see its parent: %+v", l)
			}
		}

		if _, err := env.d.UnlinkTickets(env.ctx, env.l1, parent.ID, c2.ID); err != nil {
			t.Fatal(err)
		}
		for id, want := range map[int64]ticket.Relation{parent.ID: ticket.Child, c2.ID: ticket.Parent} {
			l, ok := event.As[event.Link](eventOf(t, env.d, env.lead, id, ticket.Unlinked))
			if !ok || l.Relation != want {
				t.Errorf("ticket %d: unlinked event %+v, want relation %s", id, l, want)
			}
		}
		if _, err := env.d.UnlinkTickets(env.ctx, env.l1, parent.ID, c2.ID); err == nil {
			t.Error("unlinking twice should be refused")
		}
		// c2 may take a new parent now.
		if _, err := env.d.LinkTickets(env.ctx, env.l1, c2.ID, env.f.Ticket["solved"].ID, "parent"); err != nil {
			t.Errorf("a new parent after unlinking: %v", err)
		}
	})
}

// Files travel with their messages: merged onto the kept ticket, split
// into the new one, each readable through the ticket it is now on.
func TestMergeAndSplitCarryAttachments(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		disk, err := attachment.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		env.d.EnableAttachments(disk, attachment.Limits{})
		keep := env.f.Ticket["L1"]
		in, err := env.d.ReceiveEmail(env.ctx, env.f.WS.ID, desk.InboundEmail{MessageID: "with-file@globex.example", FromEmail: env.f.Customer["alice"].Email,
			Subject: "Ma facture", Text: "La facture en pièce jointe.", Files: []desk.InboundFile{{Filename: "facture.txt", Data: []byte("Facture 2026-03 : 49 €")}}})
		if err != nil || !in.NewTicket {
			t.Fatalf("email: %+v, %v", in, err)
		}
		if _, err := env.d.MergeTickets(env.ctx, env.admin, keep.ID, []int64{in.TicketID}); err != nil {
			t.Fatal(err)
		}
		files := func(ticketID int64) []attachment.Attachment {
			t.Helper()
			byEvent, err := env.d.TicketAttachments(env.ctx, env.l1, ticketID)
			if err != nil {
				t.Fatal(err)
			}
			var out []attachment.Attachment
			for _, list := range byEvent {
				out = append(out, list...)
			}
			return out
		}
		onKeep := files(keep.ID)
		if len(onKeep) != 1 || onKeep[0].Filename != "facture.txt" {
			t.Fatalf("files on the kept ticket: %+v, want the merged message's", onKeep)
		}
		msg := eventOf(t, env.d, env.l1, keep.ID, ticket.CustomerMessage) // the copy: the latest customer message
		if m, _ := event.As[event.Message](msg); ticket.Ref(m.MergedFrom) != in.Reference {
			t.Fatalf("last customer message %+v is not the merged one", msg)
		}
		_, r, err := env.d.OpenAttachment(env.ctx, env.l1, onKeep[0].ID)
		if err != nil {
			t.Fatalf("an L1 agent opens the merged file: %v", err)
		}
		r.Close()

		split, err := env.d.SplitMessage(env.ctx, env.l1, keep.ID, msg.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := files(split.ID); len(got) != 1 || got[0].Filename != "facture.txt" || got[0].SHA256 != onKeep[0].SHA256 {
			t.Fatalf("files on the split ticket: %+v", got)
		}
	})
}

// isMerged checks a refusal is the structured 409 naming the kept ticket.
func isMerged(t *testing.T, what string, err error, keptID int64) {
	t.Helper()
	p, ok := problem.As(err)
	if !ok || p.Kind != problem.Conflict || p.Code != "ticket_merged" || p.Params["merged_into"] != strconv.FormatInt(keptID, 10) {
		t.Errorf("%s on a merged ticket = %v (%+v), want 409 ticket_merged naming %d", what, err, p, keptID)
	}
}

// A merged ticket is not reopened nor changed by hand, whatever the path
// (an update, a reply, a bulk action, a macro, an escalation, a split):
// each is refused with ticket_merged and writes nothing. It stays
// readable, its links may change, and agents may add internal notes.
func TestAMergedTicketRefusesChangesByHand(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		kept := env.f.Ticket["L1"]
		dup := env.aliceDuplicate(t, "Encore la facture.")
		if _, err := env.d.MergeTickets(env.ctx, env.lead, kept.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		events, err := env.d.Timeline(env.ctx, env.lead, dup.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var msgID int64
		for _, e := range events {
			if e.Kind == ticket.CustomerMessage {
				msgID = e.ID
			}
		}
		m, err := env.d.CreateMacro(env.ctx, env.lead, macro.Macro{Name: "Relance", Scope: macro.Shared, BodyFR: "Des nouvelles ?",
			Actions: macro.Actions{Status: "pending"}})
		if err != nil {
			t.Fatal(err)
		}
		tagOnly, err := env.d.CreateMacro(env.ctx, env.lead, macro.Macro{Name: "Étiquette", Scope: macro.Shared, BodyFR: "Étiqueté.",
			Actions: macro.Actions{AddTags: []string{"vu"}}})
		if err != nil {
			t.Fatal(err)
		}
		before := linkCounts(t, env.s)

		open, high, tags := "open", "high", []string{"relance"}
		for _, actor := range []struct {
			name string
			a    auth.Actor
		}{{"lead", env.lead}, {"agentL1", env.l1}} {
			a := actor.a
			_, err = env.d.UpdateTicket(env.ctx, a, dup.ID, desk.Update{Status: &open})
			isMerged(t, actor.name+": reopening", err, kept.ID)
			_, err = env.d.UpdateTicket(env.ctx, a, dup.ID, desk.Update{Priority: &high, Tags: &tags})
			isMerged(t, actor.name+": changing fields", err, kept.ID)
			_, _, err = env.d.Reply(env.ctx, a, dup.ID, "Bonjour, c'est réglé.", "solved")
			isMerged(t, actor.name+": a reply", err, kept.ID)
			res, err := env.d.BulkUpdate(env.ctx, a, []int64{dup.ID}, desk.Bulk{Update: desk.Update{Status: &open}})
			if err != nil || len(res) != 1 {
				t.Fatalf("%s: bulk = %v, %v", actor.name, res, err)
			}
			isMerged(t, actor.name+": a bulk reopening", res[0].Err, kept.ID)
			res, _ = env.d.BulkUpdate(env.ctx, a, []int64{dup.ID}, desk.Bulk{Reply: "Nous revenons vers vous."})
			isMerged(t, actor.name+": a bulk reply", res[0].Err, kept.ID)
			_, err = env.d.ApplyMacro(env.ctx, a, dup.ID, desk.MacroUse{MacroID: m.ID})
			isMerged(t, actor.name+": a macro's reply", err, kept.ID)
			_, err = env.d.ApplyMacro(env.ctx, a, dup.ID, desk.MacroUse{MacroID: tagOnly.ID, Note: true})
			isMerged(t, actor.name+": a macro's tags with a note", err, kept.ID)
			_, err = env.d.Escalate(env.ctx, a, dup.ID, desk.EscalateInput{Reason: "expert", Answers: map[string]string{}})
			isMerged(t, actor.name+": an escalation", err, kept.ID)
			_, err = env.d.SplitMessage(env.ctx, a, dup.ID, msgID, "")
			isMerged(t, actor.name+": a split", err, kept.ID)
		}
		if after := linkCounts(t, env.s); !maps.Equal(before, after) {
			t.Fatalf("refused changes wrote rows: before %v, after %v", before, after)
		}
		if cur, _ := env.s.Ticket(env.ctx, env.f.WS.ID, dup.ID); cur.Status != ticket.Closed || cur.Priority != dup.Priority || len(cur.Tags) != 0 {
			t.Errorf("the merged ticket changed: %+v", cur)
		}

		// What stays allowed: reading, a note, links.
		if _, err := env.d.Ticket(env.ctx, env.l1, dup.ID); err != nil {
			t.Errorf("reading a merged ticket: %v", err)
		}
		if _, _, err := env.d.Note(env.ctx, env.l1, dup.ID, "Fusionné par erreur ? À vérifier."); err != nil {
			t.Errorf("a note on a merged ticket: %v", err)
		}
		if _, err := env.d.LinkTickets(env.ctx, env.lead, dup.ID, env.f.Ticket["L2"].ID, "related"); err != nil {
			t.Errorf("linking a merged ticket: %v", err)
		}
		if _, err := env.d.UnlinkTickets(env.ctx, env.lead, dup.ID, env.f.Ticket["L2"].ID); err != nil {
			t.Errorf("unlinking a merged ticket: %v", err)
		}
		// The kept ticket is worked as usual.
		if _, err := env.d.UpdateTicket(env.ctx, env.lead, kept.ID, desk.Update{Priority: &high}); err != nil {
			t.Errorf("changing the kept ticket: %v", err)
		}
	})
}

// The simulator's calibration walks each timeline in the order things
// happened: on a ticket that received a merge, the copied messages count
// when they were written, not when the merge copied them.
func TestCalibrationReadsAMergedTimelineInTimeOrder(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		var mu sync.Mutex
		base := time.Now().Add(24 * time.Hour).Truncate(time.Millisecond)
		now := base
		env.s.SetClock(func() time.Time { mu.Lock(); defer mu.Unlock(); return now })
		at := func(dt time.Duration) { mu.Lock(); now = base.Add(dt); mu.Unlock() }
		target, err := env.d.CreateTicket(env.ctx, env.lead, desk.NewTicket{Subject: "Facture", Body: "Facturée deux fois.", CustomerID: env.f.Customer["alice"].ID,
			RequestType: "billing", TierID: env.f.Tier["L1"].ID, TeamID: env.f.Team["L1"].ID})
		if err != nil {
			t.Fatal(err)
		}
		at(time.Minute) // the duplicate comes later: the history tells them apart by creation
		dup := env.aliceDuplicate(t, "Je relance.")
		at(time.Hour)
		if _, _, err := env.d.Note(env.ctx, env.lead, dup.ID, "Vu à +1 h."); err != nil {
			t.Fatal(err)
		}
		at(2 * time.Hour)
		if _, _, err := env.d.Note(env.ctx, env.lead, target.ID, "Vu à +2 h."); err != nil {
			t.Fatal(err)
		}
		at(3 * time.Hour)
		if _, err := env.d.MergeTickets(env.ctx, env.lead, target.ID, []int64{dup.ID}); err != nil {
			t.Fatal(err)
		}
		history, err := env.d.History(env.ctx, env.lead, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range history {
			if !h.Created.Equal(target.CreatedAt) || h.Type != "billing" {
				continue
			}
			// L1 worked it from the note at +1 h (copied from the
			// duplicate) to the merge's notice at +3 h.
			if len(h.Spans) != 1 || !h.Spans[0].Start.Equal(base.Add(time.Hour)) || !h.Spans[0].End.Equal(base.Add(3*time.Hour)) {
				t.Errorf("the kept ticket's stretches: %+v; want L1 from %s to %s", h.Spans, base.Add(time.Hour), base.Add(3*time.Hour))
			}
			return
		}
		t.Fatalf("the kept ticket is not in the history: %+v", history)
	})
}
