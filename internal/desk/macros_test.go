package desk_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/macro"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestMacroRepliesAndActsInOneStep(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		m, err := env.d.CreateMacro(env.ctx, env.lead, macro.Macro{Name: "Facture renvoyée", Scope: macro.Team, TeamID: env.f.Team["L1"].ID,
			BodyFR:  "Bonjour {{customer_first_name}},\nVotre facture ({{ticket_ref}}) vous a été renvoyée.\n{{agent_first_name}}",
			BodyEN:  "Hello {{customer_first_name}}, your invoice ({{ticket_ref}}) was sent again.",
			Actions: macro.Actions{Status: "pending", Priority: "high", AddTags: []string{"facture"}, Assign: macro.AssignMe}})
		if err != nil {
			t.Fatal(err)
		}
		tk := env.f.Ticket["L1"] // alice, French, unassigned
		pv, err := env.d.PreviewMacro(env.ctx, env.l1, tk.ID, m.ID, "https://support.example")
		if err != nil {
			t.Fatal(err)
		}
		first := strings.Fields(env.f.Customer["alice"].Name)[0]
		if !strings.HasPrefix(pv.Body, "Bonjour "+first+",") || !strings.Contains(pv.Body, tk.Reference) || len(pv.Missing) != 0 {
			t.Fatalf("preview = %+v, want the French text filled for %s and %s", pv, first, tk.Reference)
		}
		got, err := env.d.ApplyMacro(env.ctx, env.l1, tk.ID, desk.MacroUse{MacroID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ticket.Pending || got.Priority != ticket.High || got.OwnerID != env.f.AgentL1.ID || !slices.Contains(got.Tags, "facture") {
			t.Errorf("ticket after the macro: status %s, priority %s, owner %d, tags %v", got.Status, got.Priority, got.OwnerID, got.Tags)
		}
		events, err := env.d.Timeline(env.ctx, env.l1, tk.ID, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		reply := find(events, ticket.AgentReply)
		if reply == nil || reply.Body != pv.Body {
			t.Fatalf("the reply sent should be the preview's text, got %+v", reply)
		}
		for _, k := range []ticket.EventKind{ticket.StatusChanged, ticket.PriorityChanged, ticket.OwnerChanged, ticket.TagsChanged} {
			if find(events, k) == nil {
				t.Errorf("no %s event on the timeline", k)
			}
		}
		used, err := env.d.Macro(env.ctx, env.l1, m.ID)
		if err != nil || used.Usage != 1 {
			t.Errorf("usage = %d (%v), want 1", used.Usage, err)
		}
	})
}

func TestMacroRefusalsWriteNothing(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		// Assigning to the L3 expert is out of the L1 ticket's scope.
		toExpert, err := env.d.CreateMacro(env.ctx, env.lead, macro.Macro{Name: "Pour l'expert", Scope: macro.Shared, BodyFR: "Je transmets.",
			Actions: macro.Actions{Assign: strconv.FormatInt(env.f.AgentL3.ID, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := env.d.CreateMacro(env.ctx, env.l1, macro.Macro{Name: "Ma relance", Scope: macro.Personal, BodyFR: "Des nouvelles ?"})
		if err != nil {
			t.Fatal(err)
		}
		tk := env.f.Ticket["L1"]
		before := env.timelineLen(t, env.lead, tk.ID)
		cases := []struct {
			name string
			err  error
			want problem.Kind
		}{
			{"assignment out of scope", apply(env.d, env.l1, tk.ID, toExpert.ID), problem.Forbidden},
			{"someone else's personal macro", apply(env.d, env.l2, env.f.Ticket["L2"].ID, mine.ID), problem.NotFound},
			{"a ticket the agent cannot see", apply(env.d, env.l1, env.f.Ticket["L3"].ID, mine.ID), problem.NotFound},
		}
		for _, c := range cases {
			if !problem.Is(c.err, c.want) {
				t.Errorf("%s: got %v, want kind %v", c.name, c.err, c.want)
			}
		}
		if n := env.timelineLen(t, env.lead, tk.ID); n != before {
			t.Errorf("a refused macro wrote %d events", n-before)
		}
		if m, _ := env.d.Macro(env.ctx, env.lead, toExpert.ID); m.Usage != 0 {
			t.Errorf("a refused use was counted: %d", m.Usage)
		}
		// Agents keep personal macros; sharing with everyone is for leads.
		_, err = env.d.CreateMacro(env.ctx, env.l1, macro.Macro{Name: "Pour tous", Scope: macro.Shared, BodyFR: "x"})
		if p, _ := problem.As(err); p == nil || p.Code != "macro_forbidden" {
			t.Errorf("an agent created a shared macro: %v", err)
		}
		mine.Scope = macro.Shared
		if _, err := env.d.UpdateMacro(env.ctx, env.l1, mine.ID, mine); !problem.Is(err, problem.Forbidden) {
			t.Errorf("an agent shared their macro: %v", err)
		}
		if _, err := env.d.DeleteMacro(env.ctx, env.lead, mine.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("a lead deleted someone's personal macro: %v", err)
		}
		if _, err := env.d.Macro(env.ctx, storetest.Actor(t, env.s, env.f.Other.Agent), toExpert.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("another workspace reads the macro: %v", err)
		}
	})
}

// A request type deactivated after the macro was written: the macro says
// so rather than applying half of itself.
func TestMacroNamingAGoneRequestTypeIsRefused(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		m, err := env.d.CreateMacro(env.ctx, env.admin, macro.Macro{Name: "Bug", Scope: macro.Shared, BodyFR: "Merci, nous regardons.",
			Actions: macro.Actions{RequestType: "bug"}})
		if err != nil {
			t.Fatal(err)
		}
		rt := env.f.Type["bug"]
		rt.Active = false
		if err := env.d.UpdateRequestType(env.ctx, env.admin, rt); err != nil {
			t.Fatal(err)
		}
		before := env.timelineLen(t, env.admin, env.f.Ticket["L1"].ID)
		err = apply(env.d, env.admin, env.f.Ticket["L1"].ID, m.ID)
		if p, _ := problem.As(err); p == nil || p.Fields["actions.request_type"].Code != "macro_reference_gone" {
			t.Fatalf("got %v, want macro_reference_gone on actions.request_type", err)
		}
		if n := env.timelineLen(t, env.admin, env.f.Ticket["L1"].ID); n != before {
			t.Errorf("the refused macro wrote %d events", n-before)
		}
	})
}

// Uses counted from many agents at once are all counted.
func TestMacroUsesAreCountedUnderConcurrency(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		m, err := env.d.CreateMacro(env.ctx, env.admin, macro.Macro{Name: "Tag", Scope: macro.Shared, Actions: macro.Actions{AddTags: []string{"vu"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{env.f.Ticket["L1"].ID, env.f.Ticket["L1owned"].ID, env.f.Ticket["L2"].ID, env.f.Ticket["L3"].ID}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Go(func() { errs[i] = apply(env.d, env.admin, id, m.ID) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("ticket %d: %v", ids[i], err)
			}
		}
		if got, _ := env.d.Macro(env.ctx, env.admin, m.ID); got.Usage != int64(len(ids)) {
			t.Errorf("usage = %d, want %d", got.Usage, len(ids))
		}
	})
}

func apply(d *desk.Service, a auth.Actor, ticketID, macroID int64) error {
	_, err := d.ApplyMacro(context.Background(), a, ticketID, desk.MacroUse{MacroID: macroID})
	return err
}
