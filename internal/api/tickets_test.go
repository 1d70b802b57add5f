package api

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/palier/palier/internal/store"
	"github.com/palier/palier/internal/ticket"
)

// An integrator's day: open a ticket, read it back, find it in a list,
// change it, answer, leave a note, and read the timeline that recorded it
// all.
func TestTicketRoundTrip(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var created ticket.Ticket
		a := e.send("agentL1", "POST", Prefix+"/tickets", map[string]any{
			"subject": "Prélèvement en double", "body": "J'ai été prélevé deux fois.",
			"customer_email": "nouvelle@example.fr", "customer_name": "Nina Nouvelle",
			"request_type": "billing", "priority": "high", "tags": []string{"Facture", "double"},
		})
		e.must(a, 201, &created)
		if got := a.header.Get("Location"); got != ticketPath(created.ID) {
			t.Errorf("Location = %q", got)
		}
		if created.Subject != "Prélèvement en double" || created.Priority != ticket.High || created.Status != ticket.New ||
			created.Channel != "api" || created.Reference == "" || !slices.Equal(created.Tags, []string{"double", "facture"}) {
			t.Errorf("created = %+v", created)
		}
		// Placed by default in L1, in the L1 team whose skills cover billing.
		if created.TierID != e.f.Tier["L1"].ID || created.TeamID != e.f.Team["L1"].ID {
			t.Errorf("placed in tier %d team %d, want L1", created.TierID, created.TeamID)
		}

		var got ticket.Ticket
		e.must(e.get("agentL1", ticketPath(created.ID)), 200, &got)
		if got.ID != created.ID || got.Subject != created.Subject || got.CustomerID != created.CustomerID {
			t.Errorf("get = %+v, want %+v", got, created)
		}
		var cust struct{ Name, Email string }
		e.must(e.get("agentL1", idPath("/customers", got.CustomerID)), 200, &cust)
		if cust.Name != "Nina Nouvelle" || cust.Email != "nouvelle@example.fr" {
			t.Errorf("customer created from the email = %+v", cust)
		}

		var list page[ticket.Ticket]
		e.must(e.get("agentL1", Prefix+"/tickets?status=new&type=billing&tier=L1&owner=none&sort=oldest"), 200, &list)
		if !slices.ContainsFunc(list.Data, func(x ticket.Ticket) bool { return x.ID == created.ID }) {
			t.Errorf("new ticket missing from the filtered list: %+v", list.Data)
		}
		for _, x := range list.Data {
			if x.Status != ticket.New || x.OwnerID != 0 || x.RequestTypeID != e.f.Type["billing"].ID {
				t.Errorf("list filter let through %+v", x)
			}
		}

		var updated ticket.Ticket
		e.must(e.send("agentL1", "PATCH", ticketPath(created.ID), map[string]any{
			"priority": "urgent", "owner_id": e.f.AgentL1.ID, "status": "open",
		}), 200, &updated)
		if updated.Priority != ticket.Urgent || updated.OwnerID != e.f.AgentL1.ID || updated.Status != ticket.Open {
			t.Errorf("updated = %+v", updated)
		}

		var replied messageOut
		e.must(e.send("agentL1", "POST", ticketPath(created.ID)+"/replies", map[string]any{
			"body": "Nous avons remboursé le second prélèvement.", "status": "solved",
		}), 201, &replied)
		if replied.Event.Kind != ticket.AgentReply || replied.Ticket.Status != ticket.Solved || replied.Ticket.FirstResponseAt == nil {
			t.Errorf("reply = %+v", replied)
		}
		var noted messageOut
		e.must(e.send("agentL1", "POST", ticketPath(created.ID)+"/notes", map[string]any{"body": "Client fidèle, geste commercial fait."}), 201, &noted)
		if noted.Event.Kind != ticket.InternalNote {
			t.Errorf("note = %+v", noted.Event)
		}

		var events page[servedEvent]
		e.must(e.get("agentL1", ticketPath(created.ID)+"/events"), 200, &events)
		var kinds []ticket.EventKind
		for _, ev := range events.Data {
			kinds = append(kinds, ev.Kind)
		}
		want := []ticket.EventKind{ticket.Created, ticket.CustomerMessage, ticket.Routed,
			ticket.StatusChanged, ticket.PriorityChanged, ticket.OwnerChanged, // the PATCH, one event per field
			ticket.AgentReply, ticket.StatusChanged, ticket.InternalNote}
		if !sameKinds(kinds, want) {
			t.Errorf("timeline = %v, want %v", kinds, want)
		}
		if events.NextCursor != nil {
			t.Errorf("one page expected, got cursor %q", *events.NextCursor)
		}
		// Small pages walk the same timeline.
		var paged []ticket.EventKind
		for _, ev := range allPages[servedEvent](e, "agentL1", ticketPath(created.ID)+"/events?limit=4", 10) {
			paged = append(paged, ev.Kind)
		}
		if !slices.Equal(paged, kinds) {
			t.Errorf("paged timeline = %v, want %v", paged, kinds)
		}
		// Polling with after= returns only what came later.
		var later page[servedEvent]
		e.must(e.get("agentL1", ticketPath(created.ID)+"/events?after="+itoa(replied.Event.ID)), 200, &later)
		if len(later.Data) != 2 || later.Data[1].ID != noted.Event.ID {
			t.Errorf("after the reply: %+v", later.Data)
		}
	})
}

// sameKinds compares timelines; events written in one transaction share a
// timestamp, so within the PATCH the order of field events is the store's.
func sameKinds(got, want []ticket.EventKind) bool {
	a, b := slices.Clone(got), slices.Clone(want)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b) && len(got) > 0 && got[0] == want[0] && got[len(got)-1] == want[len(want)-1]
}

// Assigning, unassigning and inviting a collaborator through their own
// endpoints.
func TestAssignAndCollaborators(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		path := e.ticketPath("L1")
		var tk ticket.Ticket
		e.must(e.send("agentL1", "POST", path+"/assign", map[string]any{"owner_id": e.f.AgentL1.ID}), 200, &tk)
		if tk.OwnerID != e.f.AgentL1.ID {
			t.Errorf("owner = %d", tk.OwnerID)
		}
		var unassigned ticket.Ticket
		e.must(e.send("agentL1", "POST", path+"/assign", map[string]any{"owner_id": nil}), 200, &unassigned)
		if unassigned.OwnerID != 0 {
			t.Errorf("unassign left owner %d", unassigned.OwnerID)
		}
		e.must(e.send("agentL1", "POST", path+"/collaborators", map[string]any{"agent_id": e.f.AgentL3.ID}), 200, &tk)
		if !slices.Contains(tk.Collaborators, e.f.AgentL3.ID) {
			t.Errorf("collaborators = %v", tk.Collaborators)
		}
		// The invited L3 agent now reads the L1 ticket and may post notes.
		e.must(e.get("agentL3", path), 200, nil)
		e.must(e.send("agentL3", "POST", path+"/notes", map[string]any{"body": "Vu côté L3."}), 201, nil)
	})
}

// access is what one actor may do with one ticket over the API.
type access struct {
	get    int  // GET /tickets/{id}
	listed bool // present in GET /tickets
	patch  int  // PATCH /tickets/{id}
	reply  int  // POST /tickets/{id}/replies
	note   int  // POST /tickets/{id}/notes
}

var (
	full     = access{get: 200, listed: true, patch: 200, reply: 201, note: 201}
	noteOnly = access{get: 200, listed: true, patch: 403, reply: 403, note: 201} // a swarm collaborator outside the ticket's tier
	hidden   = access{get: 404, listed: false, patch: 404, reply: 404, note: 404}
)

// The authorisation matrix: role × the ticket's tier (the actor's own, or
// another) × sensitive × the actor's relationship to the ticket. The
// expectations are written out, not computed from the access rules, so the
// table is the specification the rules are tested against.
func TestAuthorisationMatrix(t *testing.T) {
	rows := []struct {
		role      string // admin, lead (tiers L1+L2), agentL1 (tier L1)
		ownTier   bool   // the ticket is in L1 (own tier) or L3 (another tier)
		sensitive bool
		rel       string // owner, collaborator, none
		want      access
	}{
		// Admins see and work everything.
		{"admin", true, false, "owner", full}, {"admin", true, false, "collaborator", full}, {"admin", true, false, "none", full},
		{"admin", true, true, "owner", full}, {"admin", true, true, "collaborator", full}, {"admin", true, true, "none", full},
		{"admin", false, false, "owner", full}, {"admin", false, false, "collaborator", full}, {"admin", false, false, "none", full},
		{"admin", false, true, "owner", full}, {"admin", false, true, "collaborator", full}, {"admin", false, true, "none", full},
		// Leads work their tiers, sensitive tickets included.
		{"lead", true, false, "owner", full}, {"lead", true, false, "collaborator", full}, {"lead", true, false, "none", full},
		{"lead", true, true, "owner", full}, {"lead", true, true, "collaborator", full}, {"lead", true, true, "none", full},
		{"lead", false, false, "owner", full}, {"lead", false, false, "collaborator", noteOnly}, {"lead", false, false, "none", hidden},
		{"lead", false, true, "owner", full}, {"lead", false, true, "collaborator", noteOnly}, {"lead", false, true, "none", hidden},
		// Agents work their tier, but sensitive tickets only when they take part.
		{"agentL1", true, false, "owner", full}, {"agentL1", true, false, "collaborator", full}, {"agentL1", true, false, "none", full},
		{"agentL1", true, true, "owner", full}, {"agentL1", true, true, "collaborator", full}, {"agentL1", true, true, "none", hidden},
		{"agentL1", false, false, "owner", full}, {"agentL1", false, false, "collaborator", noteOnly}, {"agentL1", false, false, "none", hidden},
		{"agentL1", false, true, "owner", full}, {"agentL1", false, true, "collaborator", noteOnly}, {"agentL1", false, true, "none", hidden},
	}
	eachEnv(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		members := e.f.Members()
		ids := make([]int64, len(rows))
		for i, row := range rows {
			tier := "L3"
			if row.ownTier {
				tier = "L1"
			}
			actor := members[row.role]
			owner := e.f.AgentL3.ID // someone else
			if row.rel == "owner" {
				owner = actor.ID
			}
			tk, err := e.s.CreateTicket(ctx, e.f.WS.ID, store.NewTicket{Ticket: ticket.Ticket{
				Subject: "matrix", Channel: "email", TierID: e.f.Tier[tier].ID, TeamID: e.f.Team[tier].ID, OwnerID: owner,
				CustomerID: e.f.Customer["bob"].ID, Language: "en", Sensitive: row.sensitive,
			}, Body: "matrix"})
			if err != nil {
				t.Fatal(err)
			}
			if row.rel == "collaborator" {
				if err := e.s.AddCollaborator(ctx, e.f.WS.ID, tk.ID, actor.ID, e.f.Admin.ID, nil); err != nil {
					t.Fatal(err)
				}
			}
			ids[i] = tk.ID
		}
		listed := map[string][]int64{}
		for _, role := range []string{"admin", "lead", "agentL1"} {
			listed[role] = e.allTicketIDs(role)
		}
		for i, row := range rows {
			name := row.role + "/" + map[bool]string{true: "own-tier", false: "other-tier"}[row.ownTier] + "/" +
				map[bool]string{true: "sensitive", false: "plain"}[row.sensitive] + "/" + row.rel
			t.Run(name, func(t *testing.T) {
				e := e.on(t)
				path := ticketPath(ids[i])
				got := access{
					get:    e.get(row.role, path).status,
					listed: slices.Contains(listed[row.role], ids[i]),
					patch:  e.send(row.role, "PATCH", path, map[string]any{"tags": []string{}}).status,
					reply:  e.send(row.role, "POST", path+"/replies", map[string]any{"body": "reply"}).status,
					note:   e.send(row.role, "POST", path+"/notes", map[string]any{"body": "note"}).status,
				}
				if got != row.want {
					t.Errorf("got %+v, want %+v", got, row.want)
				}
			})
		}
	})
}

// allTicketIDs walks every page of the ticket list as a member.
func (e *env) allTicketIDs(who string) []int64 {
	e.t.Helper()
	var out []int64
	for _, x := range allPages[ticket.Ticket](e, who, Prefix+"/tickets?limit=7&sort=oldest", 100) {
		out = append(out, x.ID)
	}
	return out
}

// Pages follow each other without gaps or repeats, in every sort order.
func TestTicketPagination(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		var want []int64
		for _, tk := range e.f.Ticket {
			want = append(want, tk.ID)
		}
		slices.Sort(want)
		got := e.allTicketIDs("admin")
		if !slices.Equal(got, want) {
			t.Errorf("oldest first over pages of 7: %v, want %v", got, want)
		}
		for _, sort := range store.Sorts {
			var ids []int64
			path := Prefix + "/tickets?limit=2&sort=" + sort
			for range 20 {
				var p page[ticket.Ticket]
				e.must(e.get("admin", path), 200, &p)
				for _, x := range p.Data {
					ids = append(ids, x.ID)
				}
				if p.NextCursor == nil {
					break
				}
				path = Prefix + "/tickets?limit=2&sort=" + sort + "&cursor=" + *p.NextCursor
			}
			sorted := slices.Sorted(slices.Values(ids))
			if !slices.Equal(sorted, want) {
				t.Errorf("sort %s over pages of 2: %v", sort, ids)
			}
		}
		// A cursor of one sort order is refused by another.
		var p page[ticket.Ticket]
		e.must(e.get("admin", Prefix+"/tickets?limit=2&sort=newest"), 200, &p)
		a := e.get("admin", Prefix+"/tickets?sort=priority&cursor="+*p.NextCursor)
		if a.status != 400 || a.errorCode() != "bad_cursor" {
			t.Errorf("cursor of another sort: %s", a)
		}
	})
}

// Status filters take repeated parameters and comma lists alike; owner
// takes me, none or an id.
func TestTicketListFilters(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		ids := func(path string) []int64 {
			var p page[ticket.Ticket]
			e.must(e.get("admin", path), 200, &p)
			var out []int64
			for _, x := range p.Data {
				out = append(out, x.ID)
			}
			slices.Sort(out)
			return out
		}
		of := func(keys ...string) []int64 {
			var out []int64
			for _, k := range keys {
				out = append(out, e.f.Ticket[k].ID)
			}
			slices.Sort(out)
			return out
		}
		cases := []struct {
			query string
			want  []int64
		}{
			{"status=new", of("L1")},
			{"status=new,solved", of("L1", "solved")},
			{"status=new&status=solved", of("L1", "solved")},
			{"tier=L3", of("L3", "swarm")},
			{"tier=" + itoa(e.f.Tier["L2"].ID) + ",L3", of("L2", "L3", "swarm")},
			{"team=" + itoa(e.f.Team["L2"].ID), of("L2")},
			{"owner=none", of("L1", "sensitive")},
			{"owner=" + itoa(e.f.AgentL1.ID), of("L1owned", "solved")},
			{"type=access", of("L1owned")},
			{"customer=" + itoa(e.f.Customer["victoria"].ID), of("L3", "sensitive")},
		}
		for _, c := range cases {
			if got := ids(Prefix + "/tickets?" + c.query); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.query, got, c.want)
			}
		}
		var mine page[ticket.Ticket]
		e.must(e.get("agentL3", Prefix+"/tickets?owner=me"), 200, &mine)
		if len(mine.Data) != 2 {
			t.Errorf("owner=me for AgentL3: %d tickets, want L3 and swarm", len(mine.Data))
		}
	})
}

// Markup a customer typed is stored and returned exactly as typed, as a
// JSON string that no browser would run.
func TestHTMLIsStoredAsTextAndServedInert(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		subject := `<script>alert("x")</script><img src=x onerror=alert(1)>`
		body := `<b>bold</b> & <a href="javascript:alert(1)">link</a>`
		var tk ticket.Ticket
		e.must(e.send("admin", "POST", Prefix+"/tickets", map[string]any{
			"subject": subject, "body": body, "customer_id": e.f.Customer["bob"].ID,
		}), 201, &tk)
		a := e.get("admin", ticketPath(tk.ID))
		if strings.Contains(string(a.body), "<script>") || strings.Contains(string(a.body), "<img") {
			t.Errorf("markup served raw: %s", a.body)
		}
		var got ticket.Ticket
		e.must(a, 200, &got)
		if got.Subject != subject {
			t.Errorf("subject = %q, want it as typed", got.Subject)
		}
		var events page[servedEvent]
		e.must(e.get("admin", ticketPath(tk.ID)+"/events"), 200, &events)
		if len(events.Data) < 2 || events.Data[1].Body != body {
			t.Errorf("message body = %+v, want it as typed", events.Data)
		}
	})
}

// Another workspace's tickets, customers and agents do not exist for this
// one: reading them is 404, naming them in a write is an unknown value.
func TestOtherTenantIsInvisible(t *testing.T) {
	eachEnv(t, func(t *testing.T, e *env) {
		o := e.f.Other
		for _, path := range []string{ticketPath(o.Ticket.ID), ticketPath(o.Ticket.ID) + "/events",
			idPath("/customers", o.Customer.ID), idPath("/agents", o.Agent.ID)} {
			if a := e.get("admin", path); a.status != 404 {
				t.Errorf("GET %s as admin of Acme: %s", path, a)
			}
		}
		if a := e.send("admin", "PATCH", ticketPath(o.Ticket.ID), map[string]any{"priority": "low"}); a.status != 404 {
			t.Errorf("PATCH other tenant's ticket: %s", a)
		}
		for _, id := range e.allTicketIDs("admin") {
			if id == o.Ticket.ID {
				t.Error("the other tenant's ticket is listed")
			}
		}
		// And the other tenant sees nothing of Acme.
		if a := e.get("other", e.ticketPath("L1")); a.status != 404 {
			t.Errorf("other tenant reads Acme's ticket: %s", a)
		}
		if ids := e.allTicketIDs("other"); len(ids) != 1 || ids[0] != o.Ticket.ID {
			t.Errorf("other tenant lists %v", ids)
		}
	})
}
