package desk_test

import (
	"context"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/palier/palier/internal/auth"
	"github.com/palier/palier/internal/desk"
	"github.com/palier/palier/internal/problem"
	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/store/storetest"
	"github.com/palier/palier/internal/ticket"
	"github.com/palier/palier/internal/workspace"
)

func viewRows(t *testing.T, s *store.Store) (views, audits int) {
	t.Helper()
	n := rowCounts(t, s, "saved_views", "audit_log")
	return n["saved_views"], n["audit_log"]
}

func hasCode(err error, code string) bool {
	p, ok := problem.As(err)
	return ok && p.Code == code
}

func id64(id int64) string { return strconv.FormatInt(id, 10) }

func query(s string) url.Values {
	q, err := url.ParseQuery(s)
	if err != nil {
		panic(err)
	}
	return q
}

// savedCount is the sidebar count of a saved view for an actor; -1 when
// the view is not in their sidebar.
func savedCount(t *testing.T, ctx context.Context, d *desk.Service, a auth.Actor, id int64) int {
	t.Helper()
	views, err := d.Views(ctx, a, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.Saved != nil && v.Saved.ID == id {
			return v.Count
		}
	}
	return -1
}

// A personal view is its owner's alone: nobody else sees, changes or
// deletes it, and a refusal writes nothing.
func TestPersonalViewIsItsOwners(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		v, err := env.d.CreateSavedView(env.ctx, env.l1, desk.ViewInput{Name: "Mes tickets ouverts", Scope: store.ViewPersonal,
			Query: query("owner=me&status=open&status=new"), Columns: []string{"subject", "number", "created"}})
		if err != nil {
			t.Fatal(err)
		}
		if got := v.Query.Encode(); got != "owner=me&status=new&status=open" {
			t.Errorf("canonical query = %q", got)
		}
		if !slices.Equal(v.Columns, []string{"number", "subject", "created"}) {
			t.Errorf("columns = %v, want the list's order", v.Columns)
		}
		if n := savedCount(t, env.ctx, env.d, env.l1, v.ID); n != 1 { // L1owned
			t.Errorf("Luc's count = %d, want 1", n)
		}
		views, audits := viewRows(t, env.s)
		for name, m := range map[string]workspace.Member{"lead": env.f.Lead, "admin": env.f.Admin, "agentL2": env.f.AgentL2} {
			other := storetest.Actor(t, env.s, m)
			if n := savedCount(t, env.ctx, env.d, other, v.ID); n != -1 {
				t.Errorf("%s sees Luc's personal view", name)
			}
			if _, err := env.d.SavedView(env.ctx, other, v.ID); !hasCode(err, "view_not_found") {
				t.Errorf("%s reads it: %v", name, err)
			}
			if _, err := env.d.UpdateSavedView(env.ctx, other, v.ID, desk.ViewInput{Name: "Pris", Scope: store.ViewPersonal, Columns: desk.ViewColumns}); !hasCode(err, "view_not_found") {
				t.Errorf("%s changes it: %v", name, err)
			}
			if _, err := env.d.DeleteSavedView(env.ctx, other, v.ID); !hasCode(err, "view_not_found") {
				t.Errorf("%s deletes it: %v", name, err)
			}
		}
		// Luc may not share it with everyone.
		if _, err := env.d.UpdateSavedView(env.ctx, env.l1, v.ID, desk.ViewInput{Name: "À tous", Scope: store.ViewShared, Columns: desk.ViewColumns}); !hasCode(err, "view_forbidden") {
			t.Errorf("an agent shares a view: %v", err)
		}
		if _, err := env.d.CreateSavedView(env.ctx, env.l1, desk.ViewInput{Name: "À tous", Scope: store.ViewShared, Columns: desk.ViewColumns}); !hasCode(err, "view_forbidden") {
			t.Errorf("an agent writes a shared view: %v", err)
		}
		if v2, a2 := viewRows(t, env.s); v2 != views || a2 != audits {
			t.Errorf("refusals wrote: views %d→%d, audit %d→%d", views, v2, audits, a2)
		}
		got, err := env.d.SavedView(env.ctx, env.l1, v.ID)
		if err != nil || got.Name != "Mes tickets ouverts" || got.Scope != store.ViewPersonal {
			t.Errorf("after the refusals: %+v, %v", got, err)
		}
		// His own changes are not audited: they concern him alone.
		if _, err := env.d.UpdateSavedView(env.ctx, env.l1, v.ID, desk.ViewInput{Name: "Ouverts", Scope: store.ViewPersonal, Query: v.Query, Columns: v.Columns, Position: 3}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.DeleteSavedView(env.ctx, env.l1, v.ID); err != nil {
			t.Fatal(err)
		}
		if v2, a2 := viewRows(t, env.s); v2 != views-1 || a2 != audits {
			t.Errorf("views %d→%d, audit %d→%d", views, v2, audits, a2)
		}
	})
}

// A shared view is listed with each agent's access: the billing view
// counts the sensitive ticket for the lead, not for Luc, and nothing for
// the L3 expert; "me" is whoever looks. Its changes are for leads and
// admins, and audited.
func TestSharedViewCountsWhatEachMaySee(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		_, audits := viewRows(t, env.s)
		billing, err := env.d.CreateSavedView(env.ctx, env.lead, desk.ViewInput{Name: "Factures", Scope: store.ViewShared, Query: query("type=billing"), Columns: desk.DefaultViewColumns()})
		if err != nil {
			t.Fatal(err)
		}
		mine, err := env.d.CreateSavedView(env.ctx, env.lead, desk.ViewInput{Name: "Les miens", Scope: store.ViewShared, Query: query("owner=me"), Columns: desk.DefaultViewColumns()})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			who        string
			a          auth.Actor
			bill, mine int
		}{{"lead", env.lead, 3, 0}, {"luc", env.l1, 2, 2}, {"expert", env.l3, 0, 2}} {
			if n := savedCount(t, env.ctx, env.d, c.a, billing.ID); n != c.bill {
				t.Errorf("%s counts %d billing tickets, want %d", c.who, n, c.bill)
			}
			if n := savedCount(t, env.ctx, env.d, c.a, mine.ID); n != c.mine {
				t.Errorf("%s counts %d of their own, want %d", c.who, n, c.mine)
			}
			list, _, err := env.d.ViewTickets(env.ctx, c.a, billing.ID, "", 50)
			if err != nil || len(list) != c.bill {
				t.Errorf("%s lists %d billing tickets (%v), want %d", c.who, len(list), err, c.bill)
			}
		}
		views, a2 := viewRows(t, env.s)
		if a2 != audits+2 {
			t.Errorf("audit entries %d→%d, want one per shared view", audits, a2)
		}
		if _, err := env.d.UpdateSavedView(env.ctx, env.l1, billing.ID, desk.ViewInput{Name: "Pris", Scope: store.ViewShared, Columns: desk.ViewColumns}); !hasCode(err, "view_forbidden") {
			t.Errorf("an agent changes a shared view: %v", err)
		}
		if _, err := env.d.UpdateSavedView(env.ctx, env.l1, billing.ID, desk.ViewInput{Name: "Pris", Scope: store.ViewPersonal, Columns: desk.ViewColumns}); !hasCode(err, "view_forbidden") {
			t.Errorf("an agent takes a shared view: %v", err)
		}
		if _, err := env.d.DeleteSavedView(env.ctx, env.l1, billing.ID); !hasCode(err, "view_forbidden") {
			t.Errorf("an agent deletes a shared view: %v", err)
		}
		if v3, a3 := viewRows(t, env.s); v3 != views || a3 != a2 {
			t.Errorf("refusals wrote: views %d→%d, audit %d→%d", views, v3, a2, a3)
		}
		if _, err := env.d.UpdateSavedView(env.ctx, env.admin, billing.ID, desk.ViewInput{Name: "Factures en retard", Scope: store.ViewShared, Query: query("type=billing&sort=oldest"), Columns: desk.ViewColumns}); err != nil {
			t.Fatal(err)
		}
		if _, err := env.d.DeleteSavedView(env.ctx, env.admin, mine.ID); err != nil {
			t.Fatal(err)
		}
		if _, a3 := viewRows(t, env.s); a3 != a2+2 {
			t.Errorf("audit entries %d→%d, want the change and the deletion", a2, a3)
		}
	})
}

// Every bad field is named at once, with nothing written; a list no
// index serves is refused as the list refuses it; a swarm collaborator
// has no saved views.
func TestSavedViewRefusals(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		views, audits := viewRows(t, env.s)
		_, err := env.d.CreateSavedView(env.ctx, env.lead, desk.ViewInput{Name: " ", Scope: "team", Columns: []string{"subject", "sla"},
			Query: query("tier=L9&colour=red&status=lost&sort=random&owner=x")})
		p, ok := problem.As(err)
		if !ok || p.Code != "validation_failed" {
			t.Fatalf("err = %v", err)
		}
		for _, field := range []string{"name", "scope", "columns", "query.colour", "query.status", "query.sort", "query.owner"} {
			if _, ok := p.Fields[field]; !ok {
				t.Errorf("no error on %s: %v", field, p.Fields)
			}
		}
		// The references are checked once the fields are right.
		_, err = env.d.CreateSavedView(env.ctx, env.lead, desk.ViewInput{Name: "X", Scope: store.ViewPersonal, Columns: desk.ViewColumns, Query: query("tier=L9&team=999999&type=nope")})
		if p, ok := problem.As(err); !ok || len(p.Fields) != 3 || p.Fields["query.tier"].Code != "unknown_value" {
			t.Errorf("unknown references: %v", err)
		}
		// list_too_broad: checkView lists one row of the view with the
		// saver's access, so the list's refusal is the view's; no filter
		// of TicketQuery is refused by the list today.
		ext, err := env.d.CreateMember(env.ctx, env.admin, workspace.Member{Name: "Extern", Email: "ext@vendor.test", Role: workspace.Collaborator, Active: true}, storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		audits++ // the new member is audited
		collab := storetest.Actor(t, env.s, ext)
		if _, err := env.d.CreateSavedView(env.ctx, collab, desk.ViewInput{Name: "Moi", Scope: store.ViewPersonal, Columns: desk.ViewColumns}); !hasCode(err, "view_forbidden") {
			t.Errorf("a collaborator saves a view: %v", err)
		}
		if v2, a2 := viewRows(t, env.s); v2 != views || a2 != audits {
			t.Errorf("refusals wrote: views %d→%d, audit %d→%d", views, v2, audits, a2)
		}
		shared, err := env.d.CreateSavedView(env.ctx, env.lead, desk.ViewInput{Name: "Tous", Scope: store.ViewShared, Columns: desk.ViewColumns})
		if err != nil {
			t.Fatal(err)
		}
		if list, err := env.d.SavedViews(env.ctx, collab); err != nil || len(list) != 0 {
			t.Errorf("a collaborator sees %v (%v)", list, err)
		}
		if _, err := env.d.SavedView(env.ctx, collab, shared.ID); !hasCode(err, "view_not_found") {
			t.Errorf("a collaborator reads a shared view: %v", err)
		}
	})
}

// Renaming a team or a tier changes nothing in a view (it keeps ids); a
// view naming a team that does not exist any more still loads, says so,
// and refuses to list rather than list something else.
func TestViewOutlivesWhatItNames(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		v, err := env.d.CreateSavedView(env.ctx, env.lead, desk.ViewInput{Name: "Équipe 1", Scope: store.ViewShared, Query: query("team=" + id64(env.f.Team["L1"].ID) + "&tier=L1"), Columns: desk.ViewColumns})
		if err != nil {
			t.Fatal(err)
		}
		before := savedCount(t, env.ctx, env.d, env.lead, v.ID)
		team := env.f.Team["L1"]
		team.Name, team.NameFR, team.NameEN = "Front", "Front", "Front"
		if err := env.d.UpdateTeam(env.ctx, env.admin, team); err != nil {
			t.Fatal(err)
		}
		if after := savedCount(t, env.ctx, env.d, env.lead, v.ID); after != before || before == 0 {
			t.Errorf("count %d before the rename, %d after", before, after)
		}
		// A team gone: written as the store keeps it, since no path
		// deletes one today.
		gone, err := env.s.CreateSavedView(env.ctx, env.f.Lead.ID, store.SavedView{WorkspaceID: env.f.WS.ID, Name: "Ancienne équipe", Scope: store.ViewShared, OwnerID: env.f.Lead.ID,
			Query: "team=999999&owner=999998", Columns: desk.DefaultViewColumns()})
		if err != nil {
			t.Fatal(err)
		}
		got, err := env.d.SavedView(env.ctx, env.lead, gone.ID)
		if err != nil || !slices.Equal(got.Stale, []string{"team", "owner"}) {
			t.Errorf("stale view = %+v, %v", got, err)
		}
		if n := savedCount(t, env.ctx, env.d, env.lead, gone.ID); n != 0 {
			t.Errorf("a stale view counts %d", n)
		}
		if _, _, err := env.d.ViewTickets(env.ctx, env.lead, gone.ID, "", 50); !hasCode(err, "view_stale") {
			t.Errorf("listing a stale view: %v", err)
		}
		// Fixed by editing it.
		if _, err := env.d.UpdateSavedView(env.ctx, env.lead, gone.ID, desk.ViewInput{Name: "Ancienne équipe", Scope: store.ViewShared, Query: query("team=" + id64(env.f.Team["L2"].ID)), Columns: desk.ViewColumns}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := env.d.ViewTickets(env.ctx, env.lead, gone.ID, "", 50); err != nil {
			t.Errorf("after the edit: %v", err)
		}
	})
}

// "Handed off by me" lists what the agent handed to another tier, solved
// ones included, the latest change first, with its count in the sidebar.
func TestHandedOffView(t *testing.T) {
	eachDesk(t, func(t *testing.T, env deskTest) {
		answers := map[string]string{"steps_tried": "Lien renvoyé", "error_message": "Lien expiré"}
		var moved []int64
		for _, key := range []string{"L1owned", "L1"} {
			tk, err := env.d.Escalate(env.ctx, env.l1, env.f.Ticket[key].ID, desk.EscalateInput{Reason: "Niveau 2", Answers: answers, FromTier: "L1"})
			if err != nil {
				t.Fatalf("escalate %s: %v", key, err)
			}
			moved = append(moved, tk.ID)
		}
		// Dana solves the first one: it comes first, solved.
		if _, _, err := env.d.Reply(env.ctx, env.l2, moved[0], "Réglé.", string(ticket.Solved)); err != nil {
			t.Fatal(err)
		}
		view := func(a desk.View) bool { return a.Key == "handed-off" }
		views, err := env.d.Views(env.ctx, env.l1, true)
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(views, view)
		if i < 0 || views[i].Count != 2 || views[i].Label != "view.handed_off" {
			t.Fatalf("Luc's views = %+v, want handed-off with 2", views)
		}
		list, _, err := env.d.Tickets(env.ctx, env.l1, views[i].Filter, "", 50)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].ID != moved[0] || list[0].Status != ticket.Solved || list[1].ID != moved[1] {
			t.Errorf("handed off by Luc, latest change first: %+v", list)
		}
		views, err = env.d.Views(env.ctx, env.l2, true)
		if err != nil {
			t.Fatal(err)
		}
		if i := slices.IndexFunc(views, view); i < 0 || views[i].Count != 0 {
			t.Errorf("Dana handed off nothing: %+v", views)
		}
	})
}
