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
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
)

func TestMacroRepliesAndActsInOneStep(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		lead := storetest.Actor(t, s, f.Lead)
		agent := storetest.Actor(t, s, f.AgentL1)
		m, err := d.CreateMacro(ctx, lead, macro.Macro{Name: "Facture renvoyée", Scope: macro.Team, TeamID: f.Team["L1"].ID,
			BodyFR:  "Bonjour {{customer_first_name}},\nVotre facture ({{ticket_ref}}) vous a été renvoyée.\n{{agent_first_name}}",
			BodyEN:  "Hello {{customer_first_name}}, your invoice ({{ticket_ref}}) was sent again.",
			Actions: macro.Actions{Status: "pending", Priority: "high", AddTags: []string{"facture"}, Assign: macro.AssignMe}})
		if err != nil {
			t.Fatal(err)
		}
		tk := f.Ticket["L1"] // alice, French, unassigned
		pv, err := d.PreviewMacro(ctx, agent, tk.ID, m.ID, "https://support.example")
		if err != nil {
			t.Fatal(err)
		}
		first := strings.Fields(f.Customer["alice"].Name)[0]
		if !strings.HasPrefix(pv.Body, "Bonjour "+first+",") || !strings.Contains(pv.Body, tk.Reference) || len(pv.Missing) != 0 {
			t.Fatalf("preview = %+v, want the French text filled for %s and %s", pv, first, tk.Reference)
		}
		got, err := d.ApplyMacro(ctx, agent, tk.ID, desk.MacroUse{MacroID: m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != ticket.Pending || got.Priority != ticket.High || got.OwnerID != f.AgentL1.ID || !slices.Contains(got.Tags, "facture") {
			t.Errorf("ticket after the macro: status %s, priority %s, owner %d, tags %v", got.Status, got.Priority, got.OwnerID, got.Tags)
		}
		events, err := d.Timeline(ctx, agent, tk.ID, 0, 100)
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
		used, err := d.Macro(ctx, agent, m.ID)
		if err != nil || used.Usage != 1 {
			t.Errorf("usage = %d (%v), want 1", used.Usage, err)
		}
	})
}

func TestMacroRefusalsWriteNothing(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		lead := storetest.Actor(t, s, f.Lead)
		agentL1 := storetest.Actor(t, s, f.AgentL1)
		agentL2 := storetest.Actor(t, s, f.AgentL2)
		// Assigning to the L3 expert is out of the L1 ticket's scope.
		toExpert, err := d.CreateMacro(ctx, lead, macro.Macro{Name: "Pour l'expert", Scope: macro.Shared, BodyFR: "Je transmets.",
			Actions: macro.Actions{Assign: strconv.FormatInt(f.AgentL3.ID, 10)}})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := d.CreateMacro(ctx, agentL1, macro.Macro{Name: "Ma relance", Scope: macro.Personal, BodyFR: "Des nouvelles ?"})
		if err != nil {
			t.Fatal(err)
		}
		tk := f.Ticket["L1"]
		before := timelineLen(t, d, lead, tk.ID)
		cases := []struct {
			name string
			err  error
			want problem.Kind
		}{
			{"assignment out of scope", apply(d, agentL1, tk.ID, toExpert.ID), problem.Forbidden},
			{"someone else's personal macro", apply(d, agentL2, f.Ticket["L2"].ID, mine.ID), problem.NotFound},
			{"a ticket the agent cannot see", apply(d, agentL1, f.Ticket["L3"].ID, mine.ID), problem.NotFound},
		}
		for _, c := range cases {
			if !problem.Is(c.err, c.want) {
				t.Errorf("%s: got %v, want kind %v", c.name, c.err, c.want)
			}
		}
		if n := timelineLen(t, d, lead, tk.ID); n != before {
			t.Errorf("a refused macro wrote %d events", n-before)
		}
		if m, _ := d.Macro(ctx, lead, toExpert.ID); m.Usage != 0 {
			t.Errorf("a refused use was counted: %d", m.Usage)
		}
		// Agents keep personal macros; sharing with everyone is for leads.
		_, err = d.CreateMacro(ctx, agentL1, macro.Macro{Name: "Pour tous", Scope: macro.Shared, BodyFR: "x"})
		if p, _ := problem.As(err); p == nil || p.Code != "macro_forbidden" {
			t.Errorf("an agent created a shared macro: %v", err)
		}
		mine.Scope = macro.Shared
		if _, err := d.UpdateMacro(ctx, agentL1, mine.ID, mine); !problem.Is(err, problem.Forbidden) {
			t.Errorf("an agent shared their macro: %v", err)
		}
		if _, err := d.DeleteMacro(ctx, lead, mine.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("a lead deleted someone's personal macro: %v", err)
		}
		if _, err := d.Macro(ctx, storetest.Actor(t, s, f.Other.Agent), toExpert.ID); !problem.Is(err, problem.NotFound) {
			t.Errorf("another workspace reads the macro: %v", err)
		}
	})
}

// A request type deactivated after the macro was written: the macro says
// so rather than applying half of itself.
func TestMacroNamingAGoneRequestTypeIsRefused(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		m, err := d.CreateMacro(ctx, admin, macro.Macro{Name: "Bug", Scope: macro.Shared, BodyFR: "Merci, nous regardons.",
			Actions: macro.Actions{RequestType: "bug"}})
		if err != nil {
			t.Fatal(err)
		}
		rt := f.Type["bug"]
		rt.Active = false
		if err := d.UpdateRequestType(ctx, admin, rt); err != nil {
			t.Fatal(err)
		}
		before := timelineLen(t, d, admin, f.Ticket["L1"].ID)
		err = apply(d, admin, f.Ticket["L1"].ID, m.ID)
		if p, _ := problem.As(err); p == nil || p.Fields["actions.request_type"].Code != "macro_reference_gone" {
			t.Fatalf("got %v, want macro_reference_gone on actions.request_type", err)
		}
		if n := timelineLen(t, d, admin, f.Ticket["L1"].ID); n != before {
			t.Errorf("the refused macro wrote %d events", n-before)
		}
	})
}

// Uses counted from many agents at once are all counted.
func TestMacroUsesAreCountedUnderConcurrency(t *testing.T) {
	eachDesk(t, func(t *testing.T, ctx context.Context, s *store.Store, f storetest.Fixture, d *desk.Service) {
		admin := storetest.Actor(t, s, f.Admin)
		m, err := d.CreateMacro(ctx, admin, macro.Macro{Name: "Tag", Scope: macro.Shared, Actions: macro.Actions{AddTags: []string{"vu"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids := []int64{f.Ticket["L1"].ID, f.Ticket["L1owned"].ID, f.Ticket["L2"].ID, f.Ticket["L3"].ID}
		var wg sync.WaitGroup
		errs := make([]error, len(ids))
		for i, id := range ids {
			wg.Go(func() { errs[i] = apply(d, admin, id, m.ID) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("ticket %d: %v", ids[i], err)
			}
		}
		if got, _ := d.Macro(ctx, admin, m.ID); got.Usage != int64(len(ids)) {
			t.Errorf("usage = %d, want %d", got.Usage, len(ids))
		}
	})
}

func apply(d *desk.Service, a auth.Actor, ticketID, macroID int64) error {
	_, err := d.ApplyMacro(context.Background(), a, ticketID, desk.MacroUse{MacroID: macroID})
	return err
}

func timelineLen(t *testing.T, d *desk.Service, a auth.Actor, id int64) int {
	t.Helper()
	events, err := d.Timeline(context.Background(), a, id, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return len(events)
}
