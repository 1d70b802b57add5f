package desk_test

import (
	"maps"
	"strconv"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/ticket"
)

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
		dup := aliceDuplicate(t, env.ctx, env.d, env.lead, env.f, "Encore la facture.")
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
